"""Embedded frame renderer (torch, CPU or CUDA): a 2.5-D virtual camera over procedural worlds.

Per shot, the world's layers, the grade and the characters' sprites are built
once; per frame, each layer is sampled through the camera with a separable
integer gather (a scale and an offset per layer, so nearer layers move and grow
more: parallax, not a 2-D zoom), characters are blended only inside their boxes,
weather particles and cue events are drawn, and the grade is a table lookup.
Frames are produced in batches. Deterministic for a seed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import torch
import torch.nn.functional as F
import yaml

from cinemesh.runtime import projections
from cinemesh.runtime.timephrases import find_times
from cinemesh.v1 import common_pb2
from cinemesh.v1 import plan_pb2 as p
from cinemesh.video import characters, events, places, roles, subjects, world
from cinemesh.video import light as lighting
from cinemesh.video.look import Look

BATCH = 8
#: Character height as a fraction of the frame height, by shot size (close shots overflow the frame).
SHOT_HEIGHT = {
    p.SHOT_SIZE_EXTREME_WIDE: 0.18,
    p.SHOT_SIZE_WIDE: 0.35,
    p.SHOT_SIZE_FULL: 0.82,
    p.SHOT_SIZE_MEDIUM: 1.6,
    p.SHOT_SIZE_MEDIUM_CLOSE_UP: 2.4,
    p.SHOT_SIZE_CLOSE_UP: 3.6,
    p.SHOT_SIZE_EXTREME_CLOSE_UP: 6.0,
}
#: Where a gun's muzzle flash is, right of the person who fires it (in frame widths).
MUZZLE_BESIDE = 0.06
#: How tall a person who moves on a cue is framed (of the frame's height): head to foot, room above for a jump.
MOVER_HEIGHT = 0.6
#: Where the face sits vertically (fraction of frame height) for close shots, so it stays in frame.
FACE_LINE = 0.36
SPRITE_MAX = 480
CHARACTER_DEPTH = 3.0
FALLING = re.compile(
    r"\b(falls?|falling|fell|drops?|dropped|dropping|tumbl\w*|plummet\w*|topple\w*"
    r"|(?:rolls?|rolled|rolling|slides?|slid|sliding|knock\w*|swats?|swatted|slips?|slipped) off"
    r"|(?:slides?|slid|sliding) (?:sideways|down)|collaps\w* onto"
    # "the dish hits the floor tiles", "clanging onto the concrete": what lands on the floor fell to it
    # ("half the magnets clatter to the floor", "the frame crashes over onto the grass", "clangs off the stone floor")
    r"|(?:hits?|smacks?|slams?|crash\w*|clatter\w*|clang\w*|thuds?|thumps?|thumping|lands?|smash\w*|bounc\w*)"
    r" (?:(?:down |over |out )?(?:onto|into|on|to|across|off) )?(?:the |a |its )?(?:[\w-]+ )?"
    r"(?:floor|ground|tiles|flagstones?|concrete|deck|carpet|windscreen|roof|bonnet"
    r"|parquet|slabs|gravel|decking"
    r"|lino|floorboards|pavement|path|cobbles|tablecloth|worktop|boards|doorstep|step|steps|paving|patio|mat|rug"
    r"|table|trestle|counter|grass|turf|mud|sand|tarmac|drive|driveway)"
    # "it slips and lands jam-side down on the paving"
    r"|lands?(?: [\w-]+){1,3} (?:on|onto) (?:the |a )?"
    r"(?:floor|ground|tiles|paving|pavement|path|grass|deck|carpet|lino|flagstones?|parquet))\b",
    re.IGNORECASE,
)
#: Object events drawn only with a thing the prompt names: no stand-in drops in or breaks where none was asked for.
UNSTOCKED = frozenset({"drop", "shatter", "split"})
#: A cue whose words begin with a pronoun, a participle or its verb ("it slides sideways and hits the flagstones",
#: "clanging onto the concrete", "hits the lino"): what falls is the thing the prompt named before, whatever source
#: the planner guessed.
PRONOUN_LED = re.compile(
    r"^\s*(?:it|they|then it|and it|\w+ing|hits?|lands?|falls?|drops?|smacks?|crash\w*|clatters?|clangs?|slams?|thuds?)"
    r"\b",
    re.IGNORECASE,
)
#: What a cork or a cap leaves is a bottle: a lid that pops off anything else (a biscuit tin's) is no cork.
BOTTLED = re.compile(r"\b(corks?|champagne|prosecco|cava|bottles?|fizz|beer|soda|cola|wine)\b", re.IGNORECASE)
# Words that say a thing falls from above the picture (a coconut off its palm, a clam from a gull's beak, a mango that
# drops): outdoors anything else that falls topples over where it stands rather than dropping in from off-screen.
FROM_ABOVE = re.compile(
    r"\b(?:from|off|out of) (?:the |a |its |his |her )?(?:sky|above|overhead|tree|palm|branch|roof|beak|claws?"
    r"|window|balcony|cliff|ledge)\b|\boverhead\b|\b(?:drops?|dropped|dropping|plummet\w*)\b",
    re.IGNORECASE,
)
# Event drawings that are fixtures of the place: the subject and the people pass in front of them.
BEHIND_SUBJECT = (events.Window, events.Bell, events.Branch, events.Crack)
# The planner's description of the pov viewer, whose eyes the camera is ("pov: you're at a table ...").
VIEWER = "you"
#: Families of things that act of themselves: a pov shot watches the one that makes its timed sound.
SELF_MOVING = frozenset({"animal", "vehicle", "fantasy"})
# Where across the frame a lone person and a non-human subject stand when a shot has both.
PEOPLE_BESIDE_SUBJECT, SUBJECT_BESIDE_PEOPLE = 0.3, 0.74
#: The frame height (from the top) a flying subject keeps to beside people: above their heads.
FLIGHT_ABOVE_PEOPLE = 0.22
# Events whose object is drawn from the atlas, and the largest that object is drawn (frame heights).
OBJECT_KINDS = {"shatter", "drop", "bounce", "split", "burst", "cork", "spill", "kettle", "rebound", "topple"}
# a ball flying at a wall is small and quick; a chimney that goes over is as tall as a subject is drawn
OBJECT_MAX = {"any": 0.2, "rebound": 0.1, "topple": subjects.MAX_SCREEN}
DOOR_KINDS = {"slam", "creak", "knock"}
# Events that break their thing: a tool the cue names with another thing is what breaks it, not what breaks.
BREAKING_KINDS = {"shatter", "split", "burst"}
# A building's door seen from outside: its width and height as fractions of the building's drawing.
DOORWAY = (0.22, 0.4)
# Metres from which a thing of any family that goes over topples where it stands (a ladder, not a hammer).
TOPPLING_SIZE = 1.5
# What a vehicle's or an animal's sounding part (a horn, a bell) may be read as: then the owner makes the sound.
PART_SOUNDS = {"bell", "ring", "alarm", "steam", "motor", "call", "music"}
SOUNDING = frozenset(events.SOUNDING_KINDS)
# The drawers that draw their thing before the cue as it looks then, where the atlas has that look.
STAGED = (events.Fall, events.Burst, events.Sounding, events.Motion)
# Events that change the subject where it is drawn, without drawing it: a fire catches in the hearth.
CHANGES_SUBJECT = {"ignite"}
# The locations a plan gives when its words name no other (the field by default, a room for INT.): a subject
# shown there is drawn where it usually is instead (places.yaml homes).
HOME_LOCATIONS = frozenset({p.LOCATION_UNSPECIFIED, p.LOCATION_FIELD, p.LOCATION_INTERIOR, p.LOCATION_STUDIO})
MOVING = frozenset(events.MOTION_KINDS)
# how much smaller than beside the people a thing overhead is drawn: up there it is further from the camera
OVERHEAD_DISTANCE = 0.4
OVERHEAD = re.compile(r"\b(overhead|above|circl\w*|in the sky|high up|up high|flies over|flying over|soar\w*)\b", re.I)
# Things named after the people of a shot that are drawn beside them when nothing else is.
LATER_SUBJECT_FAMILIES = frozenset({"vehicle", "animal", "instrument", "sport"})
# Things people handle: one that makes the sound the prompt times is drawn beside them when nothing else is.
HANDLED_FAMILIES = frozenset({"household", "food", "tool", "sport", "instrument"})
HANDLED_LEAST_M = 0.2
# Where across the frame a sounding source stands when the shot's subject is drawn too, and when only people are.
SOURCE_BESIDE_SUBJECT, SOURCE_BESIDE_PEOPLE = 0.2, 0.78
# Water a thing leaps or lands into ("belly flops into the paddling pool"): drawn under it where the place has none.
INTO_WATER = re.compile(
    r"\b(into|in|in to)\s+([\w']+\s+){0,3}"
    r"(pool|pond|puddle|bath|bathtub|tub|water|river|lake|trough|stream|fountain|lido|dam|canal|creek)\b",
    re.IGNORECASE,
)
# How deep a thing that leaps into the place's water sits in it, in its own heights below the water line.
INTO_WATER_DEPTH = 0.35
# A thing the subject knocks flying stands KNOCKED_GAP frame widths right of the subject's drawing (left where that
# would be past KNOCKED_MOST across).
KNOCKED_GAP, KNOCKED_MOST = 0.08, 0.86
_VISIBLE = {
    p.SOUND_EVENT_GLASS_SHATTER: "shatter",
    p.SOUND_EVENT_THUNDER: "lightning",
    p.SOUND_EVENT_EXPLOSION: "flash",
    p.SOUND_EVENT_GUNSHOT: "muzzle",
    p.SOUND_EVENT_SPLASH: "splash",
    p.SOUND_EVENT_DOOR_SLAM: "slam",
    p.SOUND_EVENT_DOOR_CREAK: "creak",
    p.SOUND_EVENT_DOOR_KNOCK: "knock",
}
# Snow's depth bands: (frame pixels per flake, fall per frame and sideways drift in frame heights/widths,
# unused streak length, flake size in pixels at 360 rows): far flakes small and slow, near ones big and fast.
WEATHER_SNOW_BANDS = ((700, 0.004, 0.001, 0, 3), (1800, 0.008, 0.002, 0, 5), (6000, 0.016, 0.004, 0, 9))
# hailstones: (pixels per stone, fall per frame, drift, -, size): many, fast, round and white
HAIL_BANDS = ((900, 0.035, 0.0005, 0, 5), (2600, 0.05, 0.001, 0, 8))
# wind: (frame pixels per gust streak, speed per frame in frame widths, streak length in frame widths): long pale
# streaks that race across the picture, as wind is drawn in the house style
WIND_STREAKS = (4500, 0.05, 0.2)
FLASH_FRAMES = 4  # how long a lightning flash lights the windows
RIGID_MOVES = {
    p.CAMERA_MOVEMENT_UNSPECIFIED,
    p.CAMERA_MOVEMENT_STATIC,
    p.CAMERA_MOVEMENT_PAN,
    p.CAMERA_MOVEMENT_TILT,
    p.CAMERA_MOVEMENT_HANDHELD,
}
#: Moves that cannot go on past their planned end (a dolly would pass through the subject, an orbit or an aerial
#: sweep has a shape): a continuation holds their end position.
ENDED_MOVES = {
    p.CAMERA_MOVEMENT_DOLLY_IN,
    p.CAMERA_MOVEMENT_DOLLY_OUT,
    p.CAMERA_MOVEMENT_ORBIT,
    p.CAMERA_MOVEMENT_AERIAL,
}


def _seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:8], "little") >> 1


@dataclass
class Camera:
    """Per-frame layer transforms: for a layer at depth d, scale s(d) and offsets (ox, oy) in frame pixels."""

    movement: int
    width: int
    height: int
    frames: int
    seed: int

    def transform(self, t: torch.Tensor, depth: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """t: [F] shot progress, 0..1 over the planned move and past 1 where an extension carries it on →
        (scale [F], ox [F], oy [F]) for a layer at `depth`. Linear moves go on at the same speed; ENDED_MOVES hold."""
        w, h = self.width, self.height
        inv = 1.0 / depth
        m = self.movement
        if m in ENDED_MOVES:
            t = t.clamp(max=1.0)
        one, zero = torch.ones_like(t), torch.zeros_like(t)
        if m == p.CAMERA_MOVEMENT_PAN:  # rotation: every layer shifts the same (no parallax)
            return one, -0.35 * w * t, zero
        if m == p.CAMERA_MOVEMENT_TILT:
            return one, zero, -0.22 * h * t
        if m == p.CAMERA_MOVEMENT_TRACKING:  # translation: nearer layers move more
            return one, -1.4 * w * t * inv, zero
        if m in (p.CAMERA_MOVEMENT_DOLLY_IN, p.CAMERA_MOVEMENT_DOLLY_OUT):
            z = 0.9 * (t if m == p.CAMERA_MOVEMENT_DOLLY_IN else 1 - t)
            return depth / (depth - z).clamp(min=0.3), zero, zero
        if m == p.CAMERA_MOVEMENT_CRANE:
            return one, zero, 0.9 * h * t * inv
        if m == p.CAMERA_MOVEMENT_AERIAL:
            z = 0.6 * t
            return depth / (depth - z), -0.5 * w * t * inv, 0.5 * h * (1 - t) * inv
        if m == p.CAMERA_MOVEMENT_ORBIT:  # around the subject: behind it moves one way, in front the other
            return one, -1.6 * w * torch.sin(t * math.pi * 0.5) * (inv - 1.0 / CHARACTER_DEPTH), zero
        if m == p.CAMERA_MOVEMENT_HANDHELD:
            g = torch.Generator().manual_seed(self.seed)
            knots = torch.randn(2, self.frames // 6 + 3, generator=g)
            idx = (t * (self.frames - 1) / 6).clamp(0, knots.shape[1] - 2)
            lo = idx.floor().long()
            frac = idx - lo
            shake = knots[:, lo] * (1 - frac) + knots[:, lo + 1] * frac
            return one, 0.012 * w * shake[0], 0.01 * h * shake[1]
        return one, zero, zero


@dataclass
class ShotFrames:
    frames: torch.Tensor  # [F, H, W, 3] uint8
    faces: dict[str, list[common_pb2.FaceFrame]] = field(default_factory=dict)


@dataclass(frozen=True)
class Cast:
    """A character drawn in a shot: where (x as a fraction of the width), how tall in frame px, and the moves
    they make on its cues."""

    cid: str
    look: characters.Appearance
    x_frac: float
    height_px: float
    moves: list[characters.BodyMove]


class ShotRenderer:
    """Everything built once for a shot; `render(range)` produces its frames in batches."""

    def __init__(
        self,
        plan: common_pb2.ScenePlan,
        shot: p.Shot,
        device: torch.device,
        cameos: Mapping[str, common_pb2.CastMember] | None = None,
    ) -> None:
        self.cameos = cameos or {}
        fmt = plan.format
        self.plan, self.shot, self.device = plan, shot, device
        self.w, self.h, self.fps = fmt.width, fmt.height, fmt.fps
        self.count = shot.end_frame - shot.start_frame
        # An extension's first shot, left in its source's world by the planner, is drawn from the shot it carries
        # on from: the same world (its words, its seeds), clocks that go on counting, the camera move carried on.
        continued = plan.continues if plan.HasField("continues") and shot.index == 0 else None
        if continued is not None and not projections.same_world(continued.shot, shot):
            continued = None  # the new words name a world of their own: a cut
        world_shot, world_plan = (shot, plan) if continued is None else (continued.shot, _world_plan(plan, continued))
        self._seed_index = world_shot.index
        #: Frames of the source's clocks (animation, weather, fog) already shown before this shot's first frame.
        self.lead_in = 0 if continued is None else continued.lead_in_frames
        carries_move = continued is not None and continued.shot.camera.movement == shot.camera.movement
        self._move_lead_in = self.lead_in if carries_move else 0
        self._move_frames = continued.move_frames if continued is not None and carries_move else self.count
        scene_seed = _seed(plan.seed, world_shot.scene_index)
        # humans are drawn by `characters`; any other subject is a sprite from the vocabulary, beside them
        # when there are people in the shot too ("a boy kicks a football", "a man by his pickup")
        self.subject, self._people = subject_and_people(plan, shot)
        self.subject = _painted(self.subject, plan, shot)
        self._moves = self._body_moves()
        #: A person's height in frame px as the shot frames them (head to foot when someone moves on a cue):
        #: things beside them are drawn to this scale.
        self._person_px = SHOT_HEIGHT.get(shot.camera.shot_size, 1.6) * self.h
        if any(self._moves.values()):
            self._person_px = min(self._person_px, MOVER_HEIGHT * self.h)
        # who or what makes each sounding cue's sound (by the cue's id), found with the shot's visible cues
        self._sounders: dict[int, tuple[str, subjects.Noun | None, str | None]] = {}
        self._twins: list[p.SoundCue] = []  # cues copied to carry a second thing seen on them
        self._knocks: set[int] = set()  # the subject's strikes at what it knocks flying (by the twin cue's id)
        self._cues = self._visible_cues()
        if self.subject is not None and any(kind in ("cardoor", "crack") for _, kind in self._cues):
            # a door shuts on a parked car; the ice cracks under the fox that stands on it
            self.subject = dataclasses.replace(self.subject, motion="still")
        phrases = [projections.place_phrase(world_plan, world_shot), world_shot.subject.text]
        world_prompt = projections.seen_prompt(world_plan, world_shot.scene_index)
        self.place = places.resolve(phrases[0], world_prompt)
        if self.place is not None and self.subject is not None:  # the greenhouse in its garden, the cottage outside
            # a building the prompt does not put us inside ("INT. FARMHOUSE KITCHEN" does) is seen from outside
            inside = world_shot.environment.location == p.LOCATION_INTERIOR
            outside = self.subject.family == "building" and not inside
            self.place = places.setting_of(self.subject.name, self.place, world_prompt, outside)
        broad = self.place if self.place is not None and self.place.generic and not self.place.elements else None
        if broad is not None:
            self.place = None  # a broad word with nothing of its own: the location's world is the better picture
        location = world_shot.environment.location
        if self.place is None and self.subject is not None and location in HOME_LOCATIONS:
            # no place the renderer knows and only the planner's default world: where the subject usually is, out of
            # doors where the prompt names a broad place out of doors (a road is never a lollipop's kitchen; a veg
            # patch is the spade's garden)
            indoors_only = location in (p.LOCATION_INTERIOR, p.LOCATION_STUDIO)
            home = places.home(self.subject.name, self.subject.family, indoors_only)
            self.place = None if home is not None and home.indoors and broad is not None and not broad.indoors else home
        if self.place is not None:  # a pond in the birch forest the prompt names, frost on the paddock
            self.place = places.compose(self.place, phrases[0], world_prompt)
        self.light = lighting.of_shot(world_shot.environment, world_prompt)
        environment = lighting.environment(world_shot.environment, self.light)
        if self.place is not None:  # the place draws itself: its own words add no stock props
            phrases = [places.unnamed(self.place, phrase) for phrase in phrases]
        phrases = [lighting.unnamed(self.light, phrase) for phrase in phrases]  # nor do the light's (bare bulbs)
        # the scenery leaves out the subject the world's own shot drew (drawn once, as that shot did)
        world_subject = self.subject if continued is None else subject_and_people(world_plan, world_shot)[0]
        if self.subject is None:  # what was in view stays unless the new words name something else to draw
            self.subject = world_subject
        scenery = subjects.scenery(phrases, skip=world_subject)
        self.world = world.build(environment, self.w, self.h, scene_seed, scenery, self.place, self.light)
        self.camera = Camera(
            shot.camera.movement, self.w, self.h, self._move_frames, _seed(plan.seed, "cam", self._seed_index)
        )
        self.look = Look(shot.style.style, self.h, self.w, _seed(plan.seed, "grain", self._seed_index))
        if self.subject is not None and self.subject.motion == "fall" and not FALLING.search(self._scene_prompt()):
            self.subject = dataclasses.replace(self.subject, motion="still")  # a cup that nobody drops stands
        self.drawing = None if self.subject is None else self._subject_drawing(self.subject, self._far_size())
        # the grade is per pixel, so it is applied once to the layers, not to every frame
        self.layers = self._flatten_if_rigid(
            [
                (
                    self.look.grade(layer.rgb).to(device),
                    None if layer.mask is None else layer.mask.to(device),
                    layer.depth,
                )
                for layer in self.world.layers
            ]
        )
        self.weather = environment.weather
        self._indoors = (
            environment.location in (p.LOCATION_INTERIOR, p.LOCATION_STUDIO)
            if self.world.indoors is None
            else self.world.indoors
        )
        self._glass = self._glass_at_rest()
        self._glass_box = ((0, self.h), (0, self.w))
        if self._glass is not None and bool(self._glass.any()):
            rows, cols = self._glass.any(dim=1).nonzero()[:, 0], self._glass.any(dim=0).nonzero()[:, 0]
            self._glass_box = ((int(rows[0]), int(rows[-1]) + 1), (int(cols[0]), int(cols[-1]) + 1))
        self._fog_veil: torch.Tensor | None = None
        self._fog_colour = torch.zeros(3)
        self._cast_list = self._cast()
        self._event_nouns: list[subjects.Noun] = []
        self._speakers: dict[int, str] = {}  # a sounding drawer (by id) whose source is this character's head
        self._doorways: dict[int, tuple[float, float, float, float]] = {}  # a door cue (by id) in a building's front
        self._cues = self._doors_in_walls(self._cues)
        self._drawers = [(self._event_drawer(cue, kind), cue.frame - shot.start_frame) for cue, kind in self._cues]
        drawn = {noun.name for noun in self._event_nouns}
        drawn |= {name for _, kind in self._cues for name in _event_table()["draws"].get(kind, [])}
        if self.subject is not None and self.subject.name in drawn:
            self.drawing = None  # the subject is the event's object: the event draws it, before and after
        # a subject an event changes without drawing it (the hearth a fire catches in) looks as it did before until
        # the first such cue (local frame)
        self._subject_before: tuple[subjects.SubjectDrawing, int] | None = None
        earlier = None if self.subject is None or self.drawing is None else subjects.before(self.subject)
        changing = [cue.frame - shot.start_frame for cue, kind in self._cues if kind in CHANGES_SUBJECT]
        if earlier is not None and changing:
            self._subject_before = (self._subject_drawing(earlier, self._far_size()), min(changing))

    def _flatten_if_rigid(self, layers: list) -> list:  # type: ignore[type-arg]
        """Moves that do not depend on depth (static, pan, tilt, handheld) see one picture: composite it once."""
        if self.camera.movement not in RIGID_MOVES:
            return layers
        rgb = layers[0][0].clone()
        for layer_rgb, mask, _ in layers[1:]:
            rgb = layer_rgb.clone() if mask is None else torch.where(mask[..., None], layer_rgb, rgb)
        return [(rgb, None, world.NEAR)]

    # ---------------------------------------------------------------- subject and place

    def _scene_prompt(self) -> str:
        # without what is said in it: a line is heard, not drawn (and a remix that changes only a line keeps
        # these pictures, see cinemesh.runtime.projections)
        return projections.seen_prompt(self.plan, self.shot.scene_index)

    def _glass_at_rest(self) -> torch.Tensor | None:
        """The frame's window panes [H, W] bool as the camera sees them at rest, where the weather outside
        falls past an interior's windows."""
        glass = self.world.glass
        if glass is None:
            return None
        y0, x0 = (glass.shape[0] - self.h) // 2, (glass.shape[1] - self.w) // 2
        return glass[y0 : y0 + self.h, x0 : x0 + self.w].to(self.device)

    def _visible_cues(self) -> list[tuple[p.SoundCue, str]]:
        """The shot's cues that are seen, with what each draws: one object event per frame (the planner may
        give one sound two cues; the table's priority picks) plus any light (lightning over a breaking wave),
        and a slam beside a vehicle is its door."""
        table = _event_table()
        rank = {kind: k for k, kind in enumerate(table["priority"])}
        by_frame: dict[int, tuple[p.SoundCue, str]] = {}
        lights: list[tuple[p.SoundCue, str]] = []
        seen_frames: set[int] = set()
        strikes: list[tuple[p.SoundCue, p.SoundCue]] = []  # a knock's cue, and its twin: the subject striking
        for cue in self.plan.sound_cues:
            if not self.shot.start_frame <= cue.frame < self.shot.end_frame:
                continue
            kind = visible_kind(cue)
            if kind == "burst" and re.search(table["puffs"], f"{cue.text} {self._named_before(cue)}".lower()):
                # flour bursting over the rim: a puff from the mixer's top, the mixer stays whole; "knocks the bag
                # of flour off n it bursts all over the lino": a puff of the flour the sentence named before
                kind = "steam"
            if kind == "burst" and not re.search(table["burstable"], cue.text.lower()):
                kind = self._sentence_kind(cue) or kind  # "a sharp pop" as the cap is pried off: the cap leaves
            # a move the cue's own words say ("water gushes out") comes before what its sentence says happens
            mover = self._mover(cue, kind) if kind else self._own_move(cue)
            if mover is None:
                kind = kind or self._sentence_kind(cue)
                mover = self._mover(cue, kind)
            if mover is None and not kind:
                kind = self._subject_sounds(cue)
            if mover is not None:  # the whale breaching, the bus braking: the thing moves on the cue
                self._sounders[id(cue)] = mover
                kind = mover[0]
                striker = self._striker(cue, mover)
                if striker is not None:  # the Staffy lunges at the bowl he knocks flying
                    strikes.append((cue, striker))
            if kind in ("drop", "topple") and mover is None and self._person_falls_on(cue):
                continue  # "a man slips and falls on the wet floor": he goes down, nothing drops beside him
            if kind == "cork" and not BOTTLED.search(f"{cue.text} {self._scene_prompt()}"):
                kind = ""  # "the lid pops off" a biscuit tin: heard, not a stand-in bottle's cork
            taking_part = self._event_noun(cue, kind) if kind in UNSTOCKED else None
            if kind == "drop" and taking_part is None and PRONOUN_LED.search(cue.text):
                tall = self._event_noun(cue, "topple")
                if tall is not None and tall.family != "sport":  # (a barbell a lifter drops does not go over)
                    kind, taking_part = "topple", tall  # "it slides down the wall": a pitchfork too tall to drop
            if not kind or (kind in UNSTOCKED and taking_part is None):
                continue  # nothing it names can fall or break ("the lifter drops it", "the trellis tears away"): heard
            popped = self._event_noun(cue, kind) if kind == "burst" else None
            if popped is not None and subjects.before(popped) is not None:  # the toast pops up: the toaster does not
                kind = "ring"  # burst, it jolts from how it looked to how it looks after
                self._sounders[id(cue)] = (kind, popped, None)
                mover = (kind, popped, None)
            if kind == "slam" and self.subject is not None and self.subject.family == "vehicle":
                kind = "cardoor"
            owner = self._owner(cue) if kind in PART_SOUNDS and mover is None else None
            if owner is not None:  # a truck's horn, a scooter's bell: the truck or the scooter sounds it
                sounding = _event_table()["sounding"]
                kind = "call" if owner.family in sounding["families"]["call"] else kind
                kind = "ring" if kind == "bell" else kind
                if owner.family not in sounding["families"].get(kind, []):  # a car's tyres chirp: the car acts as
                    kind = sounding["fallback"].get(owner.family, kind)  # a car does, its engine, not a bird's call
                self._sounders[id(cue)] = (kind, owner, None)
            elif kind in SOUNDING and mover is None:  # seen only in a source that can make it: an animal always calls
                sounder = self._sounder(cue, kind)
                fallback = self._subject_sounds(cue) if sounder is None else ""
                if fallback:  # nothing in sight makes that sound, but the subject the sentence names acts as its
                    # kind does (a kettle's "chirp" is its rattle; a trifle that hits the lino, a mitt a ball smacks
                    # into, rattle as anything else does)
                    sounder = self._sounder(cue, fallback) or (fallback, self.subject, None)
                if sounder is None:
                    continue
                self._sounders[id(cue)] = sounder
                kind = sounder[0]
            if kind in table["overlays"]:  # light over the picture: drawn whatever else happens then
                lights.append((cue, kind))
                moved = self._mover(cue, "") if kind not in table["motions"]["standalone"] else None
                if moved is None or moved[1] is None:
                    continue
                # "lightning flashes and the cat leaps off the sill": the leap is seen under the flash
                cue, kind = self._twin(cue), moved[0]
                self._sounders[id(cue)] = moved
            seen_frames.add(cue.frame)
            held = by_frame.get(cue.frame)
            if held is None or rank.get(kind, len(rank)) < rank.get(held[1], len(rank)):
                by_frame[cue.frame] = (cue, kind)
        # one kettle, bell, window or door per shot: the cue the prompt timed wins, else the earliest (a second
        # drawing of the same thing would show it twice, or open a door that had slammed)
        timing = {p.CUE_TIMING_EXPLICIT: 0, p.CUE_TIMING_RELATIVE: 1}
        chosen: dict[str, tuple[p.SoundCue, str]] = {}
        kept = []
        for cue, kind in sorted(by_frame.values(), key=lambda pair: pair[0].frame):
            group = "sounding" if kind in SOUNDING or kind in MOVING else kind  # one acting source, drawn once
            if group not in table["once_per_shot"] and group != "sounding":
                kept.append((cue, kind))
            elif group not in chosen or timing.get(cue.timing, 2) < timing.get(chosen[group][0].timing, 2):
                chosen[group] = (cue, kind)
        # a flash on the frame of a thing's event is that thing's bang ("slams … with a bang like a gunshot")
        lights = [
            (cue, kind) for cue, kind in lights if kind not in ("flash", "muzzle") or cue.frame not in seen_frames
        ]
        # one light per frame ("lightning flashes, thunder cracks" is one flash, not two that white the picture out)
        lit = {cue.frame: (cue, kind) for cue, kind in sorted(lights, key=lambda pair: -rank.get(pair[1], len(rank)))}
        lights = list(lit.values())
        moves = [*kept, *chosen.values()]
        knocks = {id(cue) for cue, kind in moves if kind == "knocked"}
        struck = [(striker, "strike") for cue, striker in strikes if id(cue) in knocks]
        return sorted([*moves, *struck, *lights], key=lambda pair: pair[0].frame)

    def _person_falls_on(self, cue: p.SoundCue) -> bool:
        """Whether someone in the shot falls on the cue's frame (a body move of their own)."""
        at_s = (cue.frame - self.shot.start_frame + self.lead_in) / self.fps
        return any(m.kind == "fall" and abs(m.at_s - at_s) < 1e-6 for moves in self._moves.values() for m in moves)

    def _striker(self, cue: p.SoundCue, mover: tuple[str, subjects.Noun | None, None]) -> p.SoundCue | None:
        """A twin of a cue on which the shot's subject knocks something else flying, for the subject's own strike at
        it; None where the move is no knock, what is knocked is the subject, or the subject cannot strike (a person
        strikes with their body: characters.BodyMove)."""
        kind, noun, _ = mover
        subject = self.subject
        able = _event_table()["sounding"]["families"]["strike"]
        if kind != "knocked" or noun is None or subject is None or subject.family not in able:
            return None
        if _same_thing(noun, subject):
            return None
        striker = self._twin(cue)
        self._sounders[id(striker)] = ("strike", subject, None)
        self._knocks.add(id(striker))
        return striker

    def _subject_sounds(self, cue: p.SoundCue) -> str:
        """What the shot's subject does on a timed cue that draws nothing else, where the cue's sentence names the
        subject (data/events.yaml sounding.fallback); "" otherwise."""
        if self.subject is None or cue.timing != p.CUE_TIMING_EXPLICIT:
            return ""
        sentence = projections.cue_sentence(self.plan, cue)[0] or cue.text
        named = subjects.nouns_in(sentence)
        # "at 2s it slams down": a pronoun with nothing else drawable named is the subject the prompt is about
        alone = not named and re.search(r"\b(it|he|she|its|his|her)\b", sentence.lower()) is not None
        if not alone and not any(_same_thing(noun, self.subject) for noun in named):
            return ""
        return str(_event_table()["sounding"]["fallback"].get(self.subject.family, ""))

    def _own_move(self, cue: p.SoundCue) -> tuple[str, subjects.Noun | None, None] | None:
        """The move a cue that draws nothing of itself is seen as from its own words alone, or None."""
        move = self._mover(cue, "")
        if move is None:
            return None
        words = _event_table()["motions"]["words"][move[0]]
        return move if re.search(words, cue.text.lower()) else None

    def _twin(self, cue: p.SoundCue) -> p.SoundCue:
        """A copy of a cue, for a second thing seen on it (kept, so its id stays its own)."""
        twin = p.SoundCue()
        twin.CopyFrom(cue)
        self._twins.append(twin)
        return twin

    def _named_before(self, cue: p.SoundCue) -> str:
        """The last thing the cue's sentence names before the cue's own words, as written ("the bag of flour"), or
        ""."""
        sentence, at = projections.cue_sentence(self.plan, cue)
        named = subjects.mentions(sentence[:at])
        return sentence[named[-1].start : named[-1].end] if named else ""

    def _sentence_kind(self, cue: p.SoundCue) -> str:
        """What the sentence asking for a cue that draws nothing says happens then ("at 2.5s the cap flicks off and the
        lemonade fizzes up": the fizz is the cue, the cap is what is seen); "" when it says nothing drawable."""
        sentence, _ = projections.cue_sentence(self.plan, cue)
        if not sentence or sentence.strip().lower() == cue.text.strip().lower():
            return ""
        said = p.SoundCue()
        said.CopyFrom(cue)
        said.text, said.event, said.event_approximate = sentence, p.SOUND_EVENT_UNSPECIFIED, True
        return visible_kind(said)

    def _owner(self, cue: p.SoundCue) -> subjects.Noun | None:
        """The vehicle or animal whose part (horn, bell, siren) a cue sounds: the shot's subject, else one the
        cue names (data/subjects.yaml `parts`)."""
        candidates = [] if self.subject is None else [self.subject]
        candidates += subjects.nouns_in(cue.text)
        return subjects.owner_of_part(f"{cue.text} {cue.source_object}", candidates)

    def _doors_in_walls(self, cues: list[tuple[p.SoundCue, str]]) -> list[tuple[p.SoundCue, str]]:
        """A slam, creak or knock draws a door only where there is a wall to hang it in (indoors) and only when
        what slams is a door (not a gate, a stall, a drawbridge: data/events.yaml `not_doors`), or when the
        shot's subject is the door. Otherwise a door drawn standing alone would do the event for something the
        prompt never showed: the subject that strikes it acts instead (the bull at the gate, the horse at its
        stall), and with no subject that can, the sound is only heard."""
        kept = []
        not_doors = set(_event_table()["not_doors"])
        for cue, kind in cues:
            if kind not in DOOR_KINDS:
                kept.append((cue, kind))
                continue
            words = set(re.findall(r"[a-z]+", f"{cue.text} {cue.source_object}".lower()))
            is_door = self.subject is not None and self.subject.name in _event_table()["draws"][kind]
            if is_door or (self._indoors and not words & not_doors):
                kept.append((cue, kind))
                continue
            doorway = self._doorway()
            if doorway is not None and words & {"door", "doors"} and not words & (not_doors - {"sliding", "glass"}):
                self._doorways[id(cue)] = doorway  # the barn's door bangs shut in its wall
                kept.append((cue, kind))
                continue
            sounder = self._sounder(cue, "strike")
            if sounder is not None:
                self._sounders[id(cue)] = sounder
                kept.append((cue, "strike"))
        return kept

    def _doorway(self) -> tuple[float, float, float, float] | None:
        """Where the door of the building the shot shows from outside stands: low in the middle of its front."""
        if self._indoors or self.subject is None or self.subject.family != "building" or self.drawing is None:
            return None
        x0, y0, x1, y1, _ = self.drawing.rest_box()
        wide, tall = (x1 - x0) * DOORWAY[0], (y1 - y0) * DOORWAY[1]
        cx = (x0 + x1) / 2
        return cx - wide / 2, y1 - tall, cx + wide / 2, y1

    def _event_noun(self, cue: p.SoundCue, kind: str) -> subjects.Noun | None:
        """What takes part in an object event: the first thing the cue's words name that can fall, break or be
        handled, else the shot's subject if it can ("it slides off the edge"), else the cue's source object
        (which the planner sometimes guesses: a "window" for a plate), else the kind's stock object. A fox, a
        camel or a church is never what drops: it stays the subject."""
        table = _event_table()
        movable = set(table["droppable"]) | ({"vehicle"} if kind == "burst" else set())

        owners = [self.subject] if self.subject is not None else []

        def takes_part(noun: subjects.Noun) -> bool:  # a tree or a wardrobe does not fall off a shelf: it topples
            if subjects.owner_of_part(noun.name, owners) is not None:
                return False  # a part of the subject ("the front drum" of the road roller) is no instrument
            if kind == "cork":  # what a cork or a cap leaves is a bottle, not the cap drawn as a hat
                return "bottle" in noun.name
            return _stands(noun) if kind == "topple" else noun.family in movable and noun.size < TOPPLING_SIZE

        if kind == "kettle" and self.subject is not None and self.subject.family == "household":
            return self.subject  # the pressure cooker the prompt shows whistles, not a stock kettle
        found = [noun for noun in subjects.nouns_in(cue.text) if takes_part(noun)]
        if kind == "topple":  # the thing the words say goes over, wherever the sentence began
            found = [noun for noun in [_goes_over(cue.text)] if noun is not None]
        # "it goes off the edge": the planner's source where the prompt writes it ("the blue ceramic mug"), ahead
        # of a subject that is only scenery the shot found (the café's window)
        said = cue.source_object.strip().lower()
        from_source = [noun for noun in subjects.nouns_in(cue.source_object) if takes_part(noun)]
        written = bool(said) and re.search(rf"\b{re.escape(said)}\b", self._scene_prompt().lower()) is not None
        subject = [self.subject] if self.subject is not None and takes_part(self.subject) else []
        found += [*from_source, *subject] if written else [*subject, *from_source]
        if not found and kind != "topple":  # "it knocks it off n it shatters": the thing its sentence named before
            sentence, at = projections.cue_sentence(self.plan, cue)
            found = [m.noun for m in subjects.mentions(sentence[:at]) if takes_part(m.noun)][::-1]
        if kind in BREAKING_KINDS:  # "a cleaver comes down and splits the melon": the melon the shot shows breaks,
            # and a tool breaks nothing of its own
            shown = self.subject
            found = sorted(
                found, key=lambda noun: (shown is None or not _same_thing(noun, shown), noun.family == "tool")
            )
        if kind == "burst":  # what can pop pops: the balloon, not the ceiling fan it drifts into
            found = sorted(found, key=lambda noun: re.search(table["burstable"], noun.name) is None)
            if self.subject is not None and re.search(table["burstable"], self.subject.name):
                found = [self.subject, *found]
        if found:  # "they smash": the cue's source is one wine glass, the prompt's tray holds several
            if self.subject is not None and _same_thing(found[0], self.subject):
                return self.subject  # "the glass hits the floor": the crystal wine glass the shot shows
            return subjects.as_written(self._scene_prompt(), found[0])
        stock = table["objects"].get(kind)
        return subjects.vocabulary().nouns[stock] if stock else None

    def _mover(self, cue: p.SoundCue, kind: str) -> tuple[str, subjects.Noun | None, None] | None:
        """The move a cue is seen as and the thing that makes it (data/events.yaml `motions`), or None: the words of
        a move in the cue's own text ("the rocket shoots straight up with a whoosh"), or nearest the cue's words in
        the sentence that asks for it ("the humpback breaches … in a huge splash"), where what the cue would draw
        otherwise is no more particular; the thing that moves is the one named before those words, else the
        subject."""
        table = _event_table()["motions"]
        sentence, at = projections.cue_sentence(self.plan, cue)
        found: tuple[str, re.Match[str], str] | None = None
        if kind in table["yields"]:
            own = cue.text.lower()
            found = next(
                ((move, m, own) for move, words in table["words"].items() if (m := re.search(words, own))), None
            )
            stated = find_times(own)
            if found is not None and stated:  # "a jackdaw hopping across a table …, and at 3 seconds it knocks the
                # sugar bowl off": the move the stated time is given, the one written nearest after it
                when = stated[-1].end
                moves = [(move, m) for move, words in table["words"].items() for m in re.finditer(words, own)]
                move, m = min(moves, key=lambda pair: (pair[1].start() < when, abs(pair[1].start() - when)))
                found = (move, m, own)
        # from the sentence, a move where the cue would draw something less particular; the lights going out or a
        # fire catching, where it would draw only its source sounding ("with a buzz")
        standalone = set(table["standalone"]) if kind in table["yields"] else set()
        allowed = set(table["words"]) if kind in table["sentence_yields"] else standalone
        if found is None and allowed and sentence:
            lowered = sentence.lower()
            near = [
                (abs(m.start() - at), move, m)
                for move, words in table["words"].items()
                if move in allowed
                for m in re.finditer(words, lowered)
            ]
            if near:
                _, move, m = min(near, key=lambda item: item[0])
                found = (move, m, lowered)
        if found is None:
            return None
        move, match, text = found
        moved = self._thing_moved(move, match, text, sentence or cue.text)
        knocked = re.search(table["words"]["knocked"], text) if move == "hit" else None
        if moved is None and knocked is not None:  # "he kicks over the bucket": no ball is kicked, the bucket flies
            moved = self._thing_moved("knocked", knocked, text, sentence or cue.text)
        return moved

    def _thing_moved(
        self, move: str, match: re.Match[str], text: str, sentence: str
    ) -> tuple[str, subjects.Noun | None, None] | None:
        """What makes the move whose words `match` found in `text` (data/events.yaml `motions`), or None."""
        table = _event_table()["motions"]
        able = set(table["families"][move])
        if move == "hit":
            named = [n for n in subjects.nouns_in(sentence) if re.search(table["struck"], n.name)][::-1]
        elif move == "knocked":  # what is knocked is named after the words; the one who knocks it, before them
            named = []
        else:
            named = [m.noun for m in subjects.mentions(text[: match.start()]) if m.noun.family in able][::-1]
        if move in table["object_after"]:  # "throws a salmon", "pours from the teapot": what it is done to, first,
            # not where it goes ("cider pours into a pint glass": the bottle pours)
            after = text[match.end() :]
            into = re.search(table["into"], after)
            named = [
                m.noun
                for m in subjects.mentions(after)
                if m.noun.family in able
                and (into is None or m.start < into.start())
                and (move != "knocked" or m.noun.size < TOPPLING_SIZE)  # a stall's door is kicked, not knocked flying
            ] + named
            pronoun = re.search(r"\b(?:it|them)$", match.group(0)) or re.match(r"\s*(?:it|them)\b", after)
            if move == "knocked" and pronoun:
                # "she eyes the little glass vase, then swats it off the shelf": "it" is the thing named before
                before = [
                    m.noun
                    for m in subjects.mentions(text[: match.start()])
                    if m.noun.family in able and m.noun.size < TOPPLING_SIZE
                ]
                named = before[-1:] or named
        subject = self.subject if self.subject is not None and self.subject.family in able else None
        if move == "hit" and subject is not None and not re.search(table["struck"], subject.name):
            subject = None
        if move == "knocked" and subject is not None and subject.size >= TOPPLING_SIZE:
            subject = None  # "his elbow knocks a tin of gloss off the top step": the ladder stays where it stands
        noun = named[0] if named else subject
        if noun is None:  # a fire or a geyser catches or erupts where the picture shows none too
            return (move, None, None) if move in table["standalone"] else None
        if subject is not None and _same_thing(noun, subject):
            noun = subject
        return move, noun, None

    def _sounder(self, cue: p.SoundCue, kind: str) -> tuple[str, subjects.Noun | None, str | None] | None:
        """Who or what makes a sounding cue's sound, and so acts on its frame: (kind, noun, character id).
        The shot's subject when the cue's source is it ("clock" of "an alarm clock") or names nothing drawn; else
        the cue's source where the atlas draws something that can make the sound; else, for a call or music, the
        shot's first person; else the subject if it can. None when nothing in sight can (wind that howls)."""
        table = _event_table()["sounding"]
        callers = set(table["families"]["call"])
        able = set(table["families"][kind]) | callers

        def acting(noun: subjects.Noun) -> str:
            return "call" if noun.family in callers and kind not in ("strike", "chop") else kind

        if kind == "strike":  # the one that charges or kicks: named in the cue's words, else the subject
            able = set(table["families"][kind])
            agents = [noun for noun in subjects.nouns_in(cue.text) if noun.family in able]
            if self.subject is not None and self.subject.family in able:
                return kind, self.subject, None
            return (kind, agents[0], None) if agents else None
        if kind == "chop":  # the blade or hammer the cue's words name, else its sentence's, else the subject
            able = set(table["families"][kind])
            said = f"{cue.text}. {projections.cue_sentence(self.plan, cue)[0]}"
            agents = [noun for noun in subjects.nouns_in(said) if noun.family in able and noun.size <= TOPPLING_SIZE]
            if not agents and self.subject is not None and self.subject.family in able:
                agents = [self.subject]
            return (kind, agents[0], None) if agents else None
        source = subjects.resolve(cue.source_object)
        subject = self.subject if self.subject is not None and self.subject.family in able else None
        said = cue.source_object.strip().lower()
        if subject is not None and (
            source == subject
            or (said and re.search(rf"\b{re.escape(said)}\b", self.shot.subject.text.lower()))
            or (source is None and subject in subjects.nouns_in(cue.text))
        ):
            return acting(subject), subject, None
        if source is not None and source.family in able:
            return acting(source), source, None
        if source is None and self._people and kind in table["people"]:
            return kind, None, self._people[0]
        return None if subject is None else (acting(subject), subject, None)

    def _sounding_drawer(self, cue: p.SoundCue, kind: str, seed: int) -> events.Drawer:
        """The source of a sounding cue, drawn by the event from the subject's drawing (which it takes over) or
        from its own, or a person's head that the sound lines leave (placed each frame, see _events)."""
        _, noun, person = self._sounders[id(cue)]  # found by _visible_cues, which keeps only cues with a source
        ink = (self._rim() * 255).round().clamp(0, 255).to(torch.uint8).cpu()
        words = re.findall(r"[a-z]+", f"{cue.text} {cue.source_object}".lower())
        glows = _event_table()["sounding"]["glows"]
        glow = next((glows[w] for w in words if w in glows), glows["default"])
        if noun is None:
            drawer = events.drawer(kind, self.w, self.h, self._graded, seed, ink=ink)
            self._speakers[id(drawer)] = person or ""
            return drawer
        self._event_nouns.append(noun)
        facing = 1 if noun.faces in ("left", "right") else 0  # blend_ready's drawing looks right
        knock = kind == "knocked" or id(cue) in self._knocks
        if knock:  # toward what is knocked, and it flies off away from the one who knocks it
            facing = self._knock_side()[1]
        words = f"{cue.text} {projections.cue_sentence(self.plan, cue)[0]}"
        wet = re.search(_event_table()["motions"]["wet"], words, re.IGNORECASE)

        def acting(thing: subjects.Noun) -> events.Drawer:
            if kind in MOVING and thing.motion == "fly":  # a plane lands on, a rocket leaves the ground: rests there
                drawing = self._subject_drawing(dataclasses.replace(thing, motion="still"), centre=0.5)
            elif thing == self.subject and self.drawing is not None:
                drawing = self.drawing
            elif self.subject is not None and noun.name == self.subject.name:
                # the subject as it looks before its event, drawn where the subject is (one gull calls: the flock the
                # shot shows)
                drawing = self._subject_drawing(thing if noun == self.subject else self.subject, self._far_size())
            else:
                centre = SOURCE_BESIDE_PEOPLE if self.subject is None else SOURCE_BESIDE_SUBJECT
                size = None
                if kind == "knocked" and self.subject is not None and self.drawing is not None:
                    # in front of what knocks it, sized against it (a bowl by a dog, a bucket by a horse)
                    x0, y0, x1, y1, _ = self.drawing.rest_box()
                    ratio = math.sqrt(thing.size / max(self.subject.size, thing.size))
                    size = max(max(x1 - x0, y1 - y0) * ratio, subjects.MIN_SCREEN * self.h)
                    centre = self._knock_side()[0]
                drawing = self._subject_drawing(thing, size, centre=centre)
            x0, y0, x1, y1, _ = drawing.rest_box()
            descent = 0.0
            if kind == "leap" and self.world.water is not None and INTO_WATER.search(words):
                # "launches off the bank and lands in the water": it comes down in the place's water, not on the bank
                descent = self.world.water * self.h + INTO_WATER_DEPTH * (y1 - y0) - y1
                y0, y1 = y0 + descent, y1 + descent
            return events.drawer(
                kind,
                self.w,
                self.h,
                self._graded,
                seed,
                drawing.blend_ready(facing if knock else 1),
                source=(x0, y0, x1, y1),
                facing=facing,
                ink=ink,
                glow=(int(glow[0]), int(glow[1]), int(glow[2])),
                wet=wet is not None,
                pool=kind in ("leap", "land") and self.world.water is None and INTO_WATER.search(words) is not None,
                breaks=kind == "knocked" and self._smashes(cue, words),
                descent=descent,
                liquid=self._liquid(cue) if kind == "pour" else None,
            )

        return self._staged(noun, acting)

    def _smashes(self, cue: p.SoundCue, words: str) -> bool:
        """Whether a thing knocked flying breaks where it comes down: its cue's words or its sentence's say so, or a
        cue of the same moment does ("… knocks the sugar bowl off the edge. It smashes on the flagstones")."""
        breaking = _event_table()["breaking"]
        near = [c.text for c in self.plan.sound_cues if abs(c.frame - cue.frame) <= self.fps // 2]
        return any(re.search(breaking, text, re.IGNORECASE) for text in (words, *near))

    def _knock_side(self) -> tuple[float, int]:
        """Where across the frame a thing the subject knocks flying stands, and the side of the subject it is on
        (+1 right): right of it where there is room, else left (the subject then faces left)."""
        if self.subject is None or self.drawing is None:
            return SOURCE_BESIDE_PEOPLE, 1
        x0, _, x1, _, _ = self.drawing.rest_box()
        right = x1 / self.w + KNOCKED_GAP
        return (right, 1) if right <= KNOCKED_MOST else (max(1 - KNOCKED_MOST, x0 / self.w - KNOCKED_GAP), -1)

    def _staged(self, noun: subjects.Noun, build: Callable[[subjects.Noun], events.Drawer]) -> events.Drawer:
        """The event of a thing whose drawing shows it after its event (the toast up, the cork out): drawn as it
        looks before (data/subjects.yaml `before`) until the cue."""
        earlier = subjects.before(noun)
        if earlier is None:
            return build(noun)
        before = build(earlier)
        if isinstance(before, events.Motion) or not isinstance(before, STAGED):
            return before  # a bottle poured or thrown keeps its cork: as it looks before, throughout
        after = build(noun)
        assert isinstance(after, STAGED)
        return events.Staged(before, after)

    def _happening_drawer(self, cue: p.SoundCue, kind: str, seed: int) -> events.Drawer:
        """A fire that catches or a geyser that erupts, in the subject when it is what catches or erupts (the
        fireplace's hearth), else mid-picture where things stand; or the lights going out or coming on."""
        _, noun, _ = self._sounders[id(cue)]
        table = _event_table()["motions"]
        box = None
        if (
            noun is not None
            and self.subject is not None
            and noun.name == self.subject.name
            and self.drawing is not None
        ):
            box = self._on_screen(self.drawing.rest_box()[:4], cue.frame)
            if kind == "erupt" and noun.family in table["erupts_from_top"]:  # foam out of a flask's mouth
                box = (box[0], box[1], box[2], box[1])
            if kind == "ignite" and noun.family == "food":  # the brandy alight on the pudding: on its top
                box = (box[0], box[1] - (box[3] - box[1]) * 0.5, box[2], box[1] + (box[3] - box[1]) * 0.2)
        elif kind == "erupt":
            ground = self.world.horizon * self.h
            box = (self.w * 0.45, ground - self.h * 0.1, self.w * 0.55, ground)
        words = f"{cue.text} {projections.cue_sentence(self.plan, cue)[0]}"
        lava = re.search(table["lava"], words, re.IGNORECASE) is not None
        return events.drawer(kind, self.w, self.h, self._graded, seed, source=box, lava=lava)

    def _on_screen(self, box: tuple[float, float, float, float], frame: int) -> tuple[float, float, float, float]:
        """Where a thing that stays put (drawn at `box` with the camera at rest) is on a shot frame, the camera
        having moved: an event drawn on it there (a fire in a wok) stays on it."""
        t = torch.tensor([(frame - self.shot.start_frame + self._move_lead_in) / max(1, self._move_frames - 1)])
        scale, ox, oy = (float(v[0]) for v in self.camera.transform(t, CHARACTER_DEPTH))
        x0, y0, x1, y1 = (
            (v - half) * scale + half + off
            for v, half, off in zip(
                box, (self.w / 2, self.h / 2, self.w / 2, self.h / 2), (ox, oy, ox, oy), strict=True
            )
        )
        return x0, y0, x1, y1

    def _liquid(self, cue: p.SoundCue) -> tuple[int, int, int] | None:
        words = re.findall(r"[a-z]+", f"{cue.text} {self.shot.subject.text} {self._scene_prompt()}".lower())
        liquids = _event_table()["liquids"]
        found = next((liquids[w] for w in words if w in liquids), None)
        return None if found is None else (int(found[0]), int(found[1]), int(found[2]))

    def _vehicle_box(self) -> tuple[float, float, float, float, int] | None:
        """Where the parked vehicle subject stands on screen, and which way it faces (+1 right)."""
        if self.drawing is None or self.subject is None or self.subject.family != "vehicle":
            return None
        return self.drawing.rest_box()

    def _event_drawer(self, cue: p.SoundCue, kind: str) -> events.Drawer:
        """The cue's simulation; what falls, breaks, bursts, tips or whistles is the sounding object's sprite
        where the atlas has it (see _event_noun), lit and graded like the subject."""
        seed = _seed(self.plan.seed, "event", cue.frame, cue.event)
        if kind in _event_table()["motions"]["standalone"]:
            return self._happening_drawer(cue, kind, seed)
        if kind in SOUNDING or kind in MOVING:
            return self._sounding_drawer(cue, kind, seed)
        if kind == "muzzle":  # a gun is fired by whoever is in the shot
            at = self._cast_list[0].x_frac + MUZZLE_BESIDE if self._cast_list else None
            return events.drawer(kind, self.w, self.h, self._graded, seed, at=at)
        if kind == "crack":  # under the subject's feet where there is one
            ink = (self._rim() * 255).round().clamp(0, 255).to(torch.uint8).cpu()
            if self.drawing is None:
                return events.drawer(kind, self.w, self.h, self._graded, seed, ink=ink)
            x0, _, x1, y1, _ = self.drawing.rest_box()
            at, surface = (x0 + x1) / 2 / self.w, (y1 - 2) / self.h
            return events.drawer(kind, self.w, self.h, self._graded, seed, at=at, surface=surface, ink=ink)
        if kind == "branch":
            snowy = self.weather == p.WEATHER_SNOW or "snow" in cue.text.lower()
            return events.drawer(kind, self.w, self.h, self._graded, seed, snowy=snowy)
        if kind in DOOR_KINDS:
            return events.drawer(kind, self.w, self.h, self._graded, seed, source=self._doorways.get(id(cue)))
        if kind == "cardoor":
            box = self._vehicle_box()
            paint = None
            if box is not None and self.drawing is not None:
                paint = self.drawing.paint()
            return events.drawer(kind, self.w, self.h, self._graded, seed, body=box, paint=paint)
        noun = self._event_noun(cue, kind) if kind in OBJECT_KINDS else None
        if kind not in OBJECT_KINDS or noun is None:
            # a wave breaks on the near edge of the place's water (the sea band's foot when there is none)
            surf = self.world.water + 0.05 if self.world.water is not None else self.world.skyline + 0.13
            at = None
            if self.place is not None and self.place.surf is not None:
                at, surf = self.place.surf[0], self.world.skyline + self.place.surf[1]
            return events.drawer(kind, self.w, self.h, self._graded, seed, indoors=self._indoors, surface=surf, at=at)
        self._event_nouns.append(noun)
        person_px = self._person_px
        most = OBJECT_MAX.get(kind, OBJECT_MAX["any"]) * self.h * subjects.spread(noun)  # a group: each as one
        size = min(subjects.screen_size(noun, person_px, self.h), most)
        if noun == self.subject:  # the prompt's subject is seen as large as any subject, not as a speck
            size = max(size, subjects.SUBJECT_MIN_SCREEN * self.h)
        liquid = self._liquid(cue) if kind == "spill" else None
        topples = not FROM_ABOVE.search(f"{cue.text} {self._scene_prompt()}")

        def taking_part(thing: subjects.Noun) -> events.Drawer:
            ready = self._subject_drawing(thing, size).blend_ready()
            return events.drawer(
                kind, self.w, self.h, self._graded, seed, ready, self._indoors, liquid=liquid, topples=topples
            )

        return self._staged(noun, taking_part)

    def _subject_drawing(
        self, noun: subjects.Noun, size_px: float | None = None, centre: float | None = None
    ) -> subjects.SubjectDrawing:
        light = self.world.light

        def colour(rgb: torch.Tensor) -> torch.Tensor:  # lit like the world, then graded like the layers
            lit = (rgb.cpu() * light * 255).round().clamp(0, 255).to(torch.uint8)
            return (self.look.grade(lit).float() / 255).to(rgb.device)

        location = self.shot.environment.location
        # boats ride the beach's sea band (it runs from the skyline 0.15 frame heights down); fish swim mid-water
        water = {p.LOCATION_BEACH: self.world.skyline + 0.06, p.LOCATION_UNDERWATER: 0.6}.get(location)
        if self.place is not None:
            water = self.world.water
        person_px = self._person_px
        size = size_px or subjects.screen_size(noun, person_px, self.h)
        if noun.motion not in ("fly", "swim", "sail"):  # whole between the top bar and where it stands
            size = min(size, self.world.horizon * self.h - self.look.letterbox - 0.02 * self.h)
        return subjects.SubjectDrawing(
            noun,
            max(size, subjects.MIN_SCREEN * self.h),
            self.w,
            self.h,
            self.world.horizon,
            water,
            colour,
            self.device,
            _seed(self.plan.seed, "subject", self._seed_index),
            self.look.letterbox,
            self.shot.camera.movement in (p.CAMERA_MOVEMENT_TRACKING, p.CAMERA_MOVEMENT_PAN),
            centre if centre is not None else (SUBJECT_BESIDE_PEOPLE if self._people and size_px is None else 0.5),
            self._rim() if size_px is None else None,
            subjects.SUBJECT_MIN_SCREEN * self.h if size_px is None else 0.0,
            FLIGHT_ABOVE_PEOPLE if self._people else 0.5,  # a gull beside the keeper flies over his head, not his face
            PEOPLE_BESIDE_SUBJECT if self._people and size_px is None else None,  # and away from him
        )

    def _far_size(self) -> float | None:
        """A bird or a plane the prompt puts overhead beside people ("a gull cries overhead") is its own size up in
        the sky, not drawn as large as a subject beside them; None for every other subject."""
        if self.subject is None or not self._people or self.subject.motion != "fly":
            return None
        if not OVERHEAD.search(self._scene_prompt()):
            return None
        person_px = self._person_px
        return subjects.screen_size(self.subject, person_px, self.h) * OVERHEAD_DISTANCE

    def _rim(self) -> torch.Tensor:
        """The outline colour of the shot's subject: near-black over a bright world, near-white over a dark one."""
        near = self.world.layers[-1].rgb.float()
        band = near[int(self.h * 0.3) : int(self.h * 0.9)] if near.shape[0] >= self.h else near
        luma = float((band @ torch.tensor([0.299, 0.587, 0.114])).mean())
        rgb = [25, 22, 20] if luma > 100 else [240, 238, 230]
        return self.look.grade(torch.tensor(rgb, dtype=torch.uint8)).float() / 255

    # ---------------------------------------------------------------- characters

    def _cast(self) -> list[Cast]:
        """Each character drawn in the shot, where and how large, with the moves they make on its cues (one who
        dashes runs toward the side of the picture they do not stand on)."""
        ids = self._people
        by_id = {c.id: c for c in self.plan.characters}
        cast = []
        for slot, cid in enumerate(ids[:2]):
            character = by_id.get(cid, p.Character(id=cid))
            cameo = self.cameos.get(character.handle.lower()) if character.handle else None
            look = characters.appearance_for(character, cameo)
            x_frac = (
                (0.5 if self.subject is None else PEOPLE_BESIDE_SUBJECT)
                if len(ids) == 1
                else (0.33 if slot == 0 else 0.67)
            )
            own = [dataclasses.replace(m, direction=1.0 if x_frac < 0.5 else -1.0) for m in self._moves.get(cid, [])]
            cast.append(Cast(cid, look, x_frac, self._person_px * look.height_scale, own))  # a toddler stands lower
        return cast

    def _body_moves(self) -> dict[str, list[characters.BodyMove]]:
        """The moves the shot's people make on its cues, by character id: the move the words nearest a cue's own in
        its sentence name, made by the person the clause names last before them (data/events.yaml body_moves)."""
        if not self._people:
            return {}
        table = _event_table()["body_moves"]
        moves: dict[str, list[characters.BodyMove]] = {}
        for cue in self.plan.sound_cues:
            if cue.offscreen or not self.shot.start_frame <= cue.frame < self.shot.end_frame:
                continue
            sentence, at = projections.cue_sentence(self.plan, cue)
            sentence, at = (sentence, at) if sentence else (cue.text, 0)
            end = at + len(cue.text)
            said = [
                (max(m.start() - end, at - m.end(), 0), kind, m)
                for kind, words in table["words"].items()
                for m in re.finditer(words, sentence, re.I)
            ]
            if not said:
                continue
            _, kind, words = min(said, key=lambda found: found[0])
            mover = self._mover_before(sentence[: words.start()], table)
            at_s = (cue.frame - self.shot.start_frame + self.lead_in) / self.fps
            if mover is not None and all(abs(m.at_s - at_s) > 1.0 for m in moves.get(mover, [])):
                moves.setdefault(mover, []).append(characters.BodyMove(kind, at_s))
        return moves

    def _mover_before(self, clause: str, table: Mapping[str, list[str]]) -> str | None:
        """The person a clause names last (a pronoun, a name in capitals, a word of their description, a word for
        a person), unless it names a thing after them: that thing acts, not a person."""
        clause = re.split(r"[;:]", clause)[-1]
        by_id = {c.id: c for c in self.plan.characters}
        described = {
            word: cid
            for cid in self._people
            for word in re.findall(r"[a-z]+", by_id.get(cid, p.Character()).description.lower())
            if len(word) > 2 and word not in subjects.DETERMINERS
        }
        person, who = -1, self._people[0]
        for token in re.finditer(r"[A-Za-z']+", clause):
            word = token.group().lower()
            if word in described:
                person, who = token.end(), described[word]
            elif word in table["pronouns"] or word in table["people"] or (token.group().isupper() and len(word) > 2):
                person = token.end()
        if person < 0:
            return None
        # what they wear is no thing that acts ("a man in a red jacket slips and falls")
        things = [m for m in subjects.mentions(clause[person:]) if m.noun.family not in ("crowd", "clothing")]
        return None if things else who

    def _sprites(self, member: Cast, idx: torch.Tensor) -> tuple[torch.Tensor, list[characters.FaceTrack]]:
        """The figure for this batch's frames, drawn (at most SPRITE_MAX px high) and graded."""
        sprite_h = int(min(SPRITE_MAX, max(64, member.height_px))) // 2 * 2
        times = (idx + self.lead_in).float().cpu() / self.fps
        sprite, tracks = characters.render_figure(
            member.look, self.shot.action.kind, times, sprite_h, self.world.light, moves=member.moves
        )
        colour = (sprite[:, :3] * 255).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)  # rim light > 1
        graded = self.look.grade(colour).permute(0, 3, 1, 2).float() / 255
        return torch.cat([graded, sprite[:, 3:]], dim=1).to(self.device), tracks

    def _place(
        self, member: Cast, aspect: float, idx: torch.Tensor, scale: torch.Tensor, ox: torch.Tensor, oy: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Top-left (x, y) [F] and height [F] of a character's sprite (`aspect` as wide as high) on screen."""
        height_px, x_frac = member.height_px, member.x_frac
        h_screen = height_px * scale
        dx, dy = characters.body_offset(member.moves, (idx + self.lead_in).float().cpu() / self.fps)
        ox, oy = ox + dx.to(ox.device) * h_screen, oy + dy.to(oy.device) * h_screen  # a jump's rise, a dash away
        feet = self.h * self.world.horizon
        top = feet - h_screen
        if height_px > self.h:  # close shots: keep the face on its line instead of the feet on the ground
            top = self.h * FACE_LINE - 0.11 * h_screen
        cx = self.w / 2 + (x_frac * self.w - self.w / 2) * scale + ox
        # whole pixels, so a sprite drawn at screen size is blitted without resampling
        return (cx - h_screen * aspect / 2).round(), (top + oy).round(), h_screen

    # ---------------------------------------------------------------- frames

    def render(self, start: int, stop: int) -> ShotFrames:
        idx = torch.arange(start, stop, device=self.device)
        t = (idx + self._move_lead_in).float() / max(1, self._move_frames - 1)
        out = None
        for rgb, mask, depth in self.layers:
            s, ox, oy = self.camera.transform(t, depth)
            lh, lw = rgb.shape[:2]
            cx, cy = lw / 2, lh / 2
            if bool((s == 1).all()):
                if self._move_lead_in:
                    out = self._slice_carried_on(out, rgb, mask, ox, oy, depth)
                else:
                    out = self._slice_layer(out, rgb, mask, ox, oy, len(idx))
                continue
            ys = torch.arange(self.h, device=self.device, dtype=torch.float32)
            xs = torch.arange(self.w, device=self.device, dtype=torch.float32)
            rows = ((ys[None, :] - self.h / 2 - oy[:, None]) / s[:, None] + cy).round().long().clamp(0, lh - 1)
            cols = ((xs[None, :] - self.w / 2 - ox[:, None]) / s[:, None] + cx).round().long().clamp(0, lw - 1)
            sampled = rgb[rows[:, :, None], cols[:, None, :]]  # [F, H, W, 3]
            if out is None or mask is None:
                out = sampled
            else:
                out = torch.where(mask[rows[:, :, None], cols[:, None, :]][..., None], sampled, out)
        assert out is not None
        out = out.clone()
        if self.weather == p.WEATHER_FOG:  # the haze lies between the world and whoever is near the camera
            self._fog(out, idx)
        self._events(out, idx, behind=True)
        faces = self._characters(out, idx, t)
        if self.drawing is not None:
            self._subject(out, idx, t)
        self._weather(out, idx)
        if self.light.first("particles") == "wind":
            self._wind(out, idx)
        self._events(out, idx, behind=False, faces=faces)
        return ShotFrames(self.look.finish(out, self.shot.start_frame + start), faces)

    def _subject(self, out: torch.Tensor, idx: torch.Tensor, t: torch.Tensor) -> None:
        """The subject in a batch of frames: as it looks before the event that changes it, then as drawn."""
        assert self.drawing is not None
        seconds, progress = ((idx + self.lead_in).float() / self.fps).tolist(), t.tolist()
        scale, ox, oy = self.camera.transform(t, CHARACTER_DEPTH)
        split = 0
        if self._subject_before is not None:
            before, at = self._subject_before
            split = min(max(at - int(idx[0]), 0), len(idx))
            if split:
                before.draw(out[:split], seconds[:split], progress[:split], (scale[:split], ox[:split], oy[:split]))
        if split < len(idx):
            camera = (scale[split:], ox[split:], oy[split:])
            self.drawing.draw(out[split:], seconds[split:], progress[split:], camera)

    def _slice_layer(
        self,
        out: torch.Tensor | None,
        rgb: torch.Tensor,
        mask: torch.Tensor | None,
        ox: torch.Tensor,
        oy: torch.Tensor,
        count: int,
    ) -> torch.Tensor:
        """At scale 1 a layer's view is a rectangle of its canvas: slice it instead of gathering pixels."""
        lh, lw = rgb.shape[:2]
        y0s = (lh / 2 - self.h / 2 - oy).round().long().clamp(0, lh - self.h).tolist()
        x0s = (lw / 2 - self.w / 2 - ox).round().long().clamp(0, lw - self.w).tolist()
        if out is None:
            out = torch.empty(count, self.h, self.w, 3, dtype=torch.uint8, device=rgb.device)
        for k, (y0, x0) in enumerate(zip(y0s, x0s, strict=True)):
            view = rgb[y0 : y0 + self.h, x0 : x0 + self.w]
            if mask is None:
                out[k] = view
            else:
                out[k] = torch.where(mask[y0 : y0 + self.h, x0 : x0 + self.w, None], view, out[k])
        return out

    def _slice_carried_on(
        self,
        out: torch.Tensor | None,
        rgb: torch.Tensor,
        mask: torch.Tensor | None,
        ox: torch.Tensor,
        oy: torch.Tensor,
        depth: float,
    ) -> torch.Tensor:
        """A layer's view as a carried-on move sees it: it goes on from where the source's last frame showed it
        (where the canvas edge had stopped a near layer, from there), and past the canvas edge the world goes on
        as its mirror image, so the move never stops short."""
        lh, lw = rgb.shape[:2]
        _, ox_end, oy_end = self.camera.transform(torch.ones(1, device=ox.device), depth)
        # the source, an ordinary render, clamped its view to the canvas; the carried-on view starts from there
        x_end, y_end = float(lw / 2 - self.w / 2 - ox_end[0]), float(lh / 2 - self.h / 2 - oy_end[0])
        x_held, y_held = min(max(round(x_end), 0), lw - self.w), min(max(round(y_end), 0), lh - self.h)
        x0s = (lw / 2 - self.w / 2 - ox - (x_end - x_held)).round().long()
        y0s = (lh / 2 - self.h / 2 - oy - (y_end - y_held)).round().long()
        if out is None:
            out = torch.empty(len(x0s), self.h, self.w, 3, dtype=torch.uint8, device=rgb.device)
        cols_at = torch.arange(self.w, device=rgb.device)
        rows_at = torch.arange(self.h, device=rgb.device)
        for k, (y0, x0) in enumerate(zip(y0s.tolist(), x0s.tolist(), strict=True)):
            rows, cols = _mirrored(rows_at + y0, lh), _mirrored(cols_at + x0, lw)
            view = rgb[rows[:, None], cols[None, :]]
            if mask is None:
                out[k] = view
            else:
                out[k] = torch.where(mask[rows[:, None], cols[None, :], None], view, out[k])
        return out

    def _characters(self, out: torch.Tensor, idx: torch.Tensor, t: torch.Tensor) -> dict[str, list]:
        faces: dict[str, list] = {}
        s, ox, oy = self.camera.transform(t, CHARACTER_DEPTH)
        for member in self._cast_list:
            sprite, tracks = self._sprites(member, idx)
            aspect = sprite.shape[3] / sprite.shape[2]
            x0s, y0s, hs = self._place(member, aspect, idx, s, ox, oy)
            cid = member.cid
            faces[cid] = []
            for k, frame in enumerate(idx.tolist()):
                x0, y0, h_screen = float(x0s[k]), float(y0s[k]), float(hs[k])
                w_screen = h_screen * aspect
                rgba = sprite[k]
                sh, sw = rgba.shape[1:]
                factor = h_screen / sh
                # the part of the sprite that lands in the frame
                fx0, fy0 = max(0, math.floor(x0)), max(0, math.floor(y0))
                fx1, fy1 = min(self.w, math.ceil(x0 + w_screen)), min(self.h, math.ceil(y0 + h_screen))
                track = tracks[k]
                faces[cid].append(self._face(track, x0, y0, factor, self.shot.start_frame + frame))
                if fx1 <= fx0 or fy1 <= fy0:
                    continue
                sx0, sy0 = (fx0 - x0) / factor, (fy0 - y0) / factor
                sx1, sy1 = (fx1 - x0) / factor, (fy1 - y0) / factor
                crop = rgba[:, max(0, int(sy0)) : min(sh, math.ceil(sy1)), max(0, int(sx0)) : min(sw, math.ceil(sx1))]
                if crop.shape[1] == 0 or crop.shape[2] == 0:
                    continue
                if crop.shape[1:] == (fy1 - fy0, fx1 - fx0):
                    patch = crop  # the sprite was drawn at screen size: no resampling
                else:
                    patch = F.interpolate(
                        crop[None], size=(fy1 - fy0, fx1 - fx0), mode="bilinear", align_corners=False
                    )[0]
                alpha = patch[3:4].permute(1, 2, 0)
                colour = patch[:3].permute(1, 2, 0) * 255
                region = out[k, fy0:fy1, fx0:fx1].float()
                out[k, fy0:fy1, fx0:fx1] = (region * (1 - alpha) + colour * alpha).round().clamp(0, 255).to(torch.uint8)
        return faces

    def _face(
        self, track: characters.FaceTrack, x0: float, y0: float, factor: float, frame: int
    ) -> common_pb2.FaceFrame:
        bx0, by0, bx1, by1 = (v * factor for v in track.box)
        box = (x0 + bx0, y0 + by0, x0 + bx1, y0 + by1)
        mx, my = x0 + track.mouth[0] * factor, y0 + track.mouth[1] * factor
        inside = box[2] > 0 and box[0] < self.w and box[3] > 0 and box[1] < self.h
        return common_pb2.FaceFrame(
            frame=frame,
            visible=bool(track.visible and inside),
            box_x0=box[0],
            box_y0=box[1],
            box_x1=box[2],
            box_y1=box[3],
            mouth_x=mx,
            mouth_y=my,
            mouth_width=track.mouth_size[0] * factor,
            mouth_height=track.mouth_size[1] * factor,
            yaw=track.yaw,
        )

    def _graded(self, rgb: list[int]) -> torch.Tensor:
        """A drawing colour in the shot's grade (frames are graded as they are built)."""
        return self.look.grade(torch.tensor(rgb, dtype=torch.uint8))

    def _weather(self, out: torch.Tensor, idx: torch.Tensor) -> None:
        """Rain streaks, snowflakes or hailstones over the picture (indoors, only past the windows), and a
        thunderstorm's lightning flashing in an interior's windows."""
        if self.weather not in (p.WEATHER_RAIN, p.WEATHER_STORM, p.WEATHER_SNOW):
            return
        if self._indoors and self._glass is None:
            return  # indoors the storm is heard, and seen in the windows' grey light, not rained across the room
        flashes = self.light.first("flashes")
        if flashes and self._indoors:
            self._flashes(out, idx, float(flashes))
        hail = self.light.first("particles") == "hail"
        snow = self.weather == p.WEATHER_SNOW or hail
        g = torch.Generator().manual_seed(_seed(self.plan.seed, "weather", self._seed_index))
        # snow falls in three depths: far flakes small and slow, near ones large, fast and few (parallax);
        # hailstones are white pellets that fall fast and straight
        bands = WEATHER_SNOW_BANDS if snow else ((500, 0.06, 0.006, max(4, self.h // 60), 1),)
        if hail:
            bands = HAIL_BANDS
        colour = self._graded([240, 240, 245] if snow else [200, 210, 225])
        f = (idx + self.lead_in).float()[:, None]
        frame_of = torch.arange(len(idx), device=out.device)
        left, top, span_w, span_h = 0, 0, self.w, self.h
        if self._indoors:  # only what falls past the glass shows: fall only over the windows
            rows, cols = self._glass_box
            top, span_h, left, span_w = rows[0], rows[1] - rows[0], cols[0], cols[1] - cols[0]
        area = span_w * span_h
        for per_flake_area, fall, drift_rate, length, size_frac in bands:
            n = max(1, int(area / per_flake_area))
            x0 = left + torch.rand(n, generator=g) * span_w
            y0 = top + torch.rand(n, generator=g) * span_h
            speed = (torch.rand(n, generator=g) * 0.5 + 0.75) * self.h * fall
            drift = self.w * drift_rate
            ys = top + (y0[None, :] - top + speed[None, :] * f) % span_h  # [F, n]
            sway = torch.sin(f * 0.15 + y0[None, :]) * self.h * 0.004 * size_frac if snow and not hail else 0
            xs = left + (x0[None, :] - left + drift * f + sway) % span_w
            if snow:  # a round flake a few pixels across
                size = max(2, round(self.h * size_frac / 360))
                offsets = torch.arange(size, dtype=torch.float32)
                oy, ox = torch.meshgrid(offsets, offsets, indexing="ij")
                corner = ((oy - (size - 1) / 2) ** 2 + (ox - (size - 1) / 2) ** 2) <= (size / 2) ** 2 + 0.5
                oy, ox = oy[corner], ox[corner]
            else:  # a streak slanting with the wind
                oy = torch.arange(length, dtype=torch.float32)
                ox = oy * 0.15
            yy = (ys[..., None] + oy).clamp(0, self.h - 1).long()
            xx = (xs[..., None] + ox).clamp(0, self.w - 1).long()
            frame = frame_of[:, None, None].expand_as(yy)
            if self._indoors:  # only what falls past the glass shows
                seen = self._glass[yy.to(out.device), xx.to(out.device)]
                out[frame[seen], yy.to(out.device)[seen], xx.to(out.device)[seen]] = colour
            else:
                out[frame, yy, xx] = colour

    def _wind(self, out: torch.Tensor, idx: torch.Tensor) -> None:
        """Gusts racing across the picture: thin pale streaks that wave a little as they fly (outdoors, or past
        an interior's windows only)."""
        if self._indoors and self._glass is None:
            return
        per_streak, speed, length = WIND_STREAKS
        g = torch.Generator().manual_seed(_seed(self.plan.seed, "wind", self._seed_index))
        n = max(3, self.w * self.h // per_streak)
        x0, y0 = torch.rand(n, generator=g) * self.w * 2, torch.rand(n, generator=g) * self.h * 0.85
        pace = (torch.rand(n, generator=g) * 0.6 + 0.7) * speed * self.w
        f = (idx + self.lead_in).float().to(torch.float32)[:, None]
        along = torch.arange(max(4, round(length * self.w)), dtype=torch.float32)
        head = (x0[None, :] + pace[None, :] * f) % (self.w * 2) - self.w * 0.5  # [F, n], off-frame half the time
        xs = head[..., None] - along  # the streak trails behind its head
        ys = y0[None, :, None] + torch.sin(xs / (self.w * 0.05) + y0[None, :, None]) * self.h * 0.008
        yy, xx = ys.round().long(), xs.round().long()
        inside = (xx >= 0) & (xx < self.w) & (yy >= 0) & (yy < self.h)
        frame = torch.arange(len(idx))[:, None, None].expand_as(yy)
        if self._indoors:
            inside &= self._glass[yy.clamp(0, self.h - 1), xx.clamp(0, self.w - 1)].cpu()
        # brightest at the head, fading along the tail
        fade = (1 - along / len(along)).expand_as(xs)[inside].to(out.device)[:, None] * 0.85
        frame, yy, xx = frame[inside].to(out.device), yy[inside].to(out.device), xx[inside].to(out.device)
        white = self._graded([236, 240, 246]).to(out.device).float()
        for dy in range(max(1, self.h // 240)):  # a pixel or two thick
            rows = (yy + dy).clamp(0, self.h - 1)
            pixels = out[frame, rows, xx].float()
            out[frame, rows, xx] = (pixels * (1 - fade) + white * fade).round().to(out.dtype)

    def _flashes(self, out: torch.Tensor, idx: torch.Tensor, every_s: float) -> None:
        """Lightning outside, the storm seen from indoors: the windows blaze white for a few frames on each
        timed thunder or lightning cue of the shot; with none timed, every `every_s` seconds (jittered by
        the seed). A flash with no thunder on it while one is timed would be a visible event nobody hears."""
        struck = [cue.frame - self.shot.start_frame for cue, kind in self._cues if kind == "lightning"]
        g = torch.Generator().manual_seed(_seed(self.plan.seed, "flashes", self._seed_index))
        period = max(1, round(every_s * self.fps))
        offset = int(torch.randint(period, (1,), generator=g))
        (r0, r1), (c0, c1) = self._glass_box
        pane = self._glass[r0:r1, c0:c1, None]
        white = self._graded([245, 245, 255]).to(out.device).float()
        for k, frame in enumerate(idx.tolist()):
            if struck:
                since = min((frame - at for at in struck if frame >= at), default=FLASH_FRAMES)
            else:
                since = (frame + self.shot.start_frame + offset) % period
            if since < FLASH_FRAMES:
                strength = 0.85 * (1 - since / FLASH_FRAMES)
                region = out[k, r0:r1, c0:c1].float()
                lit = region + (white - region) * strength
                out[k, r0:r1, c0:c1] = torch.where(pane, lit, region).round().to(torch.uint8)

    def _fog(self, out: torch.Tensor, idx: torch.Tensor) -> None:
        """Banks of mist drifting across the picture, thickest along the horizon: the far world fades into
        them and near things stand out. Indoors, the fog presses against the windows."""
        if self._fog_veil is None:
            g = torch.Generator().manual_seed(_seed(self.plan.seed, "fog", self._seed_index))
            wide = self.w * 2
            # soft low-frequency cloud: a coarse random field, smoothly upsampled
            coarse = torch.rand(1, 1, 6, 24, generator=g)
            field = F.interpolate(coarse, size=(self.h, wide), mode="bicubic", align_corners=False)[0, 0].clamp(0, 1)
            rows = torch.arange(self.h, dtype=torch.float32)[:, None] / self.h
            line = self.world.skyline
            band = torch.exp(-(((rows - line) / 0.13) ** 2)) * 0.6 + 0.1
            density = band * (0.25 + 0.9 * field)
            if self._indoors:
                density = 0.75 + 0.2 * field
            self._fog_veil = density.clamp(0, 0.85).to(out.device)
            self._fog_colour = self._graded([214, 218, 222]).float().to(out.device)
        shift = ((idx + self.lead_in).float() * self.w * 0.0015).long() % self.w  # drifts slowly with the wind
        for k, dx in enumerate(shift.tolist()):
            alpha = self._fog_veil[:, dx : dx + self.w][..., None]
            if self._indoors:
                if self._glass is None:
                    return
                alpha = alpha * self._glass[..., None]
            frame = out[k].float()
            out[k] = (frame + (self._fog_colour - frame) * alpha).round().to(torch.uint8)

    def _events(
        self,
        out: torch.Tensor,
        idx: torch.Tensor,
        behind: bool,
        faces: Mapping[str, list[common_pb2.FaceFrame]] | None = None,
    ) -> None:
        """Each visible event's simulation, drawn on every frame of the shot: its objects are there before
        the cue frame and after it. Fixtures of the place (a window, a bell's frame, a tree) are drawn
        `behind` the people and the subject; everything else in front of them. A person's sound lines follow
        their head (`faces`, this batch's face frames by character)."""
        for drawer, cue_frame in self._drawers:
            if isinstance(drawer, BEHIND_SUBJECT) != behind:
                continue
            speaker = self._speakers.get(id(drawer))
            for k, frame in enumerate(idx.tolist()):
                if speaker is not None and isinstance(drawer, events.Sounding):
                    if not faces or speaker not in faces:
                        break  # the person is not in this shot's frames: their voice is only heard
                    face = faces[speaker][k]
                    drawer.box = (face.box_x0, face.box_y0, face.box_x1, face.box_y1)
                drawer.draw(out[k], frame - cue_frame)


def subject_and_people(plan: common_pb2.ScenePlan, shot: p.Shot) -> tuple[subjects.Noun | None, list[str]]:
    """The shot's non-human subject and the ids of the people drawn. The pov viewer ("pov: you bump a jar
    of marbles") is the camera: not drawn when the prompt shows someone or something else, unless they
    speak. A thing is never replaced by a person: with people in the shot, a thing the prompt names
    before them is drawn beside them ("black sedan parked ..., driver's door slams")."""
    prompt = projections.seen_prompt(plan, shot.scene_index)
    prompt = lighting.unnamed(lighting.of_shot(shot.environment, prompt), prompt)  # "BARE BULBS" is the light
    by_id = {c.id: c for c in plan.characters}
    speakers = {line.character_id for line in plan.dialogue}
    ids = list(shot.character_ids)
    viewers = [
        cid for cid in ids if by_id.get(cid, p.Character()).description.lower() == VIEWER and cid not in speakers
    ]
    people = [cid for cid in ids if cid not in viewers]
    mentioned = [(s.start, s.end) for cid in ids for s in by_id.get(cid, p.Character()).source.spans]
    env = shot.environment
    place = (env.place_source.spans[0].start, env.place_source.spans[0].end) if env.place_source.spans else None
    named_person = bool(people) and shot.subject.text.isupper()
    if named_person:  # a screenplay's name in capitals is the person ("COOKIE, the night cook"), not a cookie
        mentioned += [(s.start, s.end) for s in shot.subject.source.spans]
    if people:
        # what their roles hold already (a basketball player's ball, a guitarist's guitar): never drawn beside them
        held = {r.holds.noun.name for cid in people if (r := roles.role_of(by_id[cid].description)) and r.holds}
        noun = None if named_person else subjects.head_noun(shot.subject.text)
        if noun is not None and shot.subject.source.spans:  # a thing named before it leads ("wooden rowboat on a
            # misty lake, fisherman's oar slaps the water": the rowboat, the oar is its event's)
            noun = subjects.prompt_subject(prompt, noun, shot.subject.source.spans[0].start, mentioned, place)
        if noun is None:
            first = min((start for start, _ in mentioned), default=None)
            noun = subjects.prompt_subject(prompt, None, None, mentioned, place, before=first)
        if noun is None:  # "a kid shooting a basketball", "someone opening a champagne bottle": what they handle,
            # unless their role holds it already (a basketball player's ball), the sky draws it, or it is scenery
            # (the lighthouse of "the lighthouse keeper" is drawn as the place's, behind them)
            finder = subjects.vocabulary().finder
            # the words that name them are no thing they handle: a lollipop lady holds no lollipop
            naming = {n.name for cid in people for n in subjects.nouns_in(by_id[cid].description)}
            handled = [
                n
                for n in ([] if named_person else subjects.nouns_in(shot.subject.text))
                if n.name not in held | naming | finder.sky and n.family not in finder.scenery
            ]
            noun = handled[0] if handled else None
        if noun is None:  # "REYES … the fighter jet screams overhead": a vehicle, an animal, an instrument or
            # sports gear named after them (not the door, the lamp or the counter of the room they are in)
            noun = subjects.prompt_subject(
                prompt, None, None, mentioned, place, before=len(prompt), families=LATER_SUBJECT_FAMILIES
            )
        if noun is None:  # "my dad digging the veg patch … the spade hits a rock": what makes the timed sound,
            # unless their role holds it already; a thing too small to stand as a subject (a nail, a bowl) is seen in
            # its own event, not drawn big
            noun = _timed_handled(plan, shot)
            noun = None if noun is not None and (noun.name in held or noun.size < HANDLED_LEAST_M) else noun
        return (None if noun is not None and noun.family == "crowd" else noun), people
    pov = bool(viewers) or prompt.lstrip().lower().startswith("pov")
    if pov and not people and (held := _in_hand(prompt)) is not None:
        return held, people  # "pov: … sugary jam doughnut in hand, gulls circling": what the viewer holds is seen
    named = subjects.resolve(shot.subject.text)
    named_at = shot.subject.source.spans[0].start if shot.subject.source.spans else None
    ambiguous = set(shot.subject.text.lower().split()) & set(subjects.vocabulary().senses)
    if named_at is not None and ambiguous:  # read where it is written: "a crane wades" is the bird
        span = shot.subject.source.spans[0]
        named = subjects.resolve(prompt[span.start : span.end] + " " + " ".join(prompt[span.end :].split()[:1]))
    if named is None and shot.subject.text.strip().lower() == VIEWER:
        # "pov: you're holding out a carrot to a big piebald cob … it snorts": the viewer is the camera, and what
        # they watch is what acts on the prompt's timed cue (the cob), not the first thing named (the carrot)
        named = _timed_source(plan, shot)
    noun = subjects.prompt_subject(prompt, named, named_at, mentioned, place)
    if ids and (noun is None or noun.family == "crowd"):
        return None, ids  # nothing else to show: whoever's eyes the camera is stands in the scene
    return noun, people


#: The largest thing (in person heights, a noun's size) a viewer's hand holds as the shot's subject.
HELD_SIZE = 1.0
#: What a pov's viewer holds: "a jam doughnut in hand", "the hose kinked in your hand", "clutching a sparkler".
_IN_HAND = re.compile(
    r"([\w' -]{2,40}?(?:\s+\w+)?)\s+in (?:your |my |ur |one |each )?hands?\b"
    r"|\b(?:holding|clutching|gripping)\s+(?!out\b|up\b)([\w' -]{2,40})",  # not "holding out a carrot to a cob"
    re.IGNORECASE,
)


def _in_hand(prompt: str) -> subjects.Noun | None:
    """The thing a pov's viewer holds, where the prompt says so."""
    for m in _IN_HAND.finditer(prompt):
        # what a hand can hold: "holding the back door open" for the dog that runs out holds no subject
        found = [noun for noun in subjects.nouns_in(m.group(1) or m.group(2)) if noun.size <= HELD_SIZE]
        if found:
            return found[-1] if m.group(1) else found[0]
    return None


def _timed_cues(plan: common_pb2.ScenePlan, shot: p.Shot) -> list[p.SoundCue]:
    """The shot's on-screen cues the prompt times, in time order."""
    return sorted(
        (
            cue
            for cue in plan.sound_cues
            if cue.timing == p.CUE_TIMING_EXPLICIT
            and not cue.offscreen
            and shot.start_frame <= cue.frame < shot.end_frame
        ),
        key=lambda c: c.frame,
    )


def _timed_source(plan: common_pb2.ScenePlan, shot: p.Shot) -> subjects.Noun | None:
    """The first animal or vehicle that makes a sound the prompt times in the shot, or None: what acts of itself
    (the cob snorts, the bus brakes); a thing that is struck ("your ball hits the pins") is no better a subject than
    the first thing named."""
    sources = (subjects.resolve(cue.source_object) for cue in _timed_cues(plan, shot))
    return next((noun for noun in sources if noun is not None and noun.family in SELF_MOVING), None)


def _timed_handled(plan: common_pb2.ScenePlan, shot: p.Shot) -> subjects.Noun | None:
    """The first thing people handle (HANDLED_FAMILIES) that makes a sound the prompt times in the shot, as the
    prompt writes it where it names it ("the sack of flour"), or None."""
    prompt = projections.seen_prompt(plan, shot.scene_index)
    lowered, written = prompt.lower(), subjects.mentions(prompt)
    for cue in _timed_cues(plan, shot):
        said = re.search(rf"\b{re.escape(cue.source_object.lower())}\b", lowered) if cue.source_object else None
        there = [m.noun for m in written if said and m.start <= said.start() < m.end]
        if there and there[0].family in HANDLED_FAMILIES:
            return there[0]
    return None


def _painted(noun: subjects.Noun | None, plan: common_pb2.ScenePlan, shot: p.Shot) -> subjects.Noun | None:
    """The subject in the colour the prompt says it is: a colour word in the plan's subject ("red double-decker
    bus"), else among the two words before the prompt first names it in the same phrase ("a white horse")."""
    if noun is None:
        return None
    prompt = projections.seen_prompt(plan, shot.scene_index)
    named = [m for m in subjects.mentions(prompt) if m.noun.name == noun.name]
    phrase = re.split(r"[,.;:!?\n]", prompt[: named[0].start])[-1] if named else ""
    own = shot.subject.text if subjects.resolve(shot.subject.text) == noun else ""
    paint = subjects.paint_of(own) or subjects.paint_of(" ".join(phrase.split()[-2:]))
    return noun if paint is None else dataclasses.replace(noun, paint=paint)


def _mirrored(index: torch.Tensor, size: int) -> torch.Tensor:
    """Canvas indices with those past either edge reflected back into it (the canvas continued as its mirror)."""
    period = 2 * size - 2
    folded = index.remainder(period)
    return torch.where(folded < size, folded, period - folded)


def _world_plan(plan: common_pb2.ScenePlan, continued: common_pb2.ContinuedShot) -> common_pb2.ScenePlan:
    """The plan as far as the continued shot's world reads it: its scene's words and the people named in them."""
    scene = common_pb2.Scene(index=continued.shot.scene_index, prompt=continued.scene_text)
    return common_pb2.ScenePlan(seed=plan.seed, format=plan.format, scenes=[scene], characters=continued.characters)


def device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def frames(
    plan: common_pb2.ScenePlan,
    cast: Sequence[common_pb2.CastMember] = (),
    on_device: torch.device | None = None,
) -> Iterator[tuple[int, torch.Tensor, dict[str, list[common_pb2.FaceFrame]]]]:
    """(first frame index, [B, H, W, 3] uint8 batch, face frames by character) for the whole plan, in order."""
    dev = on_device or device()
    cameos = {member.handle.lower(): member for member in cast}
    for shot in plan.shots:
        renderer = ShotRenderer(plan, shot, dev, cameos)
        for start in range(0, renderer.count, BATCH):
            stop = min(renderer.count, start + BATCH)
            result = renderer.render(start, stop)
            yield shot.start_frame + start, result.frames.cpu(), result.faces


@cache
def _event_table() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((Path(__file__).resolve().parent / "data" / "events.yaml").read_text())


@cache
def _sound_words() -> dict[str, str]:
    """Each word of the sounding table (a "bark", a "chime") with the kind it makes."""
    return {word: kind for kind, words in _event_table()["sounding"]["words"].items() for word in words}


def _same_thing(named: subjects.Noun, subject: subjects.Noun) -> bool:
    """A cue's short name for the shot's subject: "glass" for a wine glass, "ball" for a basketball."""
    return named.name == subject.name or (len(named.name) > 2 and subject.name.endswith(named.name))


def _stands(noun: subjects.Noun) -> bool:
    """Whether a thing stands where it is and so goes over where it stands (a chimney, a ladder, a bike), not
    off a shelf: of a toppling family, or as tall as a person and no creature (a camel does not topple)."""
    table = _event_table()
    creature = noun.family in table["sounding"]["families"]["call"]
    return noun.family in table["toppling"] or (noun.size >= TOPPLING_SIZE and not creature)


def _goes_over(text: str) -> subjects.Noun | None:
    """The standing thing a cue's words say goes over: the last one named before the words that say so ("a bar
    stool tips over", not the pub the sentence began with)."""
    said = re.search(_event_table()["goes_over"], text.lower())
    if said is None:
        return None
    standing = [m.noun for m in subjects.mentions(text[: said.start()]) if _stands(m.noun)]
    return standing[-1] if standing else None


def visible_kind(cue: p.SoundCue) -> str:
    """What the renderer draws for a sound cue ("" when it is only heard; see data/events.yaml).

    A cue the plan marks offscreen ("in the distance", "from upstairs") draws nothing; then the table's
    phrases ("the bell swings", "the car door shuts", "it tips over") decide. Otherwise an event the planner
    named exactly keeps its drawing, unless that drawing is a generic one (a flash, a splash) and the cue's
    words name something more particular ("fireworks" explode, a "wave" splashes).
    """
    table = _event_table()
    said = f"{cue.text} {cue.source_object} {cue.sound_action}".lower()
    if cue.offscreen:
        return ""
    written = f"{cue.text} {cue.sound_action}".lower()
    source = subjects.resolve(cue.source_object)
    # what goes over is the cue's source where it names a thing ("the glass of wine on the table tips over" is the
    # glass), else the thing its words say goes over ("a vid of a ladder falling over")
    goes_over = re.search(table["goes_over"], written) is not None
    if goes_over and (_stands(source) if source is not None else _goes_over(cue.text) is not None):
        return "topple"  # the chimney that collapses, the cargo bike that tips over: not a glass that spills
    for phrase in table["phrases"]:
        if all(re.search(pattern, written if phrase.get("text_only") else said) for pattern in phrase["all"]):
            return str(phrase["kind"])
    words = re.findall(r"[a-z]+", f"{cue.text} {cue.source_object}".lower())
    named = next((table["words"][w] for w in words if w in table["words"]), "")
    if not cue.event_approximate and cue.event in _VISIBLE:  # a splash the planner named is a splash
        exact = _VISIBLE[cue.event]
        return named if named and exact in table["generic"] and named not in DOOR_KINDS else exact
    heard = _sound_words()
    sound = next((heard[w] for w in words if w in heard), "")
    if sound:  # "the dog barks at the gate": the bark is what is seen
        return sound
    kind = named or table["sounding"]["actions"].get(cue.sound_action, "") or table["actions"].get(cue.sound_action, "")
    if kind in ("", "ring") and source is not None and source.family in table["droppable"] and FALLING.search(written):
        return "drop"  # "the lifter drops the dumbbell": a thing the cue's words drop falls to its clang, not rings
    if kind == "flash":  # "a deep crack booms", "a thundering crash": loud, but nothing that lights the picture
        literal = re.sub(table["simile"], " ", f"{cue.text} {cue.source_object}".lower())
        if re.search(table["flashes"], literal) is None:
            return ""
        return "muzzle" if re.search(table["guns"], literal) else kind
    if kind not in ("drop", "shatter"):
        return kind
    things = ([] if source is None else [source]) + subjects.nouns_in(cue.text)
    droppable = any(noun.family in table["droppable"] for noun in things)
    if kind == "drop":  # an impact the planner guessed is a fall only where the cue's own words say one, of a thing
        # that can fall: its source, or a thing its words name ("a can tumbles down into the tray"), or "it"
        falls = FALLING.search(written) is not None
        return "drop" if falls and (droppable or PRONOUN_LED.search(cue.text)) else ""
    weather = cue.source_object.strip().lower() in table["weather_sources"]
    if kind == "shatter" and (weather or (not droppable and source is not None)):
        return ""  # "wind tearing across the corn": a breaking sound of nothing that breaks on a floor
    if kind == "shatter" and not named and re.search(table["breaking"], cue.text.lower()) is None:
        return ""  # a breaking sound the planner guessed ("the printer jams and grinds") breaks nothing
    return kind
