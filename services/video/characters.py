"""Procedural 2-D characters for the embedded renderer: an articulated figure drawn with signed distances.

A character is a front-facing figure built from simple shapes (tapered capsules for limbs, a rounded
trapezoid torso, elliptical head, hair, eyes, brows, nose and a mouth that opens with the dialogue). The
pose of every frame comes from the shot's action and time as per-frame joint tensors, and all frames are
drawn at once. Each group of shapes is evaluated only in a per-frame window around it (gathered from and
scattered back into the canvas), so cost follows the figure's area rather than the sprite's.

The face track returned with the pixels is computed from the same tensors that draw the face, so the
lip-sync stage can trust that the mouth it is told about is the mouth that is on screen.
"""

from __future__ import annotations

import colorsys
import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from cinemesh.v1 import common_pb2
from cinemesh.v1 import plan_pb2 as p
from cinemesh.video import roles

#: The inside of the mouth: a dark red no clothing, hair or skin colour gets close to (see `_clear_of_mouth`),
#: so the mouth can be found in the pixels.
MOUTH_RGB = (0.25, 0.02, 0.05)
#: |yaw| above which the face is turned away (FaceTrack.visible is False).
FACE_AWAY_YAW = 1.2

_SKIN = (
    (0.96, 0.80, 0.69),
    (0.91, 0.72, 0.58),
    (0.82, 0.61, 0.46),
    (0.68, 0.48, 0.34),
    (0.52, 0.35, 0.24),
    (0.38, 0.25, 0.17),
)
_HAIR = {
    "black": (0.07, 0.06, 0.06),
    "dark": (0.16, 0.11, 0.08),
    "brown": (0.36, 0.23, 0.13),
    "red": (0.66, 0.32, 0.12),
    "blonde": (0.86, 0.72, 0.45),
    "grey": (0.68, 0.68, 0.68),
}
_YOUNG = r"\b(young|girl|boy|teen|teenager|kid|child|toddler|baby|student|youth)\b"
_HAIR_WORDS = {
    "blond": "blonde",
    "ginger": "red",
    "redhead": "red",
    "auburn": "red",
    "gray": "grey",
    "white": "grey",
    "silver": "grey",
}
_CLOTH = {
    "red": (0.80, 0.14, 0.12),
    "orange": (0.92, 0.48, 0.12),
    "yellow": (0.92, 0.80, 0.20),
    "green": (0.20, 0.55, 0.25),
    "blue": (0.16, 0.30, 0.72),
    "navy": (0.10, 0.14, 0.35),
    "purple": (0.45, 0.22, 0.62),
    "pink": (0.92, 0.55, 0.70),
    "white": (0.92, 0.92, 0.90),
    "black": (0.08, 0.08, 0.09),
    "grey": (0.50, 0.50, 0.52),
    "gray": (0.50, 0.50, 0.52),
    "brown": (0.42, 0.27, 0.15),
    "beige": (0.80, 0.72, 0.58),
}
_TOPS = "shirt|t-shirt|tshirt|jacket|coat|dress|top|hoodie|sweater|jumper|blouse|suit|uniform|vest|cardigan"
_BOTTOMS = "trousers|pants|jeans|skirt|shorts|leggings"
_SHOE = (0.12, 0.10, 0.09)
_SCLERA = (0.95, 0.94, 0.92)
_PUPIL = (0.07, 0.05, 0.05)


@dataclass(frozen=True)
class Appearance:
    skin: tuple[float, float, float]  # linear-ish RGB in 0..1
    hair: tuple[float, float, float]
    top: tuple[float, float, float]  # shirt/jacket colour
    bottom: tuple[float, float, float]  # trousers/skirt colour
    head_ratio: float  # head height / head width, 1.1–1.4
    eye_spacing: float  # eye distance / head width, 0.30–0.45
    build: float  # shoulder width factor, 0.8–1.2
    hair_length: float  # 0 (short) .. 1 (long)
    hat: str = ""  # a role's hat: toque, hard_hat, helmet, cap (see data/roles.yaml)
    hat_colour: tuple[float, float, float] = (0.0, 0.0, 0.0)
    apron: tuple[float, float, float] | None = None
    stripes: tuple[float, float, float] | None = None  # reflective bands across the top
    bands: int = 2  # how many: two for hi-vis, more for a referee's striped shirt or a lumberjack's plaid
    head_scale: float = 1.0  # a child's head is larger for its height
    torso: float = 1.0  # and its trunk shorter
    height_scale: float = 1.0  # of an adult's height on screen
    held: roles.Held | None = None  # a role's prop in the hands (or under the feet)


@dataclass
class FaceTrack:
    """The face in one frame, in sprite pixel coordinates."""

    box: tuple[float, float, float, float]  # x0, y0, x1, y1 of the face
    mouth: tuple[float, float]  # mouth centre x, y
    mouth_size: tuple[float, float]  # mouth width, height (height grows with mouth_open)
    yaw: float  # head yaw in radians (0 = facing camera, + = turned to its left)
    visible: bool  # face visible (False when turned away, |yaw| > FACE_AWAY_YAW)


# ---------------------------------------------------------------------------------------------- appearance


@dataclass(frozen=True)
class BodyMove:
    """A move a person makes on a sound cue, its moment of contact at `at_s` (seconds since the shot started):
    jump (up before it, down on it: a leap, a dive, a landing), strike (the arm comes down on it: a chop, a hammer
    blow, a punch), throw (the arm whips through on it), kick (the leg is out on it), dash (set low until it, then
    off at a run toward `direction`, +1 right or -1 left) or fall (over sideways, on the ground on it)."""

    kind: str
    at_s: float
    direction: float = 1.0


#: How high a jump rises, in figure heights, and how long it is in the air before it lands (s).
JUMP_HEIGHT, JUMP_AIR_S = 0.3, 0.55
#: How fast a dash leaves, in figure heights per second once at full speed.
DASH_SPEED = 1.6
#: How long a fall takes from the knees giving to the floor (s), and how far over the body lies (rad from upright).
FALL_S, FALL_LEAN = 0.45, 1.4


def _clear_of_mouth(rgb: tuple[float, float, float]) -> bool:
    """Whether `rgb`, at any shading the renderer gives clothes (x0.6..1), stays well away from the mouth colour."""
    return all(math.dist([k * c for c in rgb], MOUTH_RGB) >= 0.2 for k in (0.6, 0.7, 0.8, 0.9, 1.0))


def _cloth(hue: float, sat: float, val: float) -> tuple[float, float, float]:
    for turn in range(3):  # a third of the colour wheel away is never near the mouth's dark red
        rgb = colorsys.hsv_to_rgb((hue + turn / 3) % 1.0, sat, val)
        if _clear_of_mouth(rgb):
            break
    r, g, b = rgb
    return round(r, 4), round(g, 4), round(b, 4)


def appearance_for(character: p.Character, cameo: common_pb2.CastMember | None = None) -> Appearance:
    """A stable look for a character: hashed from its id and description, nudged by words in the description.

    Clothing hues are spread over the whole colour wheel (top and a contrasting, darker bottom), so two
    characters almost never share a palette; "a man in a red jacket" gets a red top, "grey-haired" grey hair.
    Female characters lean to long hair, male to short. A cameo's measured skin, hair and face proportions
    replace the hashed ones, and its defaults hash from the cameo id alone, so it looks the same in every job.
    """
    seed = f"cameo\x00{cameo.cameo_id}" if cameo and cameo.cameo_id else f"{character.id}\x00{character.description}"
    digest = hashlib.sha256(seed.encode()).digest()
    u = [int.from_bytes(digest[2 * i : 2 * i + 2], "little") / 65535 for i in range(12)]
    text = character.description.lower()
    top = _cloth(u[0], 0.45 + 0.4 * u[1], 0.5 + 0.4 * u[2])
    bottom = _cloth((u[0] + 0.35 + 0.3 * u[3]) % 1.0, 0.2 + 0.45 * u[4], 0.25 + 0.35 * u[5])
    hair = list(_HAIR.values())[int(u[6] * len(_HAIR)) % len(_HAIR)]
    skin = _SKIN[int(u[7] * len(_SKIN)) % len(_SKIN)]
    role = roles.role_of(character.description)
    if role is not None:  # a uniform; colours the description names still win
        top, bottom = role.top or top, role.bottom or bottom
    coloured_bottom = False
    for colour, garment in re.findall(rf"\b({'|'.join(_CLOTH)})(?:[- ]\w+)? ({_TOPS}|{_BOTTOMS})\b", text):
        if re.fullmatch(_TOPS, garment):
            top = _CLOTH[colour]
        else:
            bottom, coloured_bottom = _CLOTH[colour], True
    if "jeans" in text and not coloured_bottom:
        bottom = (0.18, 0.26, 0.45)
    # the first colour word in front of "hair" (or a word like "blonde" on its own) names the hair colour
    words = re.findall(r"\b(\w+)(?=(?:[- ]\w+)?[- ]hair)|\b(blonde?|redhead|ginger)\b", text)
    named = [n for n in (_HAIR_WORDS.get(a or b, a or b) for a, b in words) if n in _HAIR]
    if named:
        hair = _HAIR[named[0]]
    elif re.search(r"\b(old|elderly|grandfather|grandmother|grandpa|grandma)\b", text):
        hair = _HAIR["grey"]
    elif hair == _HAIR["grey"] and re.search(_YOUNG, text):  # the hashed pick: a young person is not grey
        hair = _HAIR["brown"]
    gender = character.gender.lower()
    hair_length = 0.45 + 0.55 * u[8] if gender == "female" else 0.35 * u[8] if gender == "male" else u[8]
    if re.search(r"\blong(?:[- ]\w+)?[- ]hair", text):
        hair_length = max(hair_length, 0.85)
    elif re.search(r"\b(short(?:[- ]\w+)?[- ]hair|bald|buzz[- ]?cut|crew[- ]cut)", text):
        hair_length = min(hair_length, 0.1)
    head_ratio, eye_spacing = 1.1 + 0.3 * u[9], 0.30 + 0.15 * u[10]
    if cameo is not None and cameo.HasField("appearance"):
        measured = cameo.appearance
        skin, hair = _unit_rgb(measured.skin), _unit_rgb(measured.hair)
        # The figure's head includes hair above the brow that the landmark face (brow to chin) leaves out.
        head_ratio = min(1.4, max(1.1, measured.face_aspect + CAMEO_HAIR_ALLOWANCE))
        eye_spacing = min(0.45, max(0.30, measured.eye_spacing))
    return Appearance(
        skin=skin,
        hair=hair,
        top=top,
        bottom=bottom,
        head_ratio=round(head_ratio, 3),
        eye_spacing=round(eye_spacing, 3),
        build=round(0.8 + 0.4 * u[11], 3),
        hair_length=round(hair_length, 3),
        **({} if role is None else _costume(role)),
    )


def _costume(role: roles.Role) -> dict[str, object]:
    """The Appearance fields a role sets besides the clothes' colours."""
    child = role.child
    return {
        "hat": role.hat,
        "hat_colour": role.hat_colour,
        "apron": role.apron,
        "stripes": role.stripes,
        "bands": role.bands,
        "head_scale": child.head if child else 1.0,
        "torso": child.torso if child else 1.0,
        "height_scale": child.scale if child else 1.0,
        "held": role.holds,
    }


#: Head height of the drawn figure over the brow-to-chin face a cameo's landmarks measure, as a ratio offset.
CAMEO_HAIR_ALLOWANCE = 0.2


def _unit_rgb(colour: common_pb2.Rgb) -> tuple[float, float, float]:
    return round(colour.r / 255, 4), round(colour.g / 255, 4), round(colour.b / 255, 4)


# ---------------------------------------------------------------------------------------------- pose

# Figure units: the standing figure spans y 0 (top of the hair) .. 1 (soles); x is 0 at the sprite's centre.
_HIP_Y = 0.476
_TORSO = 0.27  # hip centre to shoulder centre
_NECK = 0.028  # shoulder centre to the bottom of the head
_HEAD_W = 0.062  # half-width of the head
_SHOULDER_W = 0.095  # half-width of the shoulders at build 1
_HIP_W = 0.045  # hip joints from the centre
_UPPER, _FORE, _HAND = 0.15, 0.135, 0.022
_THIGH, _SHIN = 0.255, 0.235
_TOP_MARGIN, _SCALE = 0.025, 0.95  # sprite px = H * (margin + scale * figure units)
_CHUNK_PIXELS = 4_000_000  # frames drawn together: about 100 MB of working canvas

_I = p.ActionKind
#: Actions without their own motion borrow the nearest one that has.
_BASE = {
    _I.ACTION_KIND_OPEN_DOOR: _I.ACTION_KIND_WAVE,
    _I.ACTION_KIND_DRIVE: _I.ACTION_KIND_SIT,
    _I.ACTION_KIND_FLY: _I.ACTION_KIND_JUMP,
    _I.ACTION_KIND_SWIM: _I.ACTION_KIND_WALK,
    _I.ACTION_KIND_EAT: _I.ACTION_KIND_TALK,
    _I.ACTION_KIND_PLAY_INSTRUMENT: _I.ACTION_KIND_TALK,
    _I.ACTION_KIND_FIGHT: _I.ACTION_KIND_DANCE,
    _I.ACTION_KIND_WORK: _I.ACTION_KIND_TALK,
}
_OWN = {
    _I.ACTION_KIND_IDLE,
    _I.ACTION_KIND_WALK,
    _I.ACTION_KIND_RUN,
    _I.ACTION_KIND_SIT,
    _I.ACTION_KIND_TALK,
    _I.ACTION_KIND_TURN,
    _I.ACTION_KIND_DANCE,
    _I.ACTION_KIND_WAVE,
    _I.ACTION_KIND_JUMP,
    _I.ACTION_KIND_LOOK,
}


def _angles(action: int, t: torch.Tensor, moves: Sequence[BodyMove] = ()) -> dict[str, torch.Tensor]:
    """Joint angles and body offsets per frame ([F] each) for an action.

    Limb angles: `*_a` is the sideways angle from hanging straight down (+ = away from the body), `*_p` the
    pitch toward the camera; the figure faces the camera, so swinging a leg forward shortens it on screen.
    Suffix `_r` is the character's right (viewer's left), `_l` its left.
    """
    base = action if action in _OWN else _BASE.get(action, _I.ACTION_KIND_IDLE)
    z = torch.zeros_like(t)
    a = {"sway": z, "lean": z, "lift": z, "ground": z + 1, "yaw": z, "nod": z, "turn": z, "breath": z}
    for s in ("r", "l"):
        a |= {f"upper_a_{s}": z + 0.12, f"upper_p_{s}": z, f"fore_a_{s}": z + 0.06, f"fore_p_{s}": z + 0.18}
        a |= {f"thigh_a_{s}": z + 0.035, f"thigh_p_{s}": z, f"shin_a_{s}": z - 0.01, f"shin_p_{s}": z}
    tau = 2 * math.pi
    breath = torch.sin(tau * t / 4.2)
    a["breath"] = breath
    if base in (_I.ACTION_KIND_WALK, _I.ACTION_KIND_RUN):
        a |= _stride(t, base == _I.ACTION_KIND_RUN)
    elif base == _I.ACTION_KIND_SIT:
        for s in ("r", "l"):
            a[f"thigh_a_{s}"], a[f"thigh_p_{s}"] = z + 0.14, z + 1.35  # thighs toward the camera
            a[f"shin_a_{s}"], a[f"shin_p_{s}"] = z + 0.02, z + 0.05
            a[f"upper_a_{s}"], a[f"upper_p_{s}"] = z + 0.18, z + 0.35  # hands resting on the knees
            a[f"fore_a_{s}"], a[f"fore_p_{s}"] = z, z + 1.35
    elif base == _I.ACTION_KIND_TALK:
        a["nod"] = 0.12 * torch.sin(tau * t / 1.6) + 0.05 * torch.sin(tau * t / 0.7)
        a["yaw"] = 0.12 * torch.sin(tau * t / 3.1)
        a["upper_a_r"], a["upper_p_r"] = z + 0.25, z + 0.35
        a["fore_a_r"] = -0.25 + 0.15 * torch.sin(tau * t / 0.9)
        a["fore_p_r"] = 1.9 + 0.25 * torch.sin(tau * t / 1.3)  # forearm up in front of the chest
    elif base == _I.ACTION_KIND_TURN:
        ramp = (t / 1.5).clamp(0, 1)
        ramp = ramp * ramp * (3 - 2 * ramp)
        a["yaw"] = 1.4 * ramp
        a["turn"] = ramp
    elif base == _I.ACTION_KIND_DANCE:
        phase = tau * t / 0.9
        bounce = 0.5 - 0.5 * torch.cos(2 * phase)
        a["sway"] = 0.03 * torch.sin(phase)
        a["lean"] = -0.1 * torch.sin(phase)
        a["yaw"] = 0.15 * torch.sin(phase)
        for s, up in (("l", 0.5 + 0.5 * torch.sin(phase)), ("r", 0.5 - 0.5 * torch.sin(phase))):
            # arms swap between a raised "raise the roof" pose and one bent in front of the chest
            a[f"upper_a_{s}"] = 0.25 + 0.6 * up
            a[f"upper_p_{s}"] = 0.4 - 0.4 * up
            a[f"fore_a_{s}"] = z + 0.1  # the forearm rises by pitch: sideways it would leave the sprite
            a[f"fore_p_{s}"] = 1.5 + 1.5 * up
            a[f"thigh_p_{s}"], a[f"shin_p_{s}"] = 0.3 * bounce, -0.3 * bounce
    elif base == _I.ACTION_KIND_WAVE:
        a["upper_a_r"], a["upper_p_r"] = z + 0.7, z + 0.15
        a["fore_a_r"] = math.pi + 0.12 + 0.32 * torch.sin(tau * t / 0.55)  # leans inward so the hand stays in frame
        a["fore_p_r"] = z
        a["yaw"] = 0.08 * torch.sin(tau * t / 2.0)
    elif base == _I.ACTION_KIND_JUMP:
        cycle = (t % 0.9) / 0.9
        crouch = torch.sin(math.pi * (cycle / 0.3).clamp(0, 1))
        air = torch.sin(math.pi * ((cycle - 0.3) / 0.55).clamp(0, 1))
        for s in ("r", "l"):
            a[f"thigh_p_{s}"] = 0.55 * crouch + 0.9 * air  # knees tuck in the air: the feet leave the ground
            a[f"shin_p_{s}"] = -0.35 * crouch - 0.4 * air
            a[f"upper_a_{s}"] = 0.12 + 0.35 * air
            a[f"upper_p_{s}"] = -0.3 * crouch + 0.9 * air
        a["ground"] = 1 - air
        a["lift"] = 0.012 * air
    elif base == _I.ACTION_KIND_LOOK:
        a["yaw"] = 0.75 * torch.sin(tau * t / 3.2)
        a["nod"] = 0.05 * torch.sin(tau * t / 2.3)
    else:  # idle: breathing (the arms follow it) and a slow glance around
        a["upper_a_r"] = a["upper_a_r"] + 0.015 * breath
        a["upper_a_l"] = a["upper_a_l"] + 0.015 * breath
        a["yaw"] = 0.05 * torch.sin(tau * t / 7.0)
    for move in moves:
        _MOVES[move.kind](a, t - move.at_s)
    return a


def _stride(t: torch.Tensor, run: bool) -> dict[str, torch.Tensor]:
    """A walk's or a run's legs and arms at times t."""
    phase = 2 * math.pi * t / (0.68 if run else 1.1)
    swing, knee, arm, elbow = (0.8, 1.2, 0.75, 1.3) if run else (0.42, 0.6, 0.35, 0.4)
    a = {}
    for s, sign in (("l", 1.0), ("r", -1.0)):
        leg = sign * torch.sin(phase)
        bend = 0.12 + knee * torch.relu(sign * torch.cos(phase))  # the knee folds while the leg swings through
        a[f"thigh_p_{s}"] = swing * leg
        a[f"shin_p_{s}"] = swing * leg - bend
        a[f"upper_p_{s}"] = -arm * leg  # arms swing against the legs
        a[f"fore_p_{s}"] = -arm * leg + elbow
    a["sway"] = 0.008 * torch.sin(phase)
    a["yaw"] = 0.05 * torch.sin(phase)
    a["lift"] = 0.025 * torch.relu(torch.sin(2 * phase)) if run else torch.zeros_like(t)  # both feet off mid-stride
    return a


def _ramp(tau: torch.Tensor, start: float, end: float) -> torch.Tensor:
    """0 before `start` seconds from the cue, 1 after `end`, eased between."""
    u = ((tau - start) / (end - start)).clamp(0, 1)
    return u * u * (3 - 2 * u)


def _blend(a: dict[str, torch.Tensor], pose: dict[str, torch.Tensor | float], weight: torch.Tensor) -> None:
    """Move the named angles toward `pose` by `weight` [F] (0: as they were, 1: the pose)."""
    for name, value in pose.items():
        a[name] = a[name] * (1 - weight) + value * weight


def _pose(start: dict[str, float], end: dict[str, float], u: torch.Tensor) -> dict[str, torch.Tensor | float]:
    return {name: start[name] * (1 - u) + end[name] * u for name in start}


def _jump(a: dict[str, torch.Tensor], tau: torch.Tensor) -> None:
    """Crouch, up into the air with the knees tucked and the arms raised, down on the cue into a crouch, up again."""
    air = ((tau > -JUMP_AIR_S) & (tau < 0)).float()
    crouch = _ramp(tau, -JUMP_AIR_S - 0.25, -JUMP_AIR_S - 0.1) * (1 - _ramp(tau, -JUMP_AIR_S - 0.05, -JUMP_AIR_S))
    landed = _ramp(tau, -0.06, 0.0) * (1 - _ramp(tau, 0.15, 0.45))
    bent = crouch + landed
    arms = _ramp(tau, -JUMP_AIR_S, -JUMP_AIR_S + 0.15) * (1 - _ramp(tau, 0.3, 0.6))
    legs = bent.clamp(0, 1).maximum(air)
    for s in ("r", "l"):
        _blend(a, {f"thigh_p_{s}": 0.6 * bent + 0.9 * air, f"shin_p_{s}": -0.4 * bent - 0.6 * air}, legs)
        _blend(a, {f"upper_a_{s}": 2.5, f"upper_p_{s}": 0.1, f"fore_a_{s}": 2.8, f"fore_p_{s}": 0.0}, arms)
    a["ground"] = a["ground"] * (1 - air)


def _strike(a: dict[str, torch.Tensor], tau: torch.Tensor) -> None:
    """The right arm rises overhead and comes down hard in front on the cue, the body leaning into the blow."""
    weight = _ramp(tau, -0.9, -0.25) * (1 - _ramp(tau, 0.3, 0.9))
    raised = {"upper_a_r": 2.7, "upper_p_r": 0.2, "fore_a_r": 3.0, "fore_p_r": 0.0}
    struck = {"upper_a_r": 0.55, "upper_p_r": 0.5, "fore_a_r": -0.5, "fore_p_r": 0.6}  # the hand low in front
    down = _ramp(tau, -0.12, 0.0)
    _blend(a, _pose(raised, struck, down), weight)
    a["lean"] = a["lean"] + 0.12 * down * weight


def _throw(a: dict[str, torch.Tensor], tau: torch.Tensor) -> None:
    """The right arm winds up and back, then whips through to release on the cue; the left arm balances."""
    weight = _ramp(tau, -1.0, -0.3) * (1 - _ramp(tau, 0.3, 1.2))  # wound up slowly, whipped through fast
    wound = {"upper_a_r": 2.3, "upper_p_r": -0.9, "fore_a_r": 2.9, "fore_p_r": -0.4}
    thrown = {"upper_a_r": 1.2, "upper_p_r": 1.1, "fore_a_r": 1.1, "fore_p_r": 1.3}
    whip = _ramp(tau, -0.09, 0.0)
    _blend(a, _pose(wound, thrown, whip), weight)
    _blend(a, {"upper_a_l": 1.0, "fore_a_l": 1.2}, weight)
    a["lean"] = a["lean"] - 0.15 * whip * weight


def _kick(a: dict[str, torch.Tensor], tau: torch.Tensor) -> None:
    """The right leg draws in, then swings out straight on the cue; the arms go out for balance."""
    weight = _ramp(tau, -0.9, -0.2) * (1 - _ramp(tau, 0.25, 1.2))
    drawn = {"thigh_a_r": -0.2, "thigh_p_r": -0.3, "shin_a_r": -0.6, "shin_p_r": -0.8}
    kicked = {"thigh_a_r": 1.2, "thigh_p_r": 0.3, "shin_a_r": 1.35, "shin_p_r": 0.2}
    _blend(a, _pose(drawn, kicked, _ramp(tau, -0.09, 0.0)), weight)
    _blend(a, {"upper_a_r": 0.9, "upper_a_l": 0.9}, weight)


def _dash(a: dict[str, torch.Tensor], tau: torch.Tensor) -> None:
    """Set low (knees bent, leaning in, hands down) until the cue, then a run that turns the body the way it goes."""
    set_low = 1 - _ramp(tau, 0.0, 0.15)
    running = _ramp(tau, 0.0, 0.15)
    for s in ("r", "l"):  # seen from the front a crouch spreads the knees: the hips drop between them
        crouched = {f"thigh_a_{s}": 0.7, f"thigh_p_{s}": 0.8, f"shin_a_{s}": -0.35, f"shin_p_{s}": -0.3}
        _blend(a, crouched | {f"upper_a_{s}": 0.25, f"upper_p_{s}": 0.9, f"fore_p_{s}": 0.9}, set_low)
    stride = _stride(tau.clamp(min=0), run=True)
    _blend(a, {**stride, "turn": 0.5, "lean": 0.2}, running)


def _fall(a: dict[str, torch.Tensor], tau: torch.Tensor) -> None:
    """The knees give, the body tips over sideways faster and faster and hits the ground on the cue, and lies there:
    the legs swing out along the floor (the lower foot keeps to the ground, so the hips come down with them), the
    arms hang to the floor as if to break the fall."""
    u = ((tau + FALL_S) / FALL_S).clamp(0, 1)
    down = u * u  # gravity: slow to start, fastest at the floor
    buckle = _ramp(tau, -FALL_S - 0.2, -FALL_S + 0.05) * (1 - down)
    for s in ("r", "l"):
        _blend(a, {f"thigh_p_{s}": 0.7, f"shin_p_{s}": -0.6}, buckle)
    _blend(a, {"thigh_a_r": 1.45, "shin_a_r": 1.5, "thigh_a_l": -1.2, "shin_a_l": -1.35}, down)
    _blend(a, {"thigh_p_r": 0.0, "shin_p_r": 0.0, "thigh_p_l": 0.0, "shin_p_l": 0.0}, down)
    _blend(a, {"upper_a_r": 0.3, "upper_p_r": 0.4, "fore_a_r": 0.2, "upper_a_l": 0.5, "fore_a_l": 0.4}, down)
    a["lean"] = a["lean"] * (1 - down) + FALL_LEAN * down
    a["nod"] = a["nod"] + 0.2 * down


_MOVES: dict[str, Callable[[dict[str, torch.Tensor], torch.Tensor], None]] = {
    "jump": _jump,
    "strike": _strike,
    "throw": _throw,
    "kick": _kick,
    "dash": _dash,
    "fall": _fall,
}
#: The moves a person can make on a cue.
BODY_MOVES = frozenset(_MOVES)


def body_offset(moves: Sequence[BodyMove], t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """How far the moves carry the whole figure on screen at times t: (dx, dy) [F] in figure heights (a jump's
    rise, a dash's run away)."""
    dx, dy = torch.zeros_like(t), torch.zeros_like(t)
    for move in moves:
        tau = t - move.at_s
        if move.kind == "jump":
            u = ((tau + JUMP_AIR_S) / JUMP_AIR_S).clamp(0, 1)
            dy = dy - JUMP_HEIGHT * 4 * u * (1 - u)
        elif move.kind == "dash":
            gone = tau.clamp(min=0)
            dx = dx + move.direction * DASH_SPEED * gone * gone / (gone + 0.3)  # picks up speed off the mark
    return dx, dy


def _seg(angle: torch.Tensor, pitch: torch.Tensor, side: float, length: float) -> torch.Tensor:
    """On-screen vector [F, 2] of a limb segment (orthographic projection of its 3-D direction)."""
    return torch.stack((side * torch.sin(angle), torch.cos(angle) * torch.cos(pitch)), -1) * length


@dataclass
class _Skeleton:
    """Joint positions [F, 2] and per-frame values, in figure units."""

    joints: dict[str, torch.Tensor]
    yaw: torch.Tensor
    nod: torch.Tensor
    width: torch.Tensor  # shoulder/hip width factor (narrows as the body turns)
    head: tuple[float, float]  # half-width, half-height


def _skeleton(look: Appearance, action: int, t: torch.Tensor, moves: Sequence[BodyMove] = ()) -> _Skeleton:
    a = _angles(action, t, moves)
    sides = (("r", -1.0), ("l", 1.0))
    legs = {}
    for s, side in sides:
        knee = _seg(a[f"thigh_a_{s}"], a[f"thigh_p_{s}"], side, _THIGH)
        legs[s] = (knee, knee + _seg(a[f"shin_a_{s}"], a[f"shin_p_{s}"], side, _SHIN))
    rest = _THIGH * math.cos(0.035) + _SHIN * math.cos(0.01)
    # keep the lower foot on the ground (bobs the body as legs swing; lowers it when sitting)
    lowest = torch.maximum(legs["r"][1][:, 1], legs["l"][1][:, 1])
    hip = torch.stack((a["sway"], _HIP_Y + a["ground"] * (rest - lowest) - a["lift"]), -1)
    up = torch.stack((torch.sin(a["lean"]), -torch.cos(a["lean"])), -1)
    shoulder = hip + up * (_TORSO * look.torso + 0.003 * a["breath"][:, None])
    width = look.build * (1 - 0.35 * a["turn"])
    hw, hh = _HEAD_W * look.head_scale, _HEAD_W * look.head_ratio * look.head_scale
    z = torch.zeros_like(t)
    joints = {"hip": hip, "shoulder": shoulder, "head": shoulder + torch.stack((z, z - _NECK - hh), -1)}
    for s, side in sides:
        sj = shoulder + torch.stack((side * (_SHOULDER_W * width - 0.022), z + 0.025), -1)
        elbow = sj + _seg(a[f"upper_a_{s}"], a[f"upper_p_{s}"], side, _UPPER)
        wrist = elbow + _seg(a[f"fore_a_{s}"], a[f"fore_p_{s}"], side, _FORE)
        hand = wrist + _seg(a[f"fore_a_{s}"], a[f"fore_p_{s}"], side, _HAND)
        hj = hip + torch.stack((side * _HIP_W * (1 - 0.3 * a["turn"]), z - 0.01), -1)
        ankle = hj + legs[s][1]
        joints |= {f"shoulder_{s}": sj, f"elbow_{s}": elbow, f"wrist_{s}": wrist, f"hand_{s}": hand}
        joints |= {f"hip_{s}": hj, f"knee_{s}": hj + legs[s][0], f"ankle_{s}": ankle}
        joints[f"toe_{s}"] = ankle + torch.tensor((side * 0.012, 0.012), device=t.device)
    return _Skeleton(joints, a["yaw"], a["nod"], width, (hw, hh))


# ---------------------------------------------------------------------------------------------- shapes

#: A shape evaluated on a window grid (X [F, 1, w], Y [F, h, 1] pixel centres): signed distance in px [F, h, w]
#: and an optional colour multiplier broadcastable to [F, h, w, 3] (shading, or the colour itself).
ShapeFn = Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor | None]]


def _c(v: torch.Tensor) -> torch.Tensor:
    """[F] -> [F, 1, 1] for broadcasting over a window."""
    return v[:, None, None]


def _capsule(a: torch.Tensor, b: torch.Tensor, ra: torch.Tensor, rb: torch.Tensor) -> ShapeFn:
    """Tapered capsule from a to b ([F, 2] px), radii ra -> rb ([F] px); shaded like a cylinder."""

    def fn(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        px, py = x - _c(a[:, 0]), y - _c(a[:, 1])
        bx, by = _c(b[:, 0] - a[:, 0]), _c(b[:, 1] - a[:, 1])
        h = ((px * bx + py * by) / (bx * bx + by * by).clamp_min(1e-6)).clamp(0, 1)
        dist = torch.hypot(px - bx * h, py - by * h)
        r = _c(ra) + _c(rb - ra) * h
        return dist - r, (1 - 0.28 * (dist / r).clamp(max=1).square())[..., None]

    return fn


def _ellipse_sdf(
    x: torch.Tensor, y: torch.Tensor, centre: torch.Tensor, rx: torch.Tensor, ry: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Distance to an axis-aligned ellipse (first-order estimate, exact enough for a one-pixel edge) and the
    normalised radius (0 at the centre, 1 on the outline)."""
    nx, ny = (x - _c(centre[:, 0])) / _c(rx), (y - _c(centre[:, 1])) / _c(ry)
    k0 = torch.hypot(nx, ny)
    k1 = torch.hypot(nx / _c(rx), ny / _c(ry))
    inner = -_c(torch.minimum(rx, ry))  # the estimate is 0/0 at the very centre
    return torch.where(k1 > 1e-6, k0 * (k0 - 1) / k1.clamp_min(1e-6), inner), k0


def _ellipse(centre: torch.Tensor, rx: torch.Tensor, ry: torch.Tensor, shade: float = 0.0) -> ShapeFn:
    def fn(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        d, k0 = _ellipse_sdf(x, y, centre, rx, ry)
        return d, (1 - shade * k0.clamp(max=1).square())[..., None] if shade else None

    return fn


def _torso(
    hip: torch.Tensor,
    shoulder: torch.Tensor,
    r_top: torch.Tensor,
    r_bottom: float,
    round_px: float,
    waist: float,
    top: torch.Tensor,
    bottom: torch.Tensor,
) -> ShapeFn:
    """Rounded isosceles trapezoid from the hips up to the shoulders ([F, 2] px), half-widths r_top [F] and
    r_bottom: shirt colour down to `waist` px below the shoulders, trousers under it."""

    def fn(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        axis = shoulder - hip
        length = axis.norm(dim=-1).clamp_min(1e-6)
        ux, uy = _c(axis[:, 0] / length), _c(axis[:, 1] / length)
        dx, dy = x - _c((shoulder[:, 0] + hip[:, 0]) / 2), y - _c((shoulder[:, 1] + hip[:, 1]) / 2)
        ly = -(dx * ux + dy * uy)  # -he at the shoulders, +he at the hips
        lx = (dx * uy - dy * ux).abs()
        he = _c(length / 2 - round_px)
        r1, r2 = _c(r_top - round_px), r_bottom - round_px
        # iq's trapezoid distance, r1 at ly = -he and r2 at ly = +he
        k2x, k2y = r2 - r1, 2 * he
        cax = lx - torch.minimum(lx, torch.where(ly < 0, r1, r2))
        cay = ly.abs() - he
        s = (((r2 - lx) * k2x + (he - ly) * k2y) / (k2x * k2x + k2y * k2y)).clamp(0, 1)
        cbx, cby = lx - r2 + k2x * s, ly - he + k2y * s
        sign = torch.where((cbx < 0) & (cay < 0), -1.0, 1.0)
        d = sign * torch.minimum(cax * cax + cay * cay, cbx * cbx + cby * cby).sqrt() - round_px
        half = r1 + (r2 - r1) * ((ly + he) / (2 * he)).clamp(0, 1) + round_px
        shade = 1 - 0.22 * (lx / half).clamp(max=1).square()
        lower = (ly + _c(length / 2) - waist + 0.5).clamp(0, 1)  # one-pixel blend at the waistline
        return d, shade[..., None] * torch.lerp(top, bottom, lower[..., None])

    return fn


@dataclass
class _Layer:
    shape: ShapeFn
    colour: torch.Tensor  # [3]
    box: torch.Tensor  # [F, 4] px: x0, y0, x1, y1
    weight: torch.Tensor | None = None  # [F] coverage multiplier (fades features out)
    silhouette: bool = True  # counts for the rim light


def _box(points: list[torch.Tensor], pad_x: float, pad_y: float | None = None) -> torch.Tensor:
    pts = torch.stack(points)  # [n, F, 2]
    lo, hi = pts.amin(0), pts.amax(0)
    pad_y = pad_x if pad_y is None else pad_y
    return torch.stack((lo[:, 0] - pad_x, lo[:, 1] - pad_y, hi[:, 0] + pad_x, hi[:, 1] + pad_y), -1)


class _Canvas:
    """Premultiplied RGBA [N, 4] and the figure's signed distance [N] (for the rim), N = F*H*W."""

    def __init__(self, frames: int, height: int, width: int, device: torch.device) -> None:
        self.f, self.h, self.w, self.device = frames, height, width, device
        self.rgba = torch.zeros(frames * height * width, 4, device=device)
        self.sdf = torch.full((frames * height * width,), 1e4, device=device)

    def draw(self, layers: list[_Layer]) -> None:
        """Composite layers, in order, inside one per-frame window that covers them all."""
        boxes = torch.stack([layer.box for layer in layers])  # [L, F, 4]
        x0, y0 = boxes[..., 0].amin(0), boxes[..., 1].amin(0)
        x1, y1 = boxes[..., 2].amax(0), boxes[..., 3].amax(0)
        ww = min(self.w, math.ceil(float((x1 - x0).max())) + 4)
        wh = min(self.h, math.ceil(float((y1 - y0).max())) + 4)
        ox = (x0.floor().long() - 2).clamp(0, self.w - ww)
        oy = (y0.floor().long() - 2).clamp(0, self.h - wh)
        cols = ox[:, None] + torch.arange(ww, device=self.device)  # [F, w]
        rows = oy[:, None] + torch.arange(wh, device=self.device)  # [F, h]
        frame = torch.arange(self.f, device=self.device)[:, None, None]
        idx = (frame * self.h + rows[:, :, None]) * self.w + cols[:, None, :]
        x, y = (cols.float() + 0.5)[:, None, :], (rows.float() + 0.5)[:, :, None]
        acc, sdf = self.rgba[idx], self.sdf[idx]
        one = torch.ones(1, device=self.device)
        for layer in layers:
            d, tint = layer.shape(x, y)
            cover = (0.5 - d).clamp(0, 1)
            if layer.weight is not None:
                cover = cover * _c(layer.weight)
            rgb = layer.colour if tint is None else layer.colour * tint
            colour = torch.cat((rgb.expand(*d.shape, 3), one.expand(*d.shape, 1)), -1)
            acc = torch.lerp(acc, colour, cover[..., None])
            if layer.silhouette:
                sdf = torch.minimum(sdf, d)
        self.rgba[idx], self.sdf[idx] = acc, sdf


# ---------------------------------------------------------------------------------------------- figure


def render_figure(
    appearance: Appearance,
    action: int,
    times: torch.Tensor,
    height: int,
    light: torch.Tensor,
    mouth_open: torch.Tensor | None = None,
    device: torch.device | None = None,
    moves: Sequence[BodyMove] = (),
) -> tuple[torch.Tensor, list[FaceTrack]]:
    """Draw a character doing `action` at `times` (seconds since the shot started), making `moves` on their cues.

    Returns rgba [F, 4, height, height // 2] float32 in 0..1 (as wide as high with moves, whose limbs reach out;
    straight colour, alpha = anti-aliased coverage)
    and the face track of every frame in sprite pixels. `light` [3] multiplies every colour of the figure
    and tints a thin rim along its silhouette; `mouth_open` [F] in 0..1 opens the mouth (None: closed).
    """
    if height < 16:
        raise ValueError(f"sprite height {height} < 16 px")
    device = device or times.device
    t = times.to(device=device, dtype=torch.float32).reshape(-1)
    frames, width = t.shape[0], height if moves else height // 2
    light = light.to(device=device, dtype=torch.float32).reshape(3)
    opening = torch.zeros_like(t) if mouth_open is None else mouth_open.to(device, torch.float32).reshape(-1)
    if opening.shape[0] != frames:
        raise ValueError(f"mouth_open has {opening.shape[0]} values for {frames} frames")
    out = torch.zeros(frames, 4, height, width, device=device)
    tracks: list[FaceTrack] = []
    step = max(1, _CHUNK_PIXELS // (height * width))  # bounds the working canvas for long, large shots
    for start in range(0, frames, step):
        part = slice(start, start + step)
        tracks += _draw_frames(appearance, action, t[part], opening[part].clamp(0, 1), light, out[part], moves)
    if appearance.held is not None:
        roles.hold(out, appearance.held, light, _TOP_MARGIN, _SCALE)
    return out, tracks


def _draw_frames(
    look: Appearance,
    action: int,
    t: torch.Tensor,
    opening: torch.Tensor,
    light: torch.Tensor,
    out: torch.Tensor,
    moves: Sequence[BodyMove] = (),
) -> list[FaceTrack]:
    """Draw frames at times t into out [F, 4, H, W] (zeros on entry); returns their face tracks."""
    frames, _, height, width = out.shape
    device = out.device
    sk = _skeleton(look, action, t, moves)
    scale = _SCALE * height

    def px(name: str) -> torch.Tensor:
        pt = sk.joints[name]
        return torch.stack((width / 2 + pt[:, 0] * scale, height * _TOP_MARGIN + pt[:, 1] * scale), -1)

    def rgb(c: tuple[float, float, float]) -> torch.Tensor:
        return torch.tensor(c, device=device)

    def limb(a: str, b: str, ra: float, rb: float, colour: torch.Tensor) -> _Layer:
        pa, pb = px(a), px(b)
        r0, r1 = torch.full_like(t, ra * scale), torch.full_like(t, rb * scale)
        return _Layer(_capsule(pa, pb, r0, r1), colour, _box([pa, pb], max(ra, rb) * scale))

    canvas = _Canvas(frames, height, width, device)
    shoe, skin, hair = rgb(_SHOE), rgb(look.skin), rgb(look.hair)
    top, bottom = rgb(look.top), rgb(look.bottom)
    head, hw, hh = px("head"), sk.head[0] * scale, sk.head[1] * scale
    length = look.hair_length

    # hair behind the head and shoulders: a rounded cone whose reach grows with the hair's length
    crown = head + torch.tensor((0.0, -0.2 * hh), device=device)
    tips = head + torch.tensor((0.0, hh * (-0.2 + 2.8 * length)), device=device)
    r_crown, r_tips = torch.full_like(t, 1.1 * hw), torch.full_like(t, (0.9 + 0.35 * length) * hw)
    canvas.draw([_Layer(_capsule(crown, tips, r_crown, r_tips), hair * 0.8, _box([crown, tips], 1.3 * hw))])
    for s in ("r", "l"):
        canvas.draw(
            [
                limb(f"hip_{s}", f"knee_{s}", 0.048, 0.036, bottom),
                limb(f"knee_{s}", f"ankle_{s}", 0.035, 0.026, bottom),
                limb(f"ankle_{s}", f"toe_{s}", 0.022, 0.022, shoe),
            ]
        )
    canvas.draw([limb("shoulder", "head", 0.028, 0.028, skin * 0.85)])
    hip, shoulder = px("hip") + torch.tensor((0.0, 0.02 * scale), device=device), px("shoulder")
    r_top = _SHOULDER_W * sk.width * scale
    torso = _torso(hip, shoulder, r_top, 0.075 * scale, 0.03 * scale, 0.8 * _TORSO * look.torso * scale, top, bottom)
    canvas.draw([_Layer(torso, torch.ones(3, device=device), _box([hip, shoulder], float(r_top.max())))])
    garments = _garments(look, hip, shoulder, r_top, scale)
    if garments:
        canvas.draw(garments)
    for s in ("r", "l"):
        canvas.draw(
            [
                limb(f"shoulder_{s}", f"elbow_{s}", 0.032, 0.027, top),
                limb(f"elbow_{s}", f"wrist_{s}", 0.027, 0.022, top * 0.92),
                limb(f"hand_{s}", f"hand_{s}", 0.027, 0.027, skin),
            ]
        )
    layers, tracks = _head(look, sk, head, hw, hh, opening, t, skin, hair)
    canvas.draw(layers + _hat(look, head, hw, hh))

    # straight colour under the scene light, plus a thin rim along the silhouette in the light's colour,
    # saturated (squared) as a coloured source lights edges; only covered pixels are touched
    n = canvas.rgba[:, 3].nonzero().squeeze(1)
    premult, alpha = canvas.rgba[n, :3], canvas.rgba[n, 3:]
    rim = (1 + canvas.sdf[n, None] / max(1.5, 0.012 * scale)).clamp(0, 1)
    colour = premult / alpha * light + 0.3 * rim * (light / light.max().clamp_min(1e-6)).square()
    out.view(frames, 4, height * width)[n // (height * width), :, n % (height * width)] = torch.cat(
        (colour.clamp(0, 1), alpha.clamp(0, 1)), -1
    )
    return tracks


def _rect(centre: torch.Tensor, half_w: float, half_h: float, round_px: float) -> ShapeFn:
    """Rounded rectangle centred at `centre` ([F, 2] px), flat-shaded."""

    def fn(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, None]:
        qx = (x - _c(centre[:, 0])).abs() - (half_w - round_px)
        qy = (y - _c(centre[:, 1])).abs() - (half_h - round_px)
        outside = torch.hypot(qx.clamp(min=0), qy.clamp(min=0))
        return outside + torch.maximum(qx, qy).clamp(max=0) - round_px, None

    return fn


def _garments(
    look: Appearance, hip: torch.Tensor, shoulder: torch.Tensor, r_top: torch.Tensor, scale: float
) -> list[_Layer]:
    """A role's apron over the front (from the chest to the thighs) and bands across the top, evenly spaced
    between the shoulders and the hips."""
    device = hip.device
    layers = []
    if look.apron is not None:
        top_y, bottom_y = torch.lerp(shoulder, hip, 0.3), hip + torch.tensor((0.0, 0.13 * scale), device=device)
        centre = (top_y + bottom_y) / 2
        half_h = float((bottom_y[:, 1] - top_y[:, 1]).mean()) / 2
        half_w = 0.07 * scale
        layers.append(
            _Layer(
                _rect(centre, half_w, half_h, 0.012 * scale),
                torch.tensor(look.apron, device=device),
                _box([centre], half_w + 2, half_h + 2),
            )
        )
    if look.stripes is not None:
        # two thin hi-vis bands mid-trunk; more fill the trunk, each as thick as the gap between them
        lo, hi = (0.35, 0.7) if look.bands <= 2 else (0.08, 0.92)
        trunk = float((hip[:, 1] - shoulder[:, 1]).abs().mean())
        half_h = 0.011 * scale if look.bands <= 2 else 0.25 * trunk * (hi - lo) / (look.bands - 1)
        for k in range(look.bands):
            centre = torch.lerp(shoulder, hip, lo + (hi - lo) * k / max(1, look.bands - 1))
            half_w = float(r_top.max()) * 0.98
            layers.append(
                _Layer(
                    _rect(centre, half_w, half_h, 0.004 * scale),
                    torch.tensor(look.stripes, device=device),
                    _box([centre], half_w + 2, half_h + 2),
                )
            )
    return layers


def _hat(look: Appearance, head: torch.Tensor, hw: float, hh: float) -> list[_Layer]:
    """A role's hat on the head: a chef's toque (band and puff), a hard hat or a firefighter's helmet (a dome
    and a brim) or a cap (a small dome and a visor)."""
    if not look.hat:
        return []
    device = head.device
    colour = torch.tensor(look.hat_colour, device=device)
    hwf, hhf = torch.full_like(head[:, 0], hw), torch.full_like(head[:, 0], hh)

    def at(dy: float) -> torch.Tensor:
        return head + torch.tensor((0.0, dy * hh), device=device)

    def dome(dy: float, width: float, rise: float) -> ShapeFn:
        """The top half of an ellipse standing on the line `dy` head heights from the head's centre."""
        line = at(dy)

        def fn(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            d, k0 = _ellipse_sdf(x, y, line, hwf * width, hhf * rise)
            return torch.maximum(d, y - _c(line[:, 1])), (1 - 0.15 * k0.clamp(max=1).square())[..., None]

        return fn

    box = _box([at(-1.3)], 1.7 * hw, 1.3 * hh)
    if look.hat == "toque":
        return [
            _Layer(_ellipse(at(-1.12), hwf * 1.12, hhf * 0.42, shade=0.15), colour, box),
            _Layer(_rect(at(-0.78), 0.95 * hw, 0.24 * hh, 0.1 * hw), colour * 0.94, box),
        ]
    if look.hat in ("hard_hat", "helmet"):
        brim = 1.3 if look.hat == "hard_hat" else 1.55
        return [
            _Layer(dome(-0.4, 1.12, 0.78), colour, box),
            _Layer(_rect(at(-0.4), brim * hw, 0.09 * hh, 0.05 * hh), colour * 0.85, box),
        ]
    return [  # cap
        _Layer(dome(-0.5, 1.06, 0.6), colour, box),
        _Layer(_ellipse(at(-0.5), hwf * 1.05, hhf * 0.15), colour * 0.8, box),
    ]


def _head(
    look: Appearance,
    sk: _Skeleton,
    head: torch.Tensor,
    hw: float,
    hh: float,
    opening: torch.Tensor,
    t: torch.Tensor,
    skin: torch.Tensor,
    hair: torch.Tensor,
) -> tuple[list[_Layer], list[FaceTrack]]:
    """Layers of the head (skin, eyes, brows, nose, mouth, hair in front) and the face track.

    Face features sit on a turning head: a feature at angle θ around the vertical axis lands at
    x = sin(θ + yaw) of the half-width and is foreshortened by cos(θ + yaw), so the eye on the side the head
    turns toward narrows and slides to the outline while the rest of the face shifts with it.
    """
    device, yaw = t.device, sk.yaw
    hx, hy = head[:, 0], head[:, 1]
    hwf, hhf = torch.full_like(t, hw), torch.full_like(t, hh)
    lift = 0.25 * sk.nod * hh  # a nod tips the face features down
    face_on = ((1.3 - yaw.abs()) / 0.1).clamp(0, 1)
    head_box = torch.stack((hx - hw, hy - hh, hx + hw, hy + hh), -1)
    pad = torch.tensor((-0.1 * hw, -0.1 * hh, 0.1 * hw, 0.1 * hh), device=device)
    layers = [_Layer(_ellipse(head, hwf, hhf, shade=0.12), skin, head_box + pad)]

    cycle = t % 3.4  # blink once every 3.4 s
    open_eye = 1 - 0.85 * (1 - (cycle - 1.7).abs() / 0.07).clamp(0, 1)
    theta = math.asin(look.eye_spacing)
    for side in (-1.0, 1.0):
        ang = side * theta + yaw
        facing = torch.cos(ang)
        weight = ((facing - 0.15) / 0.2).clamp(0, 1) * face_on
        eye = torch.stack((hx + 0.92 * hw * torch.sin(ang), hy - 0.02 * hh + lift), -1)
        erx, ery = 0.2 * hw * facing.clamp_min(0.05), 0.11 * hh * open_eye
        box = _box([eye], 0.3 * hw, 0.3 * hh)
        brow_in = eye + torch.stack((-side * 1.1 * erx, torch.full_like(t, -0.2 * hh)), -1)
        brow_out = eye + torch.stack((side * 1.1 * erx, torch.full_like(t, -0.18 * hh)), -1)
        r_brow = torch.full_like(t, 0.035 * hh)
        layers += [
            _Layer(_ellipse(eye, erx, ery), torch.tensor(_SCLERA, device=device), box, weight, False),
            _Layer(_ellipse(eye, 0.5 * erx, 0.75 * ery), torch.tensor(_PUPIL, device=device), box, weight, False),
            _Layer(_capsule(brow_in, brow_out, r_brow, r_brow), hair * 0.6, box, weight, False),
        ]
    nose_x = hx + 0.97 * hw * torch.sin(yaw)
    nose_a = torch.stack((nose_x, hy + 0.1 * hh + lift), -1)
    nose_b = torch.stack((nose_x + 0.04 * hw * torch.sin(yaw), hy + 0.3 * hh + lift), -1)
    r_nose = torch.full_like(t, 0.055 * hw)
    layers.append(
        _Layer(
            _capsule(nose_a, nose_b, r_nose, r_nose),
            skin * 0.75,
            _box([nose_a, nose_b], 0.1 * hw),
            face_on * torch.cos(yaw).clamp(0, 1),
            False,
        )
    )
    mouth = torch.stack((hx + 0.92 * hw * torch.sin(yaw), hy + 0.55 * hh + lift), -1)
    mrx = 0.3 * hw * torch.cos(yaw).clamp_min(0.15)
    mry = hh * (0.025 + 0.13 * opening)
    layers.append(
        _Layer(
            _ellipse(mouth, mrx, mry),
            torch.tensor(MOUTH_RGB, device=device),
            _box([mouth], 0.35 * hw, 0.2 * hh),
            face_on,
            False,
        )
    )

    length = look.hair_length
    turn = -torch.sign(yaw)
    back = 1 - 1.25 * torch.sin(yaw).abs()  # the back of the head comes round as it turns

    def cap(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        d, k0 = _ellipse_sdf(x, y, head, hwf * 1.06, hhf * 1.04)
        u, v = (x - _c(hx)) / hw, (y - _c(hy)) / hh
        fringe = (v - (-0.42 + 0.3 * u * u)) * hh
        side = (_c(back) + 0.3 * v * v - u * _c(turn)) * hw  # curved like the cheek's outline
        # long hair frames the face; a lock leaves the outline on the side the head turns toward
        locks = torch.maximum(
            (0.8 + 0.8 * torch.relu(_c(torch.sin(yaw)) * u.sign()) - u.abs()) * hw, (v - (-0.3 + length)) * hh
        )
        region = torch.minimum(torch.minimum(fringe, side), locks)
        return torch.maximum(d, region), (1 - 0.15 * k0.clamp(max=1).square())[..., None]

    layers.append(_Layer(cap, hair, head_box + pad))

    values = torch.stack((hx - hw, hy - hh, hx + hw, hy + hh, mouth[:, 0], mouth[:, 1], 2 * mrx, 2 * mry, yaw), -1)
    tracks = [
        FaceTrack(
            box=(r[0], r[1], r[2], r[3]),
            mouth=(r[4], r[5]),
            mouth_size=(r[6], r[7]),
            yaw=r[8],
            visible=abs(r[8]) <= FACE_AWAY_YAW,
        )
        for r in values.tolist()
    ]
    return layers, tracks
