"""Visible events as short simulations that end on the cue frame and leave their objects in the scene.

A door swings shut to the slam frame and stays shut; a plate (or whatever breaks) falls off its shelf under
gravity, hits the floor on the cue frame and its pieces scatter and settle; a dropped book lands and a ball
bounces on; a balloon bursts into scraps; a cork leaves its bottle; a stone drops into a pool on the cue
frame and the water throws droplets and rings. Objects are drawn from the subject atlas where it has them.
Every object that takes part is in the picture before its event and stays after it (or its pieces do), so
nothing appears or vanishes between two frames; the largest change of the picture is the impact itself, on
the cue frame. Light events (a muzzle flash, lightning)
have no object: they flare on the cue frame and fade.

Each drawer is built once per shot from its cue and draws into one frame given the frame's `age`
(frames since the cue: negative before it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

Colour = Callable[[list[int]], torch.Tensor]  # an sRGB triple → the shot's graded colour
# The frames a door takes to swing shut, and a glass or a stone to fall.
SWING_FRAMES, FALL_FRAMES = 8, 9
FLASH_FRAMES = 12
# A slam shakes the picture: horizontal shift, in frame heights, on the cue frame and the frames after it.
SLAM_SHAKE = (1 / 60, 1 / 120, 1 / 240)
SHARDS, DROPLETS = 48, 160
# The glint of a breaking impact: its brightness lift on the cue frame, and the frames it fades over.
GLINT, GLINT_FRAMES = 200, 6
# Dust motes a slam knocks out of the door jamb, and the frames they take to settle out of sight.
DUST, DUST_FRAMES = 220, 10
SPARKS = 180
BOLT_FRAMES = 8
# A split object's halves fall apart over SPLIT_FRAMES, each tipping outward by SPLIT_TURN radians.
SPLIT_FRAMES, SPLIT_TURN = 8, 0.6
# A breaker rolls in and rises over WAVE_FRAMES before it breaks on the cue; its spray, and the frames its
# foam takes to thin away.
WAVE_FRAMES, SPRAY, FOAM, FOAM_FRAMES = 20, 320, 900, 40


def _blend_disc(frame: torch.Tensor, cx: float, cy: float, r: int, lift: int) -> None:
    """Brightens a disc of radius r: the glint of an impact."""
    h, w = frame.shape[:2]
    y0, y1, x0, x1 = max(0, int(cy) - r), min(h, int(cy) + r), max(0, int(cx) - r), min(w, int(cx) + r)
    if y0 >= y1 or x0 >= x1:
        return
    yy = torch.arange(y0, y1)[:, None] - cy
    xx = torch.arange(x0, x1)[None, :] - cx
    disc = ((yy**2 + xx**2) <= r * r).to(torch.int16)[..., None]
    region = frame[y0:y1, x0:x1].to(torch.int16)
    frame[y0:y1, x0:x1] = (region + disc * lift).clamp(0, 255).to(torch.uint8)


def _dots(frame: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, colour: torch.Tensor, size: int = 2) -> None:
    h, w = frame.shape[:2]
    px, py = xs.round().long().clamp(0, w - size), ys.round().long().clamp(0, h - size)
    for dy in range(size):
        for dx in range(size):
            frame[py + dy, px + dx] = colour


def _pieces(
    frame: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, colours: torch.Tensor, colour: Colour, size: int
) -> None:
    """Pieces of a broken object, each in its own colour (one of the object's)."""
    rounded = colours.round().int()
    for rgb in {tuple(c) for c in rounded.tolist()}:
        same = (rounded == torch.tensor(rgb)).all(dim=1)
        _dots(frame, xs[same], ys[same], colour(list(rgb)), size=size)


@dataclass
class Door:
    """A door in the right third of the picture (or in the building seen from outside that the shot shows), hinged on
    its left edge.

    slam: open until SWING_FRAMES before the cue, then swings shut, accelerating, and closes on the cue
    frame, which shakes the picture; creak: closed, swings open slowly from the cue; knock: stays shut and
    jolts on the cue.
    """

    kind: str  # "slam", "creak" or "knock"
    w: int
    h: int
    colour: Colour
    open_angle: float = math.radians(75)
    #: the doorway (x0, y0, x1, y1) where it is in a building seen from outside; else the right third of the picture
    box: tuple[float, float, float, float] | None = None

    def angle(self, age: int) -> float:
        if self.kind == "slam":
            if age >= 0:
                return 0.0
            u = max(0.0, (age + SWING_FRAMES) / SWING_FRAMES)
            return self.open_angle * (1 - u * u)
        if self.kind == "creak":
            u = min(1.0, max(0.0, age / (3 * SWING_FRAMES)))
            return self.open_angle * (1 - math.cos(u * math.pi)) / 2
        return 0.0

    def draw(self, frame: torch.Tensor, age: int) -> None:
        x0, y0, y1 = int(self.w * 0.72), int(self.h * 0.25), int(self.h * 0.8)
        width = int(self.h * 0.24)
        if self.box is not None:
            x0, y0, y1, width = int(self.box[0]), int(self.box[1]), int(self.box[3]), int(self.box[2] - self.box[0])
        jolt = 2 if self.kind == "knock" and 0 <= age < 2 else 0
        frame[y0 - 4 : y1, x0 - 4 : x0 + width + 4] = self.colour([70, 50, 35])  # the frame
        frame[y0:y1, x0 : x0 + width] = self.colour([20, 15, 10])  # the dark room behind it
        angle = self.angle(age)
        visible = max(1, int(width * math.cos(angle)))
        # the free edge swings toward the camera: it looks taller the further the door is open
        grow = int(self.h * 0.05 * math.sin(angle))
        panel = self.colour([130, 85, 50])
        frame[y0 - grow : y1 + grow, x0 + jolt : x0 + jolt + visible] = panel
        frame[y0 - grow : y1 + grow, x0 + jolt + max(0, visible - 3) : x0 + jolt + visible] = self.colour([90, 60, 35])
        knob_x, knob_y = x0 + jolt + int(visible * 0.85), (y0 + y1) // 2
        frame[knob_y - 3 : knob_y + 3, knob_x - 3 : knob_x + 3] = self.colour([200, 170, 60])
        if self.kind == "slam" and 0 <= age < DUST_FRAMES:
            # dust knocked out of the jamb, thickest on the slam frame, drifting down as it thins
            g = torch.Generator().manual_seed(x0)
            ys = y0 + torch.rand(DUST, generator=g) * (y1 - y0) + age * self.h * 0.004
            xs = x0 + width + (torch.rand(DUST, generator=g) - 0.3) * self.h * 0.08
            keep = torch.rand(DUST, generator=g) < 1 - age / DUST_FRAMES
            _dots(frame, xs[keep], ys[keep], self.colour([225, 215, 195]), size=3)
        if self.kind == "slam" and 0 <= age < len(SLAM_SHAKE):
            frame[:] = torch.roll(frame, max(1, round(SLAM_SHAKE[age] * self.h)), dims=1)


def _shelf(frame: torch.Tensor, cx: float, y: float, w: int, h: int, colour: Colour) -> None:
    x0, x1 = int(cx - w * 0.12), int(cx + w * 0.03)
    frame[int(y) : int(y) + max(2, h // 60), max(0, x0) : max(0, x1)] = colour([110, 75, 45])


@dataclass
class _Fragment:
    """One piece of a broken drawing: its sprite, its centre's offset from the point of impact, its flight."""

    ready: Ready
    dx: float
    dy: float
    vx: float
    vy: float
    spin: float
    half: float  # half its height: it rests on the floor by its centre


def _fragments(drawing: Ready, h: int, g: torch.Generator, grid: int = 3) -> list[_Fragment]:
    """A drawing cut into grid × grid pieces (empty ones left out), thrown outward and up from where it hit
    the floor: the pieces nearer an edge fly further that way."""
    premultiplied, clear = drawing
    sh, sw = clear.shape[:2]
    pieces = []
    for row in range(grid):
        for col in range(grid):
            r0, r1, c0, c1 = row * sh // grid, (row + 1) * sh // grid, col * sw // grid, (col + 1) * sw // grid
            cell = clear[r0:r1, c0:c1]
            if cell.numel() == 0 or float((cell < 0.5).float().mean()) < 0.15:
                continue
            dx, dy = (c0 + c1) / 2 - sw / 2, (r0 + r1) / 2 - sh
            jitter = torch.rand(3, generator=g).tolist()
            vx = ((col - (grid - 1) / 2) * 0.9 + (jitter[0] - 0.5)) * h * 0.025
            vy = -(0.35 + 0.5 * jitter[1]) * h * 0.03
            ready = (premultiplied[r0:r1, c0:c1].contiguous(), cell.contiguous())
            pieces.append(_Fragment(ready, dx, dy, vx, vy, (jitter[2] - 0.5) * 0.5, (r1 - r0) / 2))
    return pieces


@dataclass
class Fall:
    """An object on a shelf that falls under gravity and hits the floor on the cue frame.

    break: it shatters, and pieces in its own colours fly out, settle on the floor and stay; drop: it
    lands, bounces (a ball bounces on, lower each time) and stays where it lands; split: it breaks in two
    and the halves fall apart. `drawing` is the
    object's sprite (premultiplied colour [h, w, 3] and 1 − alpha [h, w, 1]); without one, a glass.
    """

    kind: str  # "break", "drop" or "split"
    w: int
    h: int
    cx: float
    colour: Colour
    seed: int
    drawing: tuple[torch.Tensor, torch.Tensor] | None = None
    bouncy: bool = False
    indoors: bool = True  # off a shelf; outdoors it drops into the picture from above
    # outdoors, a thing the picture showed standing (a watermelon on the grass, a chair on a porch) topples over
    # where it stands and lands on its side on the cue frame, instead of dropping in from above the picture
    topples: bool = False

    def __post_init__(self) -> None:
        self._split: dict[tuple[int, float], tuple[torch.Tensor, torch.Tensor]] = {}
        self._tipped: dict[float, tuple[torch.Tensor, torch.Tensor]] = {}
        self.topples = self.topples and not self.indoors and self.drawing is not None
        self.shelf_y, self.floor_y = (self.h * 0.5 if self.indoors else -self.h * 0.02), self.h * 0.86
        g = torch.Generator().manual_seed(self.seed)
        angles = torch.rand(SHARDS, generator=g) * math.pi  # upward half-plane
        speed = (torch.rand(SHARDS, generator=g) * 0.7 + 0.3) * self.h * 0.035
        self.vx, self.vy = torch.cos(angles) * speed * 1.6, -torch.sin(angles) * speed
        self.gravity = self.h * 0.006
        # each shard stops where it first touches the floor (glass and crockery do not bounce far)
        flight = (-2 * self.vy / self.gravity).clamp(min=1.0)
        self.rest_x = self.cx + self.vx * flight
        if self.drawing is None:
            self.pieces = torch.tensor([200, 225, 240], dtype=torch.float32).expand(SHARDS, 3)
        else:
            premultiplied, clear = self.drawing
            opaque = clear[..., 0] < 0.5
            colours = (premultiplied[opaque] / (1 - clear[opaque]).clamp(min=0.5)).clamp(0, 255)
            pick = torch.randint(0, max(1, len(colours)), (SHARDS,), generator=g)
            self.pieces = colours[pick] if len(colours) else torch.full((SHARDS, 3), 200.0)
        self._fragments = _fragments(self.drawing, self.h, g) if self.kind == "break" and self.drawing else []
        self._turned_fragments: dict[tuple[int, float], Ready] = {}

    def _object(self, frame: torch.Tensor, x: float, bottom: float) -> None:
        if self.drawing is None:
            size = max(4, int(self.h * 0.05))
            frame[int(bottom) - size : int(bottom), int(x) - size // 2 : int(x) + size // 2 + 1] = self.colour(
                [200, 225, 240]
            )
            return
        left = x - _half_width(self.drawing)
        premultiplied, clear = _subpixel(self.drawing, left - math.floor(left))
        sh, sw = clear.shape[:2]
        x0, y0 = math.floor(left), int(bottom - sh)
        ys, xs = max(0, y0), max(0, x0)
        ye, xe = min(self.h, y0 + sh), min(self.w, x0 + sw)
        if ys >= ye or xs >= xe:
            return
        region = frame[ys:ye, xs:xe].float()
        region.mul_(clear[ys - y0 : ye - y0, xs - x0 : xe - x0]).add_(
            premultiplied[ys - y0 : ye - y0, xs - x0 : xe - x0]
        )
        frame[ys:ye, xs:xe] = region.clamp_(max=255).to(torch.uint8)

    def _toppling(self, frame: torch.Tensor, angle: float, x: float, lift: float = 0.0) -> None:
        """The object turned by `angle` about its foot, standing on the floor at x (raised `lift` px)."""
        assert self.drawing is not None
        key = round(angle, 2)
        if key not in self._tipped:
            self._tipped[key] = _turned(self.drawing, key) if key else self.drawing
        ready = self._tipped[key]
        sh, sw = self.drawing[1].shape[:2]
        # its centre stays over the edge it tips about: up by its half-extent on the floor
        cx = x + math.sin(angle) * sh / 2
        cy = self.floor_y - lift - (sh / 2 * math.cos(angle) + sw / 2 * math.sin(angle))
        side_h, side_w = ready[1].shape[:2]
        _blit(frame, ready, round(cx - side_w / 2), round(cy - side_h / 2))

    def _halves(self, frame: torch.Tensor, age: int) -> None:
        """Split: it lands on the cue frame and breaks in two; the halves fall apart, each tipping outward
        about its foot, and lie there (a puff of dust from the crack)."""
        if self.drawing is None:
            self._object(frame, self.cx + self.w * 0.01, self.floor_y)
            return
        premultiplied, clear = self.drawing
        sh, sw = clear.shape[:2]
        opened = min(1.0, (age + 1) / SPLIT_FRAMES)
        for side, cols in ((-1, slice(0, sw // 2)), (1, slice(sw // 2, sw))):
            turn = side * SPLIT_TURN * opened * opened
            key = (side, round(turn, 2))
            if key not in self._split:
                half = (premultiplied[:, cols].contiguous(), clear[:, cols].contiguous())
                self._split[key] = _turned(half, key[1]) if key[1] else half
            ready = self._split[key]
            half_w = sw // 2 if side < 0 else sw - sw // 2
            # the half's centre, moved outward and lowered as it tips about its outer foot
            cx = self.cx + self.w * 0.01 + side * (half_w / 2 + self.h * 0.05 * opened)
            cy = self.floor_y - sh / 2 * math.cos(turn) - half_w / 2 * abs(math.sin(turn))
            side_h, side_w = ready[1].shape[:2]
            _blit(frame, ready, round(cx - side_w / 2), round(cy - side_h / 2))
        if age < DUST_FRAMES:  # the crack: dust bursts out of it and thins away, and it flashes where it opens
            g = torch.Generator().manual_seed(self.seed)
            xs = self.cx + (torch.rand(DUST, generator=g) - 0.5) * self.h * 0.25
            ys = self.floor_y - torch.rand(DUST, generator=g) * self.h * 0.03 * (age + 2)
            keep = torch.rand(DUST, generator=g) < 1 - age / DUST_FRAMES
            _dots(frame, xs[keep], ys[keep], self.colour([225, 215, 195]), size=3)
        if age < GLINT_FRAMES:
            lift = int(150 * (1 - age / GLINT_FRAMES))
            _blend_disc(frame, self.cx + self.w * 0.01, self.floor_y - sh / 2, int(sh * 0.6), lift)

    def _dust(self, frame: torch.Tensor, age: int) -> None:
        """A puff of dust where it lands, for the first frames after: as wide as what landed (a chimney's is)."""
        if age >= 3:
            return
        spread = self.h * 0.2 if self.drawing is None else max(self.h * 0.2, float(self.drawing[1].shape[0]))
        g = torch.Generator().manual_seed(self.seed + age)
        xs = self.cx + (torch.rand(DUST // 2, generator=g) - 0.5) * spread
        ys = self.floor_y - torch.rand(DUST // 2, generator=g) * self.h * 0.04 * (age + 1)
        _dots(frame, xs, ys, self.colour([225, 215, 195]), size=3)

    def _bounce(self, age: int) -> float:
        """Height above the floor, in pixels, `age` frames after landing: each bounce half as high."""
        if not self.bouncy:
            return self.h * 0.02 * max(0.0, math.sin(math.pi * age / 4)) if age < 4 else 0.0
        height, period, t = (self.floor_y - self.shelf_y) * 0.5, 2 * FALL_FRAMES * 0.7, float(age)
        while height > 1 and t >= period:
            t -= period
            height, period = height / 2, period / math.sqrt(2)
        return 0.0 if height <= 1 else height * 4 * (t / period) * (1 - t / period)

    def draw(self, frame: torch.Tensor, age: int) -> None:
        if self.indoors:
            _shelf(frame, self.cx, self.shelf_y, self.w, self.h, self.colour)
        if age < 0 and self.topples:  # it tips over faster and faster, flat on its side on the cue frame
            u = max(0.0, (age + FALL_FRAMES) / FALL_FRAMES)
            self._toppling(frame, math.pi / 2 * u * u, self.cx)
            return
        if self.topples and self.kind == "drop":
            self._toppling(frame, math.pi / 2, self.cx + min(age, 30) * self.w * 0.002, self._bounce(age))
            self._dust(frame, age)
            return
        if age < 0:
            # resting on the shelf's edge until it falls, then y = y0 + ½·g·t², landing on the cue frame
            u = max(0.0, (age + FALL_FRAMES) / FALL_FRAMES)
            self._object(frame, self.cx + u * self.w * 0.01, self.shelf_y + (self.floor_y - self.shelf_y) * u * u)
            return
        if self.kind == "drop":
            self._object(
                frame, self.cx + self.w * 0.01 + min(age, 30) * self.w * 0.002, self.floor_y - self._bounce(age)
            )
            self._dust(frame, age)
            return
        if self.kind == "split":
            self._halves(frame, age)
            return
        t = float(age)
        flying = t < (-2 * self.vy / self.gravity)
        xs = torch.where(flying, self.cx + self.vx * t, self.rest_x)
        ys = torch.where(flying, self.floor_y + self.vy * t + 0.5 * self.gravity * t * t, torch.tensor(self.floor_y))
        size = max(2, int(self.h * 0.017))
        self._broken(frame, age)
        _pieces(frame, xs, ys.clamp(max=self.floor_y), self.pieces, self.colour, size)
        if age < GLINT_FRAMES:  # a glint where it hits: small beside its pieces, which are what is seen breaking
            radius = int(self.h * 0.06)
            _blend_disc(frame, self.cx, self.floor_y - size, radius, int(GLINT * (1 - age / GLINT_FRAMES)))

    def _broken(self, frame: torch.Tensor, age: int, bottom: float | None = None, gravity: float | None = None) -> None:
        """The object's own pieces (its drawing cut in a grid): on the cue frame they are already flying apart
        from where it hit (its foot at `bottom`, the floor unless it burst in the air), tumbling, and each lies
        where it lands on the floor."""
        t = float(age + 1)
        bottom = self.floor_y if bottom is None else bottom
        g = self.gravity if gravity is None else gravity
        for k, piece in enumerate(self._fragments):
            start, rest = bottom + piece.dy, self.floor_y - piece.half
            flight = (-piece.vy + math.sqrt(piece.vy**2 + 2 * g * max(0.0, rest - start))) / g
            landed = min(t, flight)
            x = self.cx + piece.dx + piece.vx * landed
            y = min(rest, start + piece.vy * landed + 0.5 * g * landed**2)
            angle = round(piece.spin * landed, 1)
            key = (k, angle)
            if key not in self._turned_fragments:
                self._turned_fragments[key] = _turned(piece.ready, angle) if angle else piece.ready
            ready = self._turned_fragments[key]
            _blit(frame, ready, round(x - ready[1].shape[1] / 2), round(y - ready[1].shape[0] / 2))


@dataclass
class Burst:
    """A balloon (or anything that pops) floating in place, bobbing; on the cue frame it bursts: a flash and
    scraps in its colours that flutter down to the floor and stay. A cork flies out of its bottle instead."""

    kind: str  # "burst" or "cork"
    w: int
    h: int
    cx: float
    colour: Colour
    seed: int
    drawing: tuple[torch.Tensor, torch.Tensor] | None = None

    def __post_init__(self) -> None:
        self.fall = Fall("break", self.w, self.h, self.cx, self.colour, self.seed, self.drawing)
        self.centre_y = self.h * (0.45 if self.kind == "burst" else 0.7)

    def draw(self, frame: torch.Tensor, age: int) -> None:
        bob = self.h * 0.01 * math.sin(age * 0.3)
        if self.kind == "cork":
            # the bottle stands; its cork leaves the neck on the cue and arcs up and away
            self.fall._object(frame, self.cx, self.h * 0.86)
            neck = self.h * 0.86 - (self.fall.drawing[1].shape[0] if self.fall.drawing else self.h * 0.05)
            t = max(0, age)
            x, y = self.cx + t * self.w * 0.01, neck - t * self.h * 0.05 + 0.5 * self.h * 0.004 * t * t
            size = max(3, int(self.h * 0.02))
            if y < self.h * 0.86:
                frame[max(0, int(y) - size) : max(0, int(y)), int(x) - size : int(x) + size] = self.colour(
                    [150, 110, 60]
                )
            if 0 <= age < 3:
                _blend_disc(frame, self.cx, neck, int(self.h * 0.06), int(150 * (1 - age / 3)))
            return
        if age < 0:
            height = self.fall.drawing[1].shape[0] if self.fall.drawing else self.h * 0.05
            self.fall._object(frame, self.cx, self.centre_y + height / 2 + bob)
            return
        # its own pieces and the scraps fly out from where it was and flutter down (half gravity) to the floor
        height = self.fall.drawing[1].shape[0] if self.fall.drawing else 0
        self.fall._broken(frame, age, self.centre_y + height / 2, self.fall.gravity * 0.5)
        t = float(age)
        xs = self.cx + self.fall.vx * t * 0.6
        ys = self.centre_y + self.fall.vy * t * 0.5 + 0.25 * self.fall.gravity * t * t
        _pieces(frame, xs, ys.clamp(max=self.h * 0.86), self.fall.pieces, self.colour, max(2, int(self.h * 0.015)))
        if age < 3:  # a pop of light, small beside the pieces, which are what is seen bursting
            radius = int(self.h * (0.12 if not self.fall._fragments else 0.05))
            _blend_disc(frame, self.cx, self.centre_y, radius, int(170 * (1 - age / 3)))


@dataclass
class Splash:
    """A stone drops into a pool from above the picture and meets the water on the cue frame: droplets
    rise and fall back, rings spread and fade; the pool is there before and after."""

    w: int
    h: int
    cx: float
    colour: Colour
    seed: int

    def __post_init__(self) -> None:
        self.surface = self.h * 0.78
        g = torch.Generator().manual_seed(self.seed)
        angles = torch.rand(DROPLETS, generator=g) * math.pi
        speed = (torch.rand(DROPLETS, generator=g) * 0.8 + 0.2) * self.h * 0.04
        self.vx, self.vy = torch.cos(angles) * speed * 0.6, -torch.sin(angles) * speed
        self.gravity = self.h * 0.006

    def draw(self, frame: torch.Tensor, age: int) -> None:
        rx, ry = self.w * 0.16, self.h * 0.05
        y0, y1 = int(self.surface - ry), int(self.surface + ry) + 1
        x0, x1 = max(0, int(self.cx - rx)), min(self.w, int(self.cx + rx) + 1)
        yy = torch.arange(y0, y1)[:, None] - self.surface
        xx = torch.arange(x0, x1)[None, :] - self.cx
        pool = ((xx / rx) ** 2 + (yy / ry) ** 2) <= 1
        region = frame[y0:y1, x0:x1]
        region[pool] = self.colour([40, 90, 130])
        if age >= 0:
            # rings: ellipses spreading from the impact, fading over a second
            for ring in range(3):
                radius = (age - ring * 4) * self.h * 0.012
                if radius <= 0 or age > 30:
                    continue
                edge = ((xx / (radius * 3)) ** 2 + (yy / radius) ** 2 - 1).abs() < 0.25
                region[edge & pool] = self.colour([150, 200, 230])
        size = max(4, int(self.h * 0.04))
        if age < 2:
            # the stone falls from above the picture; below the surface it is hidden by the water
            u = (age + FALL_FRAMES) / FALL_FRAMES
            bottom = -size + (self.surface + size) * u * u
            top, bottom_row = int(bottom) - size, min(int(bottom), int(self.surface))
            if u >= 0 and bottom_row > max(0, top):
                frame[max(0, top) : bottom_row, int(self.cx) - size // 2 : int(self.cx) + size // 2] = self.colour(
                    [90, 85, 80]
                )
        if age >= 0:
            t = float(age + 1)
            ys = self.surface + self.vy * t + 0.5 * self.gravity * t * t
            up = ys < self.surface  # a droplet that falls back into the water rejoins it
            _dots(frame, (self.cx + self.vx * t)[up], ys[up], self.colour([150, 200, 255]))
        if 0 <= age < 4:
            _blend_disc(frame, self.cx, self.surface, int(self.h * 0.12), int(120 * (1 - age / 4)))


@dataclass
class Flash:
    """Light with no object. flash: an explosion lights the whole picture; muzzle: a gun's flash, a star of light
    at the muzzle (at hand height, `cx` across) that lights the picture a little; lightning: a
    forked bolt from the top of the picture to the ground, the sky lit behind it; firework: a burst of
    coloured sparks high in the sky that spread, fall and fade. All flare on the cue frame and fade."""

    kind: str  # "flash", "lightning" or "firework"
    w: int
    h: int
    cx: float
    seed: int

    def __post_init__(self) -> None:
        g = torch.Generator().manual_seed(self.seed)
        if self.kind == "lightning":
            # a main channel that wanders down to the ground line, and two forks off it
            steps = int(self.h * 0.8)
            self.bolt = [
                (torch.arange(steps).float(), torch.cumsum(torch.randn(steps, generator=g) * 2.2, 0) + self.cx)
            ]
            for _ in range(2):
                start = int(torch.randint(steps // 5, steps // 2, (1,), generator=g))
                length = int(steps * 0.3)
                drift = torch.cumsum(torch.randn(length, generator=g) * 2 + (1.5 if _ else -1.5), 0)
                self.bolt.append((torch.arange(start, start + length).float(), self.bolt[0][1][start] + drift))
        elif self.kind == "firework":
            angles = torch.rand(SPARKS, generator=g) * 2 * math.pi
            self.speed = (torch.rand(SPARKS, generator=g) * 0.5 + 0.5) * self.h * 0.02
            self.vx, self.vy = torch.cos(angles) * self.speed, torch.sin(angles) * self.speed
            palette = torch.tensor([[255, 80, 80], [255, 210, 60], [120, 220, 255], [200, 120, 255]], dtype=torch.uint8)
            self.sparks = palette[torch.randint(0, len(palette), (SPARKS,), generator=g)]

    def draw(self, frame: torch.Tensor, age: int) -> None:
        if not 0 <= age < FLASH_FRAMES * (3 if self.kind == "firework" else 1):
            return
        fade = 1 - age / FLASH_FRAMES
        if self.kind == "firework":
            # sparks fly out from the burst, sag under gravity and dim over three flash lengths
            t, cy = float(age + 1), self.h * 0.3
            xs, ys = self.cx + self.vx * t, cy + self.vy * t + self.h * 0.0012 * t * t
            dim = max(0.0, 1 - age / (3 * FLASH_FRAMES))
            _dots(frame, xs, ys, (self.sparks.float() * dim).to(torch.uint8), size=max(2, self.h // 180))
            if age < GLINT_FRAMES:  # the burst's core: brightest on the cue frame, fading smoothly
                _blend_disc(frame, self.cx, cy, int(self.h * 0.08), int(GLINT * (1 - age / GLINT_FRAMES)))
            return
        # the lit sky: full for a flash, half for lightning so the bolt shows against it, a little for a gun's; a
        # smooth fade, so no later frame changes as much as the flare itself
        lift = int({"flash": 200, "muzzle": 50}.get(self.kind, 110) * fade**2)
        frame[:] = (frame.to(torch.int16) + lift).clamp(0, 255).to(torch.uint8)
        if self.kind == "muzzle" and age < GLINT_FRAMES:
            _blend_disc(
                frame, self.cx, self.h * MUZZLE_HEIGHT, int(self.h * 0.07), int(GLINT * (1 - age / GLINT_FRAMES))
            )
        if self.kind == "lightning" and age < BOLT_FRAMES:
            # the bolt is white on the strike and dims into the sky over BOLT_FRAMES: it never just vanishes
            width, glow = max(2, self.h // 120), int(255 * (1 - age / BOLT_FRAMES))
            for ys, xs in self.bolt:
                for dx in range(-width, width + 1):
                    rows, cols = ys.long().clamp(0, self.h - 1), (xs + dx).clamp(0, self.w - 1).long()
                    frame[rows, cols] = (frame[rows, cols].to(torch.int16) + glow).clamp(0, 255).to(torch.uint8)


@dataclass
class Wave:
    """A breaker: a swell on the water line that rolls in, rises and curls over the WAVE_FRAMES before the
    cue and breaks on the cue frame against whatever stands there: a plume of spray thrown high that falls
    back, and foam that spreads along the water and thins away. The swell is there from the first frame."""

    w: int
    h: int
    cx: float
    colour: Colour
    seed: int
    surface: float  # the water line where it breaks, in pixels from the top

    def __post_init__(self) -> None:
        g = torch.Generator().manual_seed(self.seed)
        angles = -math.pi / 2 + (torch.rand(SPRAY, generator=g) - 0.5) * 1.4
        speed = (torch.rand(SPRAY, generator=g) * 0.75 + 0.25) * self.h * 0.05
        self.vx, self.vy = torch.cos(angles) * speed * 0.8, torch.sin(angles) * speed
        self.gravity = self.h * 0.0045
        self.spray_x = self.cx + (torch.rand(SPRAY, generator=g) - 0.5) * self.h * 0.2
        self.foam_x = self.cx + (torch.rand(FOAM, generator=g) - 0.5) * self.w * 0.45
        self.foam_y = self.surface - torch.rand(FOAM, generator=g) ** 2 * self.h * 0.05
        self.foam_life = torch.rand(FOAM, generator=g)  # a foam dot lasts this fraction of FOAM_FRAMES
        self.water, self.dark = self.colour([30, 95, 135]), self.colour([20, 65, 100])
        self.white = self.colour([238, 246, 250])

    def _swell(self, frame: torch.Tensor, x: float, height: float, curl: float) -> None:
        """A mound of water with a white crest, steeper on its leading (right) side."""
        if height < 1:
            return
        half = self.h * 0.22
        x0, x1 = max(0, int(x - half * 1.6)), min(self.w, int(x + half) + 1)
        y0, y1 = max(0, int(self.surface - height * 1.2)), min(self.h, int(self.surface) + 2)
        if x0 >= x1 or y0 >= y1:
            return
        xs = torch.arange(x0, x1, dtype=torch.float32)[None, :] - x
        ys = torch.arange(y0, y1, dtype=torch.float32)[:, None]
        spread = torch.where(xs < 0, half * 1.6, half * (1 - 0.6 * curl))
        top = self.surface - height * torch.exp(-((xs / spread) ** 2) * 3)
        body = ys >= top
        crest = body & (ys < top + max(2.0, height * 0.18)) & (xs > -half * 0.5)
        region = frame[y0:y1, x0:x1]
        region[body] = self.water
        region[body & (ys > top + height * 0.45)] = self.dark
        region[crest] = self.white

    def draw(self, frame: torch.Tensor, age: int) -> None:
        u = min(1.0, max(0.0, (age + WAVE_FRAMES) / WAVE_FRAMES))
        peak = self.h * 0.16
        if age < 0:
            self._swell(frame, self.cx - self.w * 0.3 * (1 - u), self.h * 0.025 + (peak - self.h * 0.025) * u * u, u)
            return
        # the broken wave sinks back into the water over a few frames
        if age < 8:
            self._swell(frame, self.cx, peak * 0.5 * (1 - age / 8), 1.0)
        alive = self.foam_life * FOAM_FRAMES > age
        spread = 1 + age / FOAM_FRAMES
        _dots(
            frame,
            (self.cx + (self.foam_x - self.cx) * spread)[alive],
            self.foam_y[alive],
            self.white,
            size=max(2, self.h // 160),
        )
        # The plume is already thrown up on the cue frame (water does not flash like a glint of glass).
        t = float(age + 3)
        xs = self.spray_x + self.vx * t
        ys = self.surface - self.h * 0.04 + self.vy * t + 0.5 * self.gravity * t * t
        up = ys < self.surface
        _dots(frame, xs[up], ys[up], self.white, size=max(2, self.h // 110))


# ---------------------------------------------------------------- the kinds the first review never saw drawn

# A bell swings up to full swing over BELL_RAMP frames, one swing every BELL_PERIOD frames; the clapper
# strikes at the top of a swing, on the cue frame, and the bell swings on, dying away over BELL_DECAY frames.
BELL_PERIOD, BELL_RAMP, BELL_DECAY, BELL_SWING = 16, 40, 60, math.radians(28)
# Sound lines the strike throws off (frames they spread and fade over).
RING_FRAMES = 8
# Steam: wisps before the whistle, then a jet from the spout; its puffs, and how long one takes to rise.
STEAM_PUFFS, STEAM_LIFE = 14, 18
# A branch sags over BEND_FRAMES under its load before it snaps; its splinters and the snow it throws.
BEND_FRAMES, SPLINTERS = 30, 90
# A pane cracks over CRACK_FRAMES before it gives; its cracks and shards.
CRACK_FRAMES, CRACKS, PANE_SHARDS = 5, 9, 150
# A glass tips over TIP_FRAMES and lands on its side on the cue frame; its splash, and how fast the puddle spreads.
TIP_FRAMES, SPILL_DROPS, PUDDLE_FRAMES = 10, 70, 7
TIP_STEPS = 45  # the tipping glass is pre-drawn at this many angles of its quarter turn
# A ball is kicked or thrown FLIGHT_FRAMES before it hits the wall; the chips of the wall it knocks off.
FLIGHT_FRAMES, CHIPS = 24, 140
FLOOR = 0.86  # where things rest, in frame heights (as Fall's floor)

Ready = tuple[torch.Tensor, torch.Tensor]  # a sprite ready to blend: (premultiplied colour, 1 − alpha)


def _half_width(ready: Ready) -> float:
    """Half a sprite's width."""
    return ready[1].shape[1] / 2


def _subpixel(ready: Ready, fraction: float) -> Ready:
    """A sprite moved right by a fraction of a pixel (one column wider): a thing that slides a little each frame
    moves a little each frame, instead of a whole pixel every other frame."""
    if fraction < 1 / 16:
        return ready
    premultiplied, clear = ready
    pad_colour = F.pad(premultiplied.permute(2, 0, 1), (1, 1)).permute(1, 2, 0)
    pad_clear = F.pad(clear.permute(2, 0, 1), (1, 1), value=1.0).permute(1, 2, 0)
    moved = (1 - fraction) * pad_colour[:, 1:] + fraction * pad_colour[:, :-1]
    moved_clear = (1 - fraction) * pad_clear[:, 1:] + fraction * pad_clear[:, :-1]
    return moved.contiguous(), moved_clear.contiguous()


def _blit(frame: torch.Tensor, ready: Ready, x0: int, y0: int) -> None:
    """Blend a ready sprite with its top-left at (x0, y0), clipped to the frame."""
    premultiplied, clear = ready
    h, w = frame.shape[:2]
    sh, sw = clear.shape[:2]
    ys, xs, ye, xe = max(0, y0), max(0, x0), min(h, y0 + sh), min(w, x0 + sw)
    if ys >= ye or xs >= xe:
        return
    region = frame[ys:ye, xs:xe].float()
    region.mul_(clear[ys - y0 : ye - y0, xs - x0 : xe - x0]).add_(premultiplied[ys - y0 : ye - y0, xs - x0 : xe - x0])
    frame[ys:ye, xs:xe] = region.clamp_(max=255).to(torch.uint8)


def _turned(ready: Ready, angle: float) -> Ready:
    """A ready sprite turned by `angle` radians (clockwise on screen) about its centre, on a square canvas of
    its diagonal (premultiplied colour interpolates correctly)."""
    premultiplied, clear = ready
    rgba = torch.cat([premultiplied - 0.5, 1 - clear], dim=-1).permute(2, 0, 1)
    h, w = rgba.shape[1:]
    side = math.ceil(math.hypot(h, w)) // 2 * 2 + 2
    padded = F.pad(rgba, ((side - w) // 2, side - w - (side - w) // 2, (side - h) // 2, side - h - (side - h) // 2))
    c, s = math.cos(angle), math.sin(angle)
    theta = torch.tensor([[c, s, 0.0], [-s, c, 0.0]], dtype=rgba.dtype)
    grid = F.affine_grid(theta[None], [1, 4, side, side], align_corners=False)
    out = F.grid_sample(padded[None], grid, mode="bilinear", align_corners=False)[0].permute(1, 2, 0)
    return (out[..., :3].clamp(min=0) + 0.5).contiguous(), (1 - out[..., 3:]).clamp(0, 1).contiguous()


def _grid(
    frame: torch.Tensor, x0: float, y0: float, x1: float, y1: float
) -> tuple[slice, slice, torch.Tensor, torch.Tensor]:
    """The frame's rows and columns inside a box (clipped), and their pixel-centre coordinates [h, 1], [1, w]."""
    h, w = frame.shape[:2]
    r0, r1, c0, c1 = max(0, int(y0)), min(h, math.ceil(y1)), max(0, int(x0)), min(w, math.ceil(x1))
    ys = torch.arange(r0, max(r0, r1), dtype=torch.float32)[:, None] + 0.5
    xs = torch.arange(c0, max(c0, c1), dtype=torch.float32)[None, :] + 0.5
    return slice(r0, max(r0, r1)), slice(c0, max(c0, c1)), ys, xs


def _fill(frame: torch.Tensor, rows: slice, cols: slice, mask: torch.Tensor, colour: torch.Tensor) -> None:
    if mask.numel():
        frame[rows, cols][mask] = colour


def _rect(frame: torch.Tensor, x0: float, y0: float, x1: float, y1: float, colour: torch.Tensor) -> None:
    h, w = frame.shape[:2]
    r0, r1, c0, c1 = max(0, round(y0)), min(h, round(y1)), max(0, round(x0)), min(w, round(x1))
    if r0 < r1 and c0 < c1:
        frame[r0:r1, c0:c1] = colour


def _veil(frame: torch.Tensor, rows: slice, cols: slice, alpha: torch.Tensor, colour: torch.Tensor) -> None:
    """Blend `colour` over a region with a per-pixel alpha [h, w] (steam, spray)."""
    if not alpha.numel():
        return
    region = frame[rows, cols].float()
    a = alpha.clamp(0, 1)[..., None]
    frame[rows, cols] = (region + (colour.float() - region) * a).round().to(torch.uint8)


def _lift_ring(frame: torch.Tensor, cx: float, cy: float, radius: float, width: float, lift: int) -> None:
    """Brighten the two side arcs of a ring: the sound lines of a struck bell."""
    if lift <= 0 or radius <= 0:
        return
    rows, cols, ys, xs = _grid(
        frame, cx - radius - width, cy - radius - width, cx + radius + width, cy + radius + width
    )
    dx, dy = xs - cx, ys - cy
    ring = ((dx**2 + dy**2).sqrt() - radius).abs() < width / 2
    sides = dx.abs() > 0.55 * radius
    mask = (ring & sides).to(torch.int16)[..., None]
    region = frame[rows, cols].to(torch.int16)
    frame[rows, cols] = (region + mask * lift).clamp(0, 255).to(torch.uint8)


@dataclass
class Bell:
    """A bell hung from a beam between two posts, rung: it swings higher and higher, the clapper strikes its
    lip at the top of a swing on the cue frame (a glint and sound lines), and it swings on, dying away."""

    w: int
    h: int
    cx: float
    colour: Colour

    def __post_init__(self) -> None:
        self.size = self.h * 0.2  # the bell's height
        self.pivot = (self.cx, self.h * 0.18)
        self.bronze, self.shade = self.colour([190, 140, 55]), self.colour([120, 85, 30])
        self.wood, self.iron = self.colour([95, 62, 38]), self.colour([60, 55, 50])

    def angle(self, age: int) -> float:
        """The bell's swing (radians, positive to the right): at the top of a swing on the cue frame."""
        if age < 0:
            amplitude = BELL_SWING * max(0.15, min(1.0, (age + BELL_RAMP) / BELL_RAMP))
        else:
            amplitude = BELL_SWING * max(0.0, 1 - age / BELL_DECAY)
        return amplitude * math.cos(2 * math.pi * age / BELL_PERIOD)

    def _body(self, frame: torch.Tensor, theta: float) -> tuple[float, float]:
        """The bell turned by theta about its pivot; returns the lip's right corner (where the clapper strikes)."""
        length, px, py = self.size, *self.pivot
        reach = length * 1.1
        rows, cols, ys, xs = _grid(frame, px - reach, py - 2, px + reach, py + reach)
        dx, dy = xs - px, ys - py
        s, c = math.sin(theta), math.cos(theta)
        u, v = dx * -s + dy * c, dx * c + dy * s  # along the bell's axis (down) and across it
        t = ((u - 0.12 * length) / (0.88 * length)).clamp(0, 1)
        half = torch.where(u < 0.12 * length, 0.14 * length, 0.2 * length + 0.28 * length * t**2.2)
        inside = (u >= 0) & (u <= length) & (v.abs() <= half)
        lip = inside & (u > 0.86 * length)
        light = inside & (v < -0.05 * length) & (v > -0.14 * length) & (u > 0.2 * length) & (u < 0.8 * length)
        _fill(frame, rows, cols, inside, self.bronze)
        _fill(frame, rows, cols, lip, self.shade)
        _fill(frame, rows, cols, light, self.colour([235, 200, 120]))
        return px + (-s) * length * 0.95 + c * 0.45 * length, py + c * length * 0.95 + s * 0.45 * length

    def draw(self, frame: torch.Tensor, age: int) -> None:
        px, py = self.pivot
        beam_w = self.size * 1.6
        _rect(frame, px - beam_w / 2 - 6, py - self.h * 0.03, px - beam_w / 2, FLOOR * self.h, self.wood)  # posts
        _rect(frame, px + beam_w / 2, py - self.h * 0.03, px + beam_w / 2 + 6, FLOOR * self.h, self.wood)
        theta = self.angle(age)
        lip_x, lip_y = self._body(frame, theta)
        _rect(frame, px - beam_w / 2 - 8, py - self.h * 0.04, px + beam_w / 2 + 8, py - self.h * 0.01, self.wood)
        # the clapper hangs nearly plumb, so the bell swings against it and meets it at the top of a swing
        lag = 0.35 * theta
        cl_x, cl_y = px - math.sin(lag) * self.size * 0.82, py + math.cos(lag) * self.size * 0.82
        if age == 0:
            cl_x, cl_y = (cl_x + lip_x) / 2, (cl_y + lip_y) / 2
        r = max(2, int(self.size * 0.08))
        _rect(frame, cl_x - r, cl_y - r, cl_x + r, cl_y + r, self.iron)
        if 0 <= age < RING_FRAMES:
            fade = 1 - age / RING_FRAMES
            _blend_disc(frame, lip_x, lip_y, int(self.size * 0.3), int(GLINT * fade))
            for k in range(3):
                radius = self.size * (0.75 + 0.3 * k + 0.05 * age)
                _lift_ring(frame, px, py + self.size * 0.55, radius, max(2.0, self.h / 90), int(170 * fade))


@dataclass
class Kettle:
    """A kettle on a stove's burner: wisps of steam rise from its spout as it heats; on the cue frame it
    whistles, a jet of steam shoots from the spout and the lid rattles until the end of the shot."""

    w: int
    h: int
    cx: float
    colour: Colour
    seed: int
    drawing: Ready | None = None

    def __post_init__(self) -> None:
        self.top = self.h * 0.64  # the stove's top, where the kettle stands
        g = torch.Generator().manual_seed(self.seed)
        self.phase = torch.rand(STEAM_PUFFS, generator=g)
        self.sway = torch.rand(STEAM_PUFFS, generator=g) - 0.5
        if self.drawing is None:
            side = max(8, int(self.h * 0.16))
            body = torch.zeros(side, side, 4)
            body[side // 4 :, side // 8 : side - side // 8] = torch.tensor([0.75, 0.75, 0.78, 1.0])
            alpha = body[..., 3:]
            self.drawing = ((body[..., :3] * 255 * alpha + 0.5), 1 - alpha)
        sh, sw = self.drawing[1].shape[:2]
        self.x0, self.y0 = int(self.cx - sw / 2), int(self.top - sh)
        # the spout: the teapot drawing's spout is at its right, a third of the way down
        self.spout = (self.x0 + sw * 0.97, self.y0 + sh * 0.36)
        self.white = self.colour([240, 242, 245])

    def _stove(self, frame: torch.Tensor, age: int) -> None:
        sw = self.drawing[1].shape[1] if self.drawing is not None else self.h * 0.16
        half = max(sw * 0.75, self.h * 0.16)
        _rect(frame, self.cx - half, self.top, self.cx + half, FLOOR * self.h, self.colour([205, 205, 200]))
        _rect(frame, self.cx - half, self.top, self.cx + half, self.top + self.h * 0.025, self.colour([45, 45, 48]))
        _rect(
            frame,
            self.cx - half * 0.8,
            self.top + self.h * 0.06,
            self.cx + half * 0.8,
            self.top + self.h * 0.13,
            self.colour([60, 60, 65]),
        )  # the oven door's window
        # the burner's blue flame under the kettle, flickering
        flame = self.colour([80, 140, 255])
        for k in range(7):
            fx = self.cx - sw * 0.35 + k * sw * 0.7 / 6
            tall = self.h * (0.012 + 0.006 * ((k * 7 + age) % 3) / 2)
            _rect(frame, fx - 1, self.top - tall, fx + 2, self.top, flame)

    def draw(self, frame: torch.Tensor, age: int) -> None:
        self._stove(frame, age)
        rattle = (1 if age % 2 else -1) if age >= 0 else 0
        _blit(frame, self.drawing, self.x0, self.y0 + rattle)
        sx, sy = self.spout
        # wisps: puffs that rise from the spout and thin as they go, thicker as the water nears the boil
        heat = min(1.0, max(0.2, (age + 60) / 60))
        rows, cols, ys, xs = _grid(
            frame, sx - self.h * 0.15, sy - self.h * 0.45, sx + self.h * 0.45, sy + self.h * 0.05
        )
        alpha = torch.zeros(ys.shape[0], xs.shape[1])
        for k in range(STEAM_PUFFS):
            life = ((age / STEAM_LIFE) + float(self.phase[k])) % 1.0
            px = sx + self.h * (0.02 + 0.06 * life + 0.04 * float(self.sway[k]) * life)
            py = sy - self.h * 0.35 * life
            r = self.h * (0.015 + 0.05 * life)
            alpha = alpha + 0.35 * heat * (1 - life) * (1 - ((xs - px) ** 2 + (ys - py) ** 2) / r**2).clamp(min=0)
        if age >= 0:
            # the jet: a steady plume shooting up and out of the spout, full from the whistle on
            length = self.h * 0.32
            along = ((xs - sx) * 0.8 + (sy - ys) * 0.6) / length
            across = ((xs - sx) * 0.6 - (sy - ys) * 0.8).abs()
            width = self.h * (0.012 + 0.07 * along.clamp(0, 1))
            jet = ((along >= 0) & (along <= 1)).float() * (1 - across / width).clamp(min=0) * (1 - 0.5 * along)
            alpha = alpha + 1.3 * jet
        _veil(frame, rows, cols, alpha.clamp(max=0.92), self.white)


@dataclass
class Branch:
    """A tree at the picture's side with a branch reaching over it: the branch sags under its load, snaps
    on the cue frame (splinters and a burst of snow or leaves), and its broken end falls, tumbling, to the
    ground, where it stays; the stub stays on the tree."""

    w: int
    h: int
    cx: float
    colour: Colour
    seed: int
    snowy: bool = False

    def __post_init__(self) -> None:
        self.trunk_x = self.w * 0.12 if self.cx > self.w / 2 else self.w * 0.88
        self.side = 1 if self.trunk_x < self.w / 2 else -1
        self.root_y, self.length = self.h * 0.3, self.w * 0.45
        self.thick = max(3, int(self.h * 0.022))
        self.snap_at = 0.35  # where along the branch it breaks
        g = torch.Generator().manual_seed(self.seed)
        angles = -math.pi / 2 + (torch.rand(SPLINTERS, generator=g) - 0.5) * 2.6
        speed = (torch.rand(SPLINTERS, generator=g) * 0.7 + 0.3) * self.h * 0.03
        self.vx, self.vy = torch.cos(angles) * speed, torch.sin(angles) * speed
        self.gravity = self.h * 0.004
        self.along = torch.rand(40, generator=g)  # where the branch's leaves (or snow) sit
        # each leaf sits up to a pixel higher or lower, so as the branch sags they step to the next pixel row
        # on different frames, not all on one (a whole clump jumping a row at once reads as a pop)
        self.leaf_lift = torch.rand(40, generator=g)
        self.bark, self.wood = self.colour([92, 64, 42]), self.colour([215, 180, 120])
        self.leaf = self.colour([235, 240, 248] if self.snowy else [70, 120, 50])

    def _points(
        self, sag: float, start: float, end: float, origin: tuple[float, float], turn: float = 0.0
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Points along the branch from `start` to `end` (fractions of its length), bent down by `sag`
        (radians at the tip); a broken piece is turned by `turn` about `origin`."""
        s = torch.linspace(start, end, max(2, int(self.length * (end - start) / 2)))
        xs = self.trunk_x + self.side * self.length * s
        ys = self.root_y - self.h * 0.06 * s + self.length * sag * s**2
        if turn:
            ox, oy = origin
            c, sn = math.cos(turn), math.sin(turn)
            xs, ys = ox + (xs - ox) * c - (ys - oy) * sn, oy + (xs - ox) * sn + (ys - oy) * c
        return xs, ys

    def _leaves(self, frame: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor) -> None:
        pick = (self.along * (len(xs) - 1)).long()
        _dots(frame, xs[pick], ys[pick] - self.thick - self.leaf_lift, self.leaf, size=max(3, self.thick + 1))

    def draw(self, frame: torch.Tensor, age: int) -> None:
        _rect(frame, self.trunk_x - self.h * 0.035, 0, self.trunk_x + self.h * 0.035, FLOOR * self.h, self.bark)
        u = min(1.0, max(0.0, (age + BEND_FRAMES) / BEND_FRAMES))
        sag = 0.08 + 0.22 * u * u if age < 0 else 0.3
        stub_x, stub_y = self._points(sag, 0.0, self.snap_at, (0, 0))
        _dots(frame, stub_x, stub_y, self.bark, size=self.thick)
        snap = (float(stub_x[-1]), float(stub_y[-1]))
        if age < 0:
            xs, ys = self._points(sag, self.snap_at, 1.0, snap)
        else:
            # the broken end drops from the break, turning about it, and lies on the ground from then on
            t = float(age)
            drop = min(0.5 * self.gravity * t * t + self.h * 0.02, FLOOR * self.h - self.root_y - self.h * 0.02)
            turn = self.side * min(1.25, 0.12 + 0.05 * t)
            if drop >= FLOOR * self.h - self.root_y - self.h * 0.02:
                turn = self.side * 0.05  # it lies nearly flat where it fell
            xs, ys = self._points(sag, self.snap_at, 1.0, snap, turn)
            ys = ys + drop
            ys = ys - (ys.max() - FLOOR * self.h).clamp(min=0)
        _dots(frame, xs, ys, self.bark, size=self.thick)
        self._leaves(frame, xs, ys)
        if age >= 0:
            # splinters and the load (snow or leaves) thrown off the break, falling to the ground and lying there
            t = float(age + 1)
            sx = snap[0] + self.vx * t
            sy = (snap[1] + self.vy * t + 0.5 * self.gravity * t * t).clamp(max=FLOOR * self.h)
            half = SPLINTERS // 2
            _dots(frame, sx[:half], sy[:half], self.wood, size=max(2, self.thick - 1))
            _dots(frame, sx[half:], sy[half:], self.leaf, size=max(2, self.thick))
        if 0 <= age < GLINT_FRAMES:
            _blend_disc(frame, snap[0], snap[1], int(self.h * 0.045), int(130 * (1 - age / GLINT_FRAMES)))


@dataclass
class Window:
    """A window in its frame: cracks run out from a point over the frames before the cue, and on the cue frame
    the pane gives: the shards start where the glass was and fall, spinning out, to the sill and the ground,
    where they stay; a few stay stuck in the frame."""

    w: int
    h: int
    cx: float
    colour: Colour
    seed: int

    def __post_init__(self) -> None:
        self.box = (self.cx - self.h * 0.17, self.h * 0.18, self.cx + self.h * 0.17, self.h * 0.58)
        x0, y0, x1, y1 = self.box
        g = torch.Generator().manual_seed(self.seed)
        self.hit = (x0 + (x1 - x0) * (0.35 + 0.3 * float(torch.rand(1, generator=g))), y0 + (y1 - y0) * 0.45)
        # cracks: jagged rays out of the point of impact
        self.cracks = []
        for k in range(CRACKS):
            angle = 2 * math.pi * (k + float(torch.rand(1, generator=g)) * 0.6) / CRACKS
            steps = 24
            wobble = torch.cumsum(torch.randn(steps, generator=g) * 0.12, 0)
            radius = torch.linspace(0, 1, steps) * (x1 - x0) * 0.6
            self.cracks.append((angle + wobble, radius))
        sx = x0 + torch.rand(PANE_SHARDS, generator=g) * (x1 - x0)
        sy = y0 + torch.rand(PANE_SHARDS, generator=g) * (y1 - y0)
        self.shard_x, self.shard_y = sx, sy
        # shards within a few pixels of the frame stay stuck in it
        edge = self.h * 0.03
        self.stuck = (sx - x0 < edge) | (x1 - sx < edge) | (sy - y0 < edge) | (y1 - sy < edge)
        away_x, away_y = sx - self.hit[0], sy - self.hit[1]
        norm = (away_x**2 + away_y**2).sqrt().clamp(min=1)
        push = (torch.rand(PANE_SHARDS, generator=g) * 0.6 + 0.4) * self.h * 0.012
        self.vx, self.vy = away_x / norm * push, away_y / norm * push - self.h * 0.004
        self.gravity = self.h * 0.005
        self.sizes = torch.where(torch.rand(PANE_SHARDS, generator=g) < 0.5, 2, 4)
        self.glass, self.glint = self.colour([175, 205, 225]), self.colour([225, 240, 250])
        self.wood, self.dark, self.crack = (
            self.colour([235, 232, 225]),
            self.colour([28, 30, 36]),
            self.colour([60, 70, 80]),
        )

    def draw(self, frame: torch.Tensor, age: int) -> None:
        x0, y0, x1, y1 = self.box
        rim = max(3, int(self.h * 0.018))
        _rect(frame, x0 - rim, y0 - rim, x1 + rim, y1 + rim, self.wood)
        _rect(frame, x0 - rim * 2, y1 + rim, x1 + rim * 2, y1 + rim * 2.5, self.wood)  # the sill
        if age < 0:
            _rect(frame, x0, y0, x1, y1, self.glass)
            rows, cols, ys, xs = _grid(frame, x0, y0, x1, y1)
            streak = ((xs - x0) + (ys - y0) * 0.8 - (x1 - x0) * 0.3).abs() < (x1 - x0) * 0.06
            _fill(frame, rows, cols, streak, self.glint)
            grown = (age + CRACK_FRAMES + 1) / (CRACK_FRAMES + 1)
            if grown > 0:
                for angles, radius in self.cracks:
                    n = max(2, int(len(radius) * grown))
                    cx = self.hit[0] + torch.cos(angles[:n]) * radius[:n]
                    cy = self.hit[1] + torch.sin(angles[:n]) * radius[:n]
                    inside = (cx > x0) & (cx < x1 - 1) & (cy > y0) & (cy < y1 - 1)
                    _dots(frame, cx[inside], cy[inside], self.crack, size=1)
            return
        _rect(frame, x0, y0, x1, y1, self.dark)  # the hole where the pane was
        t = float(age)
        ground = FLOOR * self.h
        xs = torch.where(self.stuck, self.shard_x, self.shard_x + self.vx * t)
        ys = torch.where(self.stuck, self.shard_y, self.shard_y + self.vy * t + 0.5 * self.gravity * t * t)
        ys = ys.clamp(max=ground)
        for size in (2, 4):
            pick = self.sizes == size
            _dots(frame, xs[pick], ys[pick], self.glass, size=max(2, size * self.h // 180))
        if age < GLINT_FRAMES:
            _blend_disc(frame, self.hit[0], self.hit[1], int(self.h * 0.07), int(GLINT * (1 - age / GLINT_FRAMES)))


@dataclass
class Spill:
    """A glass standing on a table tips over, turning about its foot, and lands on its side on the cue frame:
    its drink splashes out and a puddle spreads over the tabletop and drips off its edge to the floor."""

    w: int
    h: int
    cx: float
    colour: Colour
    seed: int
    drawing: Ready | None = None
    liquid: tuple[int, int, int] = (150, 200, 235)

    def __post_init__(self) -> None:
        self.top, self.depth = self.h * 0.6, self.h * 0.07  # the tabletop's front edge, and how deep it looks
        self.left, self.right = self.cx - self.h * 0.3, self.cx + self.h * 0.3
        if self.drawing is None:
            side = max(8, int(self.h * 0.14))
            body = torch.zeros(side, side // 2 + 2, 4)
            body[:, 1:-1] = torch.tensor([0.8, 0.9, 0.95, 0.6])
            body[side // 3 :, 2:-2, :3] = torch.tensor(self.liquid) / 255
            body[side // 3 :, 2:-2, 3] = 0.9
            alpha = body[..., 3:]
            self.drawing = (body[..., :3] * 255 * alpha + 0.5, 1 - alpha)
        sh, sw = self.drawing[1].shape[:2]
        self.foot = (self.cx + sw / 2, self.top - self.depth * 0.5)  # it tips over its right foot
        self.turns = [_turned(self.drawing, math.pi / 2 * k / TIP_STEPS) for k in range(TIP_STEPS + 1)]
        # the mouth of the fallen glass, where the drink comes out
        self.mouth = (self.foot[0] + sh, self.foot[1] - sw / 2)
        g = torch.Generator().manual_seed(self.seed)
        angles = -math.pi / 2 + (torch.rand(SPILL_DROPS, generator=g) - 0.2) * 2.0
        speed = (torch.rand(SPILL_DROPS, generator=g) * 0.7 + 0.3) * self.h * 0.025
        self.vx, self.vy = torch.cos(angles) * speed, torch.sin(angles) * speed
        self.gravity = self.h * 0.006
        self.wet = self.colour(list(self.liquid))
        self.wood, self.edge = self.colour([150, 100, 62]), self.colour([105, 68, 40])

    def _glass(self, frame: torch.Tensor, step: int) -> None:
        """The glass turned `step` of TIP_STEPS quarter turns clockwise about its right foot."""
        ready = self.turns[step]
        side = ready[1].shape[0]
        sh, sw = self.drawing[1].shape[:2]
        angle = math.pi / 2 * step / TIP_STEPS
        # the drawing's centre circles the foot as it turns
        ox, oy = -sw / 2, -sh / 2
        c, s = math.cos(angle), math.sin(angle)
        centre_x, centre_y = self.foot[0] + ox * c - oy * s, self.foot[1] + ox * s + oy * c
        _blit(frame, ready, round(centre_x - side / 2), round(centre_y - side / 2))

    def draw(self, frame: torch.Tensor, age: int) -> None:
        top, depth = self.top, self.depth
        _rect(frame, self.left + 6, top, self.left + 14, FLOOR * self.h, self.edge)  # legs
        _rect(frame, self.right - 14, top, self.right - 6, FLOOR * self.h, self.edge)
        _rect(frame, self.left, top - depth, self.right, top, self.wood)
        _rect(frame, self.left, top, self.right, top + self.h * 0.025, self.edge)
        if age >= 0:
            # the puddle spreads from the mouth over the tabletop, fast at first, and runs off its right edge
            spread = 1 - math.exp(-(age + 1) / PUDDLE_FRAMES)
            rx, ry = self.h * 0.28 * spread, depth * 0.45 * spread + 1
            rows, cols, ys, xs = _grid(frame, self.mouth[0] - rx, top - depth, self.mouth[0] + rx, top)
            pool = ((xs - self.mouth[0]) / max(rx, 1)) ** 2 + ((ys - (top - depth * 0.45)) / max(ry, 1)) ** 2 <= 1
            _fill(frame, rows, cols, pool & (xs < self.right), self.wet)
            if self.mouth[0] + rx > self.right:
                # a thin stream off the edge, and a puddle on the floor that grows under it
                _rect(frame, self.right - 2, top, self.right + 1, FLOOR * self.h, self.wet)
                grow = min(1.0, (age - PUDDLE_FRAMES) / 40) if age > PUDDLE_FRAMES else 0.0
                _rect(
                    frame,
                    self.right - self.h * 0.1 * grow - 2,
                    FLOOR * self.h - 2,
                    self.right + self.h * 0.1 * grow + 2,
                    FLOOR * self.h + 1,
                    self.wet,
                )
        # it tips from rest, faster and faster (a quarter turn in TIP_FRAMES), and lies on its side from the cue
        tipped = min(1.0, max(0.0, 1 + age / TIP_FRAMES))
        self._glass(frame, round(TIP_STEPS * tipped * tipped))
        if age >= 0:
            # the splash: drops thrown out of the mouth that fall back onto the table (into the puddle)
            t = float(age + 1)
            xs = self.mouth[0] + self.vx * t
            ys = self.mouth[1] + self.vy * t + 0.5 * self.gravity * t * t
            up = ys < top - depth * 0.3
            _dots(frame, xs[up], ys[up], self.wet, size=max(2, self.h // 90))
            if age < 4:
                _blend_disc(frame, self.mouth[0], self.mouth[1], int(self.h * 0.04), int(120 * (1 - age / 4)))


@dataclass
class Rebound:
    """A ball rests on the ground until it is kicked or thrown FLIGHT_FRAMES before the cue; it flies in an
    arc to a wall and hits it on the cue frame (chips and dust off the wall), rebounds, bounces lower and
    lower on the ground and rolls to a stop, where it stays."""

    w: int
    h: int
    cx: float
    colour: Colour
    seed: int
    drawing: Ready | None = None

    def __post_init__(self) -> None:
        self.wall = self.w * 0.8
        if self.drawing is None:
            side = max(6, int(self.h * 0.07))
            yy, xx = torch.meshgrid(
                torch.arange(side) - side / 2 + 0.5, torch.arange(side) - side / 2 + 0.5, indexing="ij"
            )
            alpha = ((yy**2 + xx**2) <= (side / 2) ** 2).float()[..., None]
            self.drawing = (torch.tensor([235.0, 235.0, 235.0]) * alpha + 0.5, 1 - alpha)
        self.r = self.drawing[1].shape[0] / 2
        ground = FLOOR * self.h - self.r
        self.start = (self.w * 0.5, ground)
        self.hit = (self.wall - self.r, FLOOR * self.h - self.h * 0.22)
        t = FLIGHT_FRAMES
        self.gravity, self.lob = self.h * 0.004, self.h * 0.0012  # on the bounces; on the flat kick
        self.vx = (self.hit[0] - self.start[0]) / t
        self.vy = (self.hit[1] - self.start[1] - 0.5 * self.lob * t * t) / t
        g = torch.Generator().manual_seed(self.seed)
        angles = math.pi + (torch.rand(CHIPS, generator=g) - 0.5) * 2.2
        speed = (torch.rand(CHIPS, generator=g) * 0.7 + 0.3) * self.h * 0.02
        self.cvx, self.cvy = torch.cos(angles) * speed, torch.sin(angles) * speed
        self.brick, self.mortar = self.colour([160, 82, 60]), self.colour([200, 190, 175])
        self.scuff = self.colour([95, 50, 38])

    def centre(self, age: int) -> tuple[float, float]:
        ground = FLOOR * self.h - self.r
        if age < -FLIGHT_FRAMES:
            return self.start
        if age <= 0:
            t = age + FLIGHT_FRAMES
            return self.start[0] + self.vx * t, self.start[1] + self.vy * t + 0.5 * self.lob * t * t
        # off the wall at under half its speed, then bounces on the ground, each bounce lower, and rolls to a
        # stop (a ball slower than a pixel a frame has stopped: it does not creep a pixel now and then)
        x, y, vx, vy = self.hit[0], self.hit[1], -0.4 * self.vx, 0.0
        for _ in range(age):
            x, y, vy = x + vx, y + vy, vy + self.gravity
            if y >= ground:
                y, vy, vx = ground, -0.5 * vy if vy > self.h * 0.02 else 0.0, vx * 0.85
                vx = vx * 0.92 if vy == 0.0 and abs(vx) >= 1 else (vx if vy else 0.0)
            x = max(x, self.r)
        return x, y

    def draw(self, frame: torch.Tensor, age: int) -> None:
        top = FLOOR * self.h - self.h * 0.45
        _rect(frame, self.wall, top, self.w, FLOOR * self.h, self.brick)
        course = max(4, int(self.h * 0.04))
        for k, row in enumerate(range(int(top), int(FLOOR * self.h), course)):
            _rect(frame, self.wall, row, self.w, row + 1, self.mortar)
            for col in range(int(self.wall) + (course if k % 2 else 0), self.w, course * 2):
                _rect(frame, col, row, col + 1, row + course, self.mortar)
        if age >= 0:  # the scuff the ball leaves on the bricks
            _rect(
                frame,
                self.wall,
                self.hit[1] - self.r * 0.8,
                self.wall + self.r * 0.5,
                self.hit[1] + self.r * 0.8,
                self.scuff,
            )
        x, y = self.centre(age)
        _blit(frame, self.drawing, round(x - self.r), round(y - self.r))
        if age >= 0:
            t = float(age + 1)
            cx = (self.wall + self.cvx * t).clamp(max=self.wall - 1)
            cy = (self.hit[1] + self.cvy * t + 0.5 * self.gravity * t * t).clamp(max=FLOOR * self.h)
            _dots(frame, cx, cy, self.mortar, size=max(3, self.h // 45))
        if 0 <= age < GLINT_FRAMES:
            _blend_disc(frame, self.wall, self.hit[1], int(self.h * 0.09), int(GLINT * (1 - age / GLINT_FRAMES)))


@dataclass
class CarDoor:
    """A parked car's door, open, swings shut and closes on the cue frame; the car rocks on its springs and
    the picture shakes. `body` is the box (x0, y0, x1, y1, facing +1 right / −1 left) of the vehicle drawn as
    the shot's subject, whose door it is; without one, a car is drawn."""

    w: int
    h: int
    cx: float
    colour: Colour
    body: tuple[float, float, float, float, int] | None = None
    paint: tuple[int, int, int] = (170, 40, 45)
    open_angle: float = math.radians(70)

    def __post_init__(self) -> None:
        if self.body is None:
            length = self.h * 0.75
            self.car = (self.cx - length / 2, FLOOR * self.h - self.h * 0.3, self.cx + length / 2, FLOOR * self.h, 1)
        else:
            self.car = self.body
        x0, y0, x1, y1, facing = self.car
        # the door: the front half of the cabin, hinged at its front edge
        front = (
            (x1 - (x1 - x0) * 0.3, x1 - (x1 - x0) * 0.58)
            if facing > 0
            else (x0 + (x1 - x0) * 0.3, x0 + (x1 - x0) * 0.58)
        )
        self.hinge, self.free = front
        self.top, self.bottom = y0 + (y1 - y0) * 0.3, y0 + (y1 - y0) * 0.78
        if self.body is None:
            self.panel, self.seam = self.colour(list(self.paint)), self.colour([int(c * 0.55) for c in self.paint])
        else:  # the vehicle's own drawing is already lit and graded: its paint is used as it is
            self.panel = torch.tensor(self.paint, dtype=torch.uint8)
            self.seam = torch.tensor([int(c * 0.55) for c in self.paint], dtype=torch.uint8)
        self.glass, self.dark = self.colour([170, 205, 225]), self.colour([25, 25, 30])

    def angle(self, age: int) -> float:
        if age >= 0:
            return 0.0
        u = max(0.0, (age + SWING_FRAMES) / SWING_FRAMES)
        return self.open_angle * (1 - u * u)

    def _car(self, frame: torch.Tensor, dip: float) -> None:
        x0, y0, x1, y1, _ = self.car
        height = y1 - y0
        body_top = y0 + height * 0.35 + dip
        _rect(frame, x0, body_top, x1, y1 - height * 0.15 + dip, self.panel)
        cab0, cab1 = (x0 + (x1 - x0) * 0.22, x1 - (x1 - x0) * 0.2)
        _rect(frame, cab0, y0 + dip, cab1, body_top + 1, self.panel)
        _rect(frame, cab0 + 4, y0 + height * 0.07 + dip, cab1 - 4, body_top - 2, self.glass)
        for wx in (x0 + (x1 - x0) * 0.2, x1 - (x1 - x0) * 0.2):
            r = height * 0.17
            rows, cols, ys, xs = _grid(frame, wx - r, y1 - 2 * r, wx + r, y1)
            _fill(frame, rows, cols, (xs - wx) ** 2 + (ys - (y1 - r)) ** 2 <= r * r, self.dark)

    def draw(self, frame: torch.Tensor, age: int) -> None:
        dip = float(max(0, 3 - age)) if age >= 0 else 0.0  # it rocks down on its springs and settles
        if self.body is None:
            self._car(frame, dip)
        lo, hi = min(self.hinge, self.free), max(self.hinge, self.free)
        top, bottom = self.top + dip, self.bottom + dip
        angle = self.angle(age)
        if angle > 0:
            _rect(frame, lo, top, hi, bottom, self.dark)  # the opening into the cabin
        # the door swings out toward the camera: narrower, its free edge nearer and so taller
        span = (self.free - self.hinge) * math.cos(angle)
        grow = (bottom - top) * 0.25 * math.sin(angle)
        edge = self.hinge + span
        rows, cols, ys, xs = _grid(frame, min(self.hinge, edge), top - grow, max(self.hinge, edge), bottom + grow)
        reach = ((xs - self.hinge) / span).clamp(0, 1) if abs(span) >= 1 else torch.zeros_like(xs)
        inside = (ys >= top - grow * reach) & (ys <= bottom + grow * reach)
        _fill(frame, rows, cols, inside, self.panel)
        window = inside & (ys < top + (bottom - top) * 0.35 - grow * reach * 0.5)
        _fill(frame, rows, cols, window, self.glass)
        if angle == 0:
            _rect(frame, lo, top, hi, top + 1, self.seam)  # the door's seams, flush with the body
            _rect(frame, lo, bottom - 1, hi, bottom, self.seam)
            _rect(frame, lo, top, lo + 1, bottom, self.seam)
            _rect(frame, hi - 1, top, hi, bottom, self.seam)
            hx = self.free + (4 if self.free < self.hinge else -10)
            _rect(frame, hx, top + (bottom - top) * 0.5, hx + 6, top + (bottom - top) * 0.5 + 2, self.seam)
        if 0 <= age < DUST_FRAMES:
            # dust shaken out of the door's seams, thickest on the slam, drifting down as it thins
            g = torch.Generator().manual_seed(int(lo))
            n = DUST // 2
            edge = torch.where(torch.rand(n, generator=g) < 0.5, lo, hi)
            xs = edge + (torch.rand(n, generator=g) - 0.5) * self.h * 0.05
            ys = top + torch.rand(n, generator=g) * (bottom - top) + age * self.h * 0.004
            keep = torch.rand(n, generator=g) < 1 - age / DUST_FRAMES
            _dots(frame, xs[keep], ys[keep], self.colour([225, 215, 195]), size=2)
        if 0 <= age < len(SLAM_SHAKE):
            frame[:] = torch.roll(frame, max(1, round(SLAM_SHAKE[age] * self.h)), dims=1)


# ---------------------------------------------------------------- sounds whose source acts (fourth review)

# A source's jolt (a call's stretch and head toss, a chord's bob) dies away over POSE_FRAMES; its sound lines
# spread and fade over ARC_FRAMES; a ringing, buzzing or revving thing rattles over RATTLE_FRAMES, one
# back-and-forth every RATTLE_PERIOD frames (a smooth shake: no frame jumps more than the cue's).
POSE_FRAMES, ARC_FRAMES, RATTLE_FRAMES, RATTLE_PERIOD = 8, 12, 30, 4
# Music: notes thrown up from the source on the cue, rising and fading over NOTE_FRAMES.
NOTES, NOTE_FRAMES = 6, 40
# A motor's exhaust: puffs of smoke shot out of its back on the cue that swell, drift and thin over PUFF_FRAMES.
PUFFS, PUFF_FRAMES = 9, 30
# An alarm's light pulses once every GLOW_PERIOD frames, dimming over GLOW_FRAMES.
GLOW_PERIOD, GLOW_FRAMES = 8, 48
# A strike (it charges, kicks or butts something it is against): it lunges STRIKE_REACH of its width toward
# where it faces on the cue frame and eases back over POSE_FRAMES; the knock throws up STRIKE_DUST motes at
# its front, which settle over DUST_FRAMES.
STRIKE_REACH, STRIKE_DUST = 0.14, 120
# A gun's muzzle flash is this far down the picture (a standing person's hand height).
MUZZLE_HEIGHT = 0.55
# A chop (a cleaver, an axe, a hammer comes down): it rises CHOP_LIFT of its height, tilted back, over the first part
# of CHOP_FRAMES (at most CHOP_MOST of the picture's) and comes down hard onto where it rests on the cue frame,
# squashed, knocking up dust there.
CHOP_FRAMES, CHOP_LIFT, CHOP_RISE, CHOP_MOST = 12, 0.7, 0.65, 0.2
SOUNDING_KINDS = ("call", "ring", "alarm", "motor", "music", "steam", "strike", "chop")


def _arcs(
    frame: torch.Tensor,
    cx: float,
    cy: float,
    radii: list[float],
    sides: tuple[int, ...],
    width: float,
    ink: torch.Tensor,
    alpha: float,
) -> None:
    """Sound lines: arcs of the given radii about (cx, cy), a 100° sector on each side (+1 right, −1 left),
    blended in `ink` with `alpha`."""
    if alpha <= 0 or not radii:
        return
    reach = max(radii) + width
    rows, cols, ys, xs = _grid(frame, cx - reach, cy - reach, cx + reach, cy + reach)
    dx, dy = xs - cx, ys - cy
    dist = (dx**2 + dy**2).sqrt()
    ring = torch.zeros_like(dist, dtype=torch.bool)
    for radius in radii:
        ring |= (dist - radius).abs() < width / 2
    sector = torch.zeros_like(ring)
    for side in sides:
        sector |= (dx * side > 0) & (dy.abs() < 1.2 * dx.abs())
    _veil(frame, rows, cols, (ring & sector).float() * alpha, ink)


@dataclass
class Sounding:
    """A thing that makes a sound without breaking anything: it acts on the cue frame, so the sound is seen.

    call (an animal or a person): it stretches and tosses its head toward where it faces, and sound lines
    leave its mouth; ring: it rattles and sound lines spread from both its sides (a bell's strike, for any
    ringing thing); alarm: a ring whose light pulses round it; motor: it shakes on its springs and a puff of
    exhaust shoots out of its back; music: it bobs and notes rise out of it; steam: a jet of steam shoots from
    its top; strike (it charges, kicks or butts what it is against, a stall door, a gate, a rival): it lunges
    toward where it faces on the cue frame, the picture shakes with the knock and dust flies off its front,
    then it eases back; chop (a cleaver, an axe, a hammer): it rises before the cue and comes down hard on it.
    `drawing` is the source's sprite (the shot's subject, taken over, or the cue's source
    beside it), standing in `box` (x0, y0, x1, y1) before and after; without one the source is a person drawn by the
    renderer, `box` is their head (updated each frame) and only the sound lines are drawn. The motion and
    the lines are largest on the cue frame and die away after it."""

    kind: str
    w: int
    h: int
    colour: Colour
    seed: int
    drawing: Ready | None
    box: tuple[float, float, float, float]
    facing: int = 1  # +1 the source looks right, −1 left, 0 at the camera
    ink: torch.Tensor | None = None  # the lines' and notes' colour: one that stands out of the world
    glow: tuple[int, int, int] = (255, 70, 40)

    def __post_init__(self) -> None:
        g = torch.Generator().manual_seed(self.seed)
        self.note_x = (torch.rand(NOTES, generator=g) - 0.5) * 1.2  # across the source, in its widths
        self.note_rise = (torch.rand(NOTES, generator=g) * 0.5 + 0.75) * self.h * 0.004
        self.note_sway = torch.rand(NOTES, generator=g) * 2 * math.pi
        self.note_start = 0.3 + torch.rand(NOTES, generator=g) * 0.4  # where they leave it, down from its top
        angles = math.pi / 2 + (torch.rand(PUFFS, generator=g) - 0.5) * 0.9  # back and a little up or down
        # sized by the source: a motorbike's puff is a motorbike's, a lorry's a lorry's
        tall = self.box[3] - self.box[1]
        speed = (torch.rand(PUFFS, generator=g) * 0.6 + 0.4) * tall * 0.06
        self.puff_vx, self.puff_vy = torch.sin(angles) * speed, -torch.cos(angles) * speed - tall * 0.01
        self.puff_r = (torch.rand(PUFFS, generator=g) * 0.5 + 0.5) * tall * 0.22
        if self.ink is None:
            self.ink = self.colour([245, 245, 240])
        # smoke leans to the ink: pale over a dark road, dark over a bright sky, so it is seen
        self.smoke = (self.ink.float() * 0.6 + 60).round().clamp(0, 255).to(torch.uint8)
        self.steam = self.colour([240, 242, 245])
        self.light = self.colour(list(self.glow))
        self.poses = None if self.drawing is None else _Poses(self.drawing)

    def pose(self, age: int) -> tuple[float, float, float, float]:
        """(stretch, turn, dx, dy) of the source `age` frames after the cue: its height × stretch (its width ÷
        √stretch, so it keeps its bulk), turned clockwise by `turn` radians, moved (dx, dy) pixels."""
        tall = self.box[3] - self.box[1]
        if self.kind == "chop" and -CHOP_FRAMES <= age < 0:  # raised, then brought down onto the cue frame
            u = (age + CHOP_FRAMES) / CHOP_FRAMES
            up = (
                math.sin(math.pi / 2 * u / CHOP_RISE) if u < CHOP_RISE else 1 - ((u - CHOP_RISE) / (1 - CHOP_RISE)) ** 2
            )
            return 1.0, -0.35 * up * (self.facing or 1), 0.0, -min(CHOP_LIFT * tall, CHOP_MOST * self.h) * up
        if age < 0:
            return 1.0, 0.0, 0.0, 0.0
        jolt = max(0.0, 1 - age / POSE_FRAMES) ** 2
        rattle = max(0.0, 1 - age / RATTLE_FRAMES) * math.cos(2 * math.pi * age / RATTLE_PERIOD)
        if self.kind == "call":
            return 1 + 0.16 * jolt, -0.22 * jolt * (self.facing or 1), 0.0, 0.0
        if self.kind == "music":
            return 1 + 0.1 * jolt, 0.0, 0.0, 0.0
        if self.kind == "chop":  # squashed by the blow where it lands
            return 1 - 0.12 * jolt, 0.0, 0.0, 0.0
        if self.kind == "strike":
            # at the thing it hits on the cue frame, head down into it, then back where it stood
            reach = (self.box[2] - self.box[0]) * STRIKE_REACH
            return 1.0, 0.12 * jolt * (self.facing or 1), (self.facing or 1) * reach * jolt, 0.0
        if self.kind == "motor":
            # it lurches on the cue, its front lifting, and settles shaking a little (the engine running)
            shake = tall * 0.012 * max(0.0, 1 - age / RATTLE_FRAMES) * math.cos(math.pi * age)
            return 1.0, -0.1 * jolt * (self.facing or 1), 0.0, -tall * 0.04 * jolt + shake
        return 1.0, (0.05 if self.kind == "steam" else 0.1) * rattle, 0.0, 0.0

    def _source(self, frame: torch.Tensor, age: int) -> None:
        stretch, turn, dx, dy = self.pose(age)
        assert self.poses is not None
        ready = self.poses(stretch, turn)
        x0, y0, x1, y1 = self.box
        # it stands on its feet: the stretched drawing's centre is half its new height above them
        cx, cy = (x0 + x1) / 2 + dx, y1 - (y1 - y0) * stretch / 2 + dy
        side_h, side_w = ready[1].shape[:2]
        _blit(frame, ready, round(cx - side_w / 2), round(cy - side_h / 2))

    def _mouth(self) -> tuple[float, float, tuple[int, ...]]:
        """Where the sound leaves the source, and the sides its lines spread to."""
        x0, y0, x1, y1 = self.box
        if self.drawing is None:  # a person's head: the lines leave both sides of it
            return (x0 + x1) / 2, (y0 + y1) / 2, (-1, 1)
        if self.kind == "call" and self.facing:
            return (x0 + x1) / 2 + self.facing * (x1 - x0) * 0.42, y0 + (y1 - y0) * 0.25, (self.facing,)
        return (x0 + x1) / 2, y0 + (y1 - y0) * 0.45, (-1, 1)

    def _notes(self, frame: torch.Tensor, age: int) -> None:
        x0, y0, x1, y1 = self.box
        fade = 1 - age / NOTE_FRAMES
        head_w, head_h = self.h * 0.022, self.h * 0.015
        stem = self.h * 0.06
        for k in range(NOTES):
            t = float(age + 2)  # thrown out on the cue: already clear of the source on the cue frame
            nx = (
                (x0 + x1) / 2
                + float(self.note_x[k]) * (x1 - x0)
                + self.h * 0.02 * math.sin(float(self.note_sway[k]) + t * 0.2)
            )
            ny = y0 + (y1 - y0) * float(self.note_start[k]) - float(self.note_rise[k]) * t
            rows, cols, ys, xs = _grid(frame, nx - head_w * 1.3, ny - stem - head_h, nx + head_w * 2.6, ny + head_h)
            head = ((xs - nx) / head_w) ** 2 + ((ys - ny) / head_h) ** 2 <= 1
            right = nx + head_w * 0.85
            stem_mask = (xs >= right - 1.5) & (xs <= right + 1) & (ys <= ny) & (ys >= ny - stem)
            flag = (xs >= right) & (xs <= right + head_w * 1.5) & (ys >= ny - stem) & (ys <= ny - stem + head_h)
            _veil(frame, rows, cols, (head | stem_mask | flag).float() * fade, self.ink)

    def _puffs(self, frame: torch.Tensor, age: int) -> None:
        x0, y0, x1, y1 = self.box
        back = x0 + (x1 - x0) * 0.08 if self.facing >= 0 else x1 - (x1 - x0) * 0.08
        sx, sy = back, y1 - (y1 - y0) * 0.22
        t = float(age + 2)
        fade = 1 - age / PUFF_FRAMES
        reach = (y1 - y0) * 1.6
        rows, cols, ys, xs = _grid(frame, sx - reach, sy - reach, sx + reach, sy + reach * 0.4)
        alpha = torch.zeros(ys.shape[0], xs.shape[1])
        for k in range(PUFFS):
            px = sx - (self.facing or 1) * float(self.puff_vx[k]) * t
            py = sy + float(self.puff_vy[k]) * t
            r = float(self.puff_r[k]) * (1 + 0.1 * t)
            alpha = torch.maximum(alpha, (1 - ((xs - px) ** 2 + (ys - py) ** 2) / r**2).clamp(min=0) ** 0.5)
        _veil(frame, rows, cols, alpha * 0.95 * fade, self.smoke)

    def _jet(self, frame: torch.Tensor) -> None:
        x0, y0, x1, _ = self.box
        sx, sy = (x0 + x1) / 2, y0 + (self.box[3] - y0) * 0.08
        length = self.h * 0.3
        rows, cols, ys, xs = _grid(frame, sx - length * 0.4, sy - length, sx + length * 0.4, sy)
        along = ((sy - ys) / length).clamp(0, 1)
        width = self.h * (0.012 + 0.08 * along)
        jet = (1 - (xs - sx).abs() / width).clamp(min=0) * (1 - 0.6 * along)
        _veil(frame, rows, cols, (1.4 * jet).clamp(max=0.92), self.steam)

    def _dust(self, frame: torch.Tensor, age: int) -> None:
        """Dust knocked off where it strikes, thickest on the cue frame, drifting down as it thins."""
        x0, y0, x1, y1 = self.box
        front = x1 + (x1 - x0) * STRIKE_REACH if self.facing >= 0 else x0 - (x1 - x0) * STRIKE_REACH
        g = torch.Generator().manual_seed(self.seed + 1)
        tall = y1 - y0
        ys = y0 + tall * (0.2 + 0.7 * torch.rand(STRIKE_DUST, generator=g)) + age * self.h * 0.004
        out = torch.rand(STRIKE_DUST, generator=g) * tall * 0.35 * (1 + 0.15 * age)
        xs = front + (self.facing or 1) * (out - tall * 0.08)
        if self.kind == "chop":  # thrown up both ways from under where it came down
            side = torch.where(torch.rand(STRIKE_DUST, generator=g) < 0.5, -1.0, 1.0)
            xs = (x0 + x1) / 2 + side * (out + (x1 - x0) * 0.2)
            ys = y1 - tall * 0.3 * torch.rand(STRIKE_DUST, generator=g) * (1 + 0.3 * age) + age * self.h * 0.003
        keep = torch.rand(STRIKE_DUST, generator=g) < 1 - age / DUST_FRAMES
        _dots(frame, xs[keep], ys[keep], self.smoke, size=max(2, self.h // 120))

    def _glow(self, frame: torch.Tensor, age: int) -> None:
        x0, y0, x1, y1 = self.box
        cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0) * 0.85
        pulse = (0.5 + 0.5 * math.cos(2 * math.pi * age / GLOW_PERIOD)) * max(0.0, 1 - age / GLOW_FRAMES)
        rows, cols, ys, xs = _grid(frame, cx - r, cy - r, cx + r, cy + r)
        halo = (1 - ((xs - cx) ** 2 + (ys - cy) ** 2).sqrt() / r).clamp(min=0) ** 0.7
        _veil(frame, rows, cols, halo * 0.75 * pulse, self.light)

    def draw(self, frame: torch.Tensor, age: int) -> None:
        if self.kind == "alarm" and age >= 0:
            self._glow(frame, age)  # behind the source: it is lit from within, not hidden
        if self.drawing is not None:
            self._source(frame, age)
        if age < 0:
            return
        if self.kind == "motor" and age < PUFF_FRAMES:
            self._puffs(frame, age)
        if self.kind == "music" and age < NOTE_FRAMES:
            self._notes(frame, age)
        if self.kind == "steam":
            self._jet(frame)
        if self.kind in ("strike", "chop") and age < DUST_FRAMES:
            self._dust(frame, age)
        if self.kind in ("strike", "chop") and age < len(
            SLAM_SHAKE
        ):  # shaken sideways, the left edge smeared, not wrapped
            shift = max(1, round(SLAM_SHAKE[age] * self.h))
            frame[:, shift:] = frame[:, :-shift].clone()
        if self.kind in ("call", "ring", "alarm") and age < ARC_FRAMES:
            x0, y0, x1, y1 = self.box
            mx, my, sides = self._mouth()
            size = max(x1 - x0, y1 - y0)
            # a person's box is their face: the lines start clear of it
            base = size * (0.28 if self.kind == "call" and self.drawing is not None else 0.62)
            spread = size * 0.012 * age  # slowly: the lines are seen where they leave, not as a flicker
            radii = [base + spread + size * 0.16 * k for k in range(3)]
            _arcs(frame, mx, my, radii, sides, max(2.0, self.h / 75), self.ink, 1 - age / ARC_FRAMES)


# ---------------------------------------------------------------- things that move on their cue (tenth review)

# leap: it springs from LEAP_SPAN of its widths behind where it stands, rises LEAP_HEIGHT of its heights and lands
# where it stands on the cue frame, after LEAP_FRAMES in the air, squashing as it lands.
LEAP_FRAMES, LEAP_SPAN, LEAP_HEIGHT, LEAP_MOST = 14, 1.4, 1.2, 0.3
# land: it glides in GLIDE_SPEED frame widths a frame, GLIDE_SLOPE down for each across, and touches down on the cue.
GLIDE_SPEED, GLIDE_SLOPE = 0.012, 0.3
# launch: still until the cue, then it shoots up, LAUNCH_SPEED of its heights on the cue frame and LAUNCH_ACCEL
# frame heights faster each frame after, out of the top of the picture.
LAUNCH_SPEED, LAUNCH_ACCEL = 0.25, 0.004
# halt: it drives in at HALT_SPEED frame widths a frame and brakes over HALT_FRAMES to stand still on the cue.
HALT_FRAMES, HALT_SPEED = 20, 0.008
# hit (a ball struck) and knocked (a bowl a dog knocks off its mat): still until the cue, squashed by the blow on
# it, then it flies off HIT_SPEED frame widths a frame.
HIT_SPEED = 0.035
STRUCK = ("hit", "knocked")
# knocked: it leaves at KNOCK_SPEED frame widths a frame, rising KNOCK_RISE of its height a frame and falling back
# KNOCK_GRAVITY frame heights a frame faster each frame, turning over KNOCK_SPIN radians a frame until it lands.
KNOCK_SPEED, KNOCK_RISE, KNOCK_GRAVITY, KNOCK_SPIN = 0.012, 0.2, 0.004, 0.35
# The water a thing leaps or lands into where the place shows none: an oval POOL_WIDE of its widths across and
# POOL_DEEP of its heights deep, its middle where it comes down.
POOL_WIDE, POOL_DEEP = 1.8, 0.35
# What it throws up where it lands, brakes or leaves (spray off water, dust or smoke off the ground), and the
# frames that settles over.
KICKED_UP, KICKED_FRAMES, CLOUD_FRAMES = 260, 18, 10
# toss: thrown, it flies TOSS_FRAMES in an arc from TOSS_SPAN of the picture behind where it lands, turning over, and
# lands (or is caught) there on the cue.
TOSS_FRAMES, TOSS_SPAN, TOSS_TURNS = 16, 0.3, 1.5
# pour: it is lifted POUR_LIFT of its height and tipped to POUR_TILT radians over POUR_FRAMES to the cue, when its
# stream starts; the stream is POUR_WIDTH of the thing's width across (at most a quarter of that of the picture's
# height), three times that in the first gush, which narrows over POUR_GUSH frames; POUR_DROPS splash where it lands.
POUR_FRAMES, POUR_TILT, POUR_WIDTH, POUR_LIFT, POUR_DROPS, POUR_GUSH = 40, 1.1, 0.15, 1.0, 40, 8
MOTION_KINDS = ("leap", "land", "launch", "halt", "hit", "knocked", "toss", "pour")


class _Poses:
    """A sprite stretched (its height × stretch, its width ÷ √stretch, so it keeps its bulk) and turned, each pose
    made once."""

    def __init__(self, drawing: Ready) -> None:
        self.drawing = drawing
        self._made: dict[tuple[float, float], Ready] = {}

    def __call__(self, stretch: float, turn: float) -> Ready:
        key = (round(stretch, 2), round(turn, 2))
        if key not in self._made:
            premultiplied, clear = self.drawing
            if key[0] != 1.0:
                sh, sw = clear.shape[:2]
                size = (max(2, round(sh * key[0])), max(2, round(sw / math.sqrt(key[0]))))
                stacked = torch.cat([premultiplied, clear], dim=-1).permute(2, 0, 1)[None]
                resized = F.interpolate(stacked, size=size, mode="bilinear", align_corners=False)[0].permute(1, 2, 0)
                premultiplied, clear = resized[..., :3].contiguous(), resized[..., 3:].contiguous()
            self._made[key] = _turned((premultiplied, clear), key[1]) if key[1] else (premultiplied, clear)
        return self._made[key]


@dataclass
class Motion:
    """A thing that moves on its cue, the move's impact on the cue frame. leap (a whale breaching, a frog off its
    pad, a skateboard's kickflip): it springs from behind where it stands and lands there on the cue; land (a
    floatplane, a gull, a monster truck off a ramp): it glides in descending and touches down on the cue; launch (a
    rocket, a drone, a heron): it stands until the cue and shoots up out of the picture; halt (a bus at its stop, a
    race car locking its wheels): it drives in braking and stops dead on the cue, pitching forward; hit (a ball
    struck, kicked or putted): it sits until the cue, is squashed by the blow and flies off; knocked (a bowl a dog
    knocks off its mat, a bucket kicked over): the same, tumbling in a low arc and lying where it comes down; toss
    (a fish thrown to a stallholder, a ball lobbed): it flies in turning over and lands or is caught on the cue; pour
    (a teapot, a jug): it tips toward where it faces and its stream starts on the cue. Where it lands, stops or
    leaves it throws up spray (`wet`: water) or dust and smoke. `drawing` stands in `box` (x0, y0, x1, y1)
    where the thing rests: before its event (a launch, a hit) or after it (a leap, a landing, a halt); it faces
    `facing` (+1 right, −1 left, 0 the camera: it moves right)."""

    kind: str
    w: int
    h: int
    colour: Colour
    seed: int
    drawing: Ready
    box: tuple[float, float, float, float]
    facing: int = 1
    wet: bool = False
    pours: tuple[int, int, int] = (150, 200, 235)  # what a pour pours (water unless the words say)
    pool: bool = False  # it leaps or lands into water the place does not show (a paddling pool, a trough): drawn
    breaks: bool = False  # a thing knocked flying that smashes where it comes down (a sugar bowl off a table)
    # a leap into the place's water (a dog off the bank into the river): `box` is where it lands in the water, and it
    # springs from `descent` pixels above that (below when negative: the water lies further off, up the picture)
    descent: float = 0.0

    def __post_init__(self) -> None:
        self.poses = _Poses(self.drawing)
        g = torch.Generator().manual_seed(self.seed)
        x0, y0, x1, y1 = self.box
        self.wide, self.tall = x1 - x0, y1 - y0
        size = max(self.wide, self.tall)
        spread = math.pi * (0.9 if self.kind in ("leap", "land") else 0.6)
        angles = -math.pi / 2 + (torch.rand(KICKED_UP, generator=g) - 0.5) * spread  # up, fanned out
        speed = (torch.rand(KICKED_UP, generator=g) * 0.8 + 0.2) * size * 0.09
        self.vx, self.vy = torch.cos(angles) * speed, torch.sin(angles) * speed
        self.from_x = (torch.rand(KICKED_UP, generator=g) - 0.5) * self.wide
        self.gravity = size * 0.012
        self.spray = self.colour([235, 242, 250] if self.wet else [200, 190, 175])
        self.liquid = self.colour(list(self.pours))
        self.water, self.pool_rim = self.colour([70, 140, 200]), self.colour([200, 225, 240])
        # a knocked thing lands this many frames after the cue (the top of its arc is half way)
        self.landing = math.ceil(2 * self.tall * KNOCK_RISE / (self.h * KNOCK_GRAVITY))
        # only a thing that breaks is cut into pieces
        self._shards = (
            _fragments(self.drawing, self.h, torch.Generator().manual_seed(self.seed + 7)) if self.breaks else []
        )
        self._turned_shards: dict[tuple[int, float], Ready] = {}

    def pose(self, age: int) -> tuple[float, float, float, float]:
        """(stretch, turn, dx, dy): the thing `age` frames after its cue, its height × stretch, turned clockwise by
        `turn` radians, moved (dx, dy) pixels from where it rests."""
        face = self.facing or 1
        if self.kind == "leap":
            if age >= 0:
                return 1 - 0.2 * max(0.0, 1 - age / 4), 0.0, 0.0, 0.0
            u = max(0.0, 1 + age / LEAP_FRAMES)  # 0 at the spring, 1 on landing
            # a whale's leap is its own height, not its length again: within the picture
            dx = -face * min(self.wide * LEAP_SPAN, self.w * LEAP_MOST) * (1 - u)
            dy = -4 * min(self.tall * LEAP_HEIGHT, self.h * LEAP_MOST) * u * (1 - u) - self.descent * (1 - u)
            return 1.0, face * 0.8 * (0.5 - u) if u > 0 else 0.0, dx, dy
        if self.kind == "toss":
            if age >= 0:
                return 1.0, 0.0, 0.0, 0.0
            u = max(0.0, 1 + age / TOSS_FRAMES)
            dx = -face * self.w * TOSS_SPAN * (1 - u)
            dy = -4 * self.h * LEAP_MOST * u * (1 - u)
            return 1.0, face * 2 * math.pi * TOSS_TURNS * (1 - u) if u > 0 else 0.0, dx, dy
        if self.kind == "pour":  # lifted and tipped toward where it faces: its stream falls to where it stood
            u = min(1.0, max(0.0, 1 + age / POUR_FRAMES))
            lift = min(self.tall * POUR_LIFT, max(0.0, self.box[1] - self.h * 0.12))  # not out of the picture
            return 1.0, face * POUR_TILT * u, 0.0, -lift * u
        if self.kind == "land":
            if age >= 0:  # it settles on its wheels, floats or feet
                return 1 - 0.1 * max(0.0, 1 - age / 5), 0.0, 0.0, 0.0
            along = self.w * GLIDE_SPEED * -age
            return 1.0, -face * 0.1, -face * along, -along * GLIDE_SLOPE
        if self.kind == "launch":
            if age < 0:
                return 1.0, 0.0, 0.0, 0.0
            t = age + 1
            return 1.05, 0.0, 0.0, -(self.tall * LAUNCH_SPEED * t + self.h * LAUNCH_ACCEL * t * t / 2)
        if self.kind == "halt":
            if age >= 0:  # it pitches onto its nose as it stops, and rocks back
                return 1.0, face * 0.08 * max(0.0, 1 - age / 6), 0.0, 0.0
            frames, speed = -age, self.w * HALT_SPEED
            braking = min(frames, HALT_FRAMES)
            gone = speed * braking * braking / (2 * HALT_FRAMES) + speed * max(0, frames - HALT_FRAMES)
            return 1.0, 0.0, -face * gone, 0.0
        # hit: squashed on the cue frame, then off and up, away from where it faces
        if age < 0:
            return 1.0, 0.0, 0.0, 0.0
        squash = 1.5 if age == 0 else 1.0
        if self.kind == "knocked":  # tumbling over in a low arc, and lying where it comes down
            rise = self.tall * KNOCK_RISE * age - 0.5 * self.h * KNOCK_GRAVITY * age * age
            flight = min(age, 2 * self.tall * KNOCK_RISE / (self.h * KNOCK_GRAVITY))
            return squash, face * KNOCK_SPIN * flight, face * self.w * KNOCK_SPEED * flight, -max(0.0, rise)
        return squash, 0.0, face * self.w * HIT_SPEED * age, -self.tall * 0.35 * age

    def _kicked_up(self, frame: torch.Tensor, age: int, at: float | None = None, count: int = KICKED_UP) -> None:
        """Spray or dust thrown up from where it lands or leaves (or a pour's stream meets the ground, `at`),
        falling back as it thins."""
        x0, _, x1, y1 = self.box
        t = float(age + 1)
        ground = y1 if self.kind not in STRUCK else y1 - self.tall / 2
        xs = ((x0 + x1) / 2 + self.from_x if at is None else at + self.from_x * 0.3) + self.vx * t
        ys = ground + self.vy * t + 0.5 * self.gravity * t * t
        keep = (ys <= ground) & (torch.arange(KICKED_UP) < count * (1 - age / KICKED_FRAMES))
        _dots(frame, xs[keep], ys[keep], self.spray if at is None else self.liquid, size=max(2, self.h // 90))

    def _cloud(self, frame: torch.Tensor, age: int) -> None:
        """The burst of spray or dust where it lands or its wheels lock (at its back): thickest on the cue frame,
        spreading and thinning over CLOUD_FRAMES."""
        x0, _, x1, y1 = self.box
        cx = (x0 + x1) / 2 - ((self.facing or 1) * self.wide * 0.35 if self.kind == "halt" else 0.0)
        rx, ry = self.wide * (0.55 + 0.04 * age), self.tall * (0.3 + 0.03 * age)
        rows, cols, ys, xs = _grid(frame, cx - rx, y1 - ry, cx + rx, y1 + ry * 0.2)
        cloud = (1 - ((xs - cx) / rx) ** 2 - ((ys - y1) / ry) ** 2).clamp(min=0) ** 0.5
        _veil(frame, rows, cols, cloud * 0.95 * max(0.0, 1 - age / CLOUD_FRAMES), self.spray)

    def _stream(self, frame: torch.Tensor, age: int) -> None:
        """What it pours: a stream from its lip (its front top corner, tipped) down to where it stood."""
        face = self.facing or 1
        x0, y0, x1, y1 = self.box
        _, turn, dx, dy = self.pose(0)
        cx, cy = (x0 + x1) / 2 + dx, (y0 + y1) / 2 + dy
        # its spout or lip, a little above the middle of its front, turned with it (clockwise on screen)
        px, py = face * self.wide * 0.45, -self.tall * 0.1
        lip_x = cx + px * math.cos(turn) - py * math.sin(turn)
        lip_y = cy + px * math.sin(turn) + py * math.cos(turn)
        half = max(1.5, min(self.wide * POUR_WIDTH, self.h * POUR_WIDTH / 4) / 2)
        half *= 1 + 2 * max(0.0, 1 - age / POUR_GUSH)  # the first gush, then the steady stream
        rows, cols, ys, xs = _grid(frame, lip_x - half * 3, lip_y, lip_x + half * 3, y1 + self.tall * 0.1)
        bend = (ys - lip_y) / max(1.0, y1 - lip_y)  # it leaves the lip moving forward, then falls
        centre = lip_x + face * half * 2 * (1 - (1 - bend.clamp(0, 1)) ** 2)
        _veil(frame, rows, cols, ((xs - centre).abs() < half).float() * 0.95, self.liquid)
        if age < KICKED_FRAMES:  # it splashes where it lands, as it starts
            self._kicked_up(frame, age, lip_x + face * half * 2, POUR_DROPS)

    def _blast(self, frame: torch.Tensor, age: int) -> None:
        """A launch's smoke: a cloud at its foot, biggest on the cue, thinning as it spreads."""
        x0, _, x1, y1 = self.box
        cx, r = (x0 + x1) / 2, self.wide * (0.45 + 0.03 * age)
        rows, cols, ys, xs = _grid(frame, cx - 1.6 * r, y1 - r, cx + 1.6 * r, y1 + r * 0.3)
        cloud = (1 - (((xs - cx) / 1.6) ** 2 + (ys - y1) ** 2) / r**2).clamp(min=0) ** 0.5
        _veil(frame, rows, cols, cloud * 0.9 * max(0.0, 1 - age / PUFF_FRAMES), self.spray)

    def _blow(self, frame: torch.Tensor) -> None:
        """The blow on a struck thing, on the cue frame: lines burst out of where it is hit."""
        x0, y0, x1, y1 = self.box
        cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, max(self.wide, self.tall)
        _arcs(frame, cx, cy, [r * 0.9, r * 1.3, r * 1.7], (-1, 1), max(2.0, self.h / 60), self.spray, 1.0)

    def _water(self, frame: torch.Tensor) -> None:
        """The water it leaps or lands into, where it comes down: an oval of water with a paler rim."""
        x0, _, x1, y1 = self.box
        cx, rx, ry = (x0 + x1) / 2, self.wide * POOL_WIDE / 2, max(3.0, self.tall * POOL_DEEP / 2)
        rows, cols, ys, xs = _grid(frame, cx - rx, y1 - ry, cx + rx, y1 + ry)
        inside = ((xs - cx) / rx) ** 2 + ((ys - y1) / ry) ** 2
        _veil(frame, rows, cols, (inside <= 1).float(), self.pool_rim)
        _veil(frame, rows, cols, (inside <= 0.7).float(), self.water)

    def _smashed(self, frame: torch.Tensor, age: int) -> None:
        """A knocked thing that breaks where it comes down: its pieces fly apart from there and lie where they land."""
        _, _, dx, _ = self.pose(self.landing)
        x0, _, x1, y1 = self.box
        cx, t, g = (x0 + x1) / 2 + dx, float(age - self.landing + 1), self.h * KNOCK_GRAVITY
        for k, piece in enumerate(self._shards):
            start, rest = y1 + piece.dy, y1 - piece.half
            flight = (-piece.vy + math.sqrt(piece.vy**2 + 2 * g * max(0.0, rest - start))) / g
            landed = min(t, flight)
            angle = round(piece.spin * landed, 1)
            if (k, angle) not in self._turned_shards:
                self._turned_shards[(k, angle)] = _turned(piece.ready, angle) if angle else piece.ready
            ready = self._turned_shards[(k, angle)]
            x = cx + piece.dx + piece.vx * landed
            y = min(rest, start + piece.vy * landed + 0.5 * g * landed**2)
            _blit(frame, ready, round(x - ready[1].shape[1] / 2), round(y - ready[1].shape[0] / 2))

    def draw(self, frame: torch.Tensor, age: int) -> None:
        if self.kind == "knocked" and self.breaks and age >= self.landing:
            self._smashed(frame, age)
            return
        if self.pool:
            self._water(frame)  # under it: it comes down into it
        if self.kind == "launch" and 0 <= age < PUFF_FRAMES:
            self._blast(frame, age)  # behind it: it rises out of its smoke
        stretch, turn, dx, dy = self.pose(age)
        ready = self.poses(stretch, turn)
        x0, _, x1, y1 = self.box
        cx, cy = (x0 + x1) / 2 + dx, y1 - self.tall * stretch / 2 + dy
        side_h, side_w = ready[1].shape[:2]
        _blit(frame, ready, round(cx - side_w / 2), round(cy - side_h / 2))
        if age < 0:
            return
        if self.kind == "hit" and age < GLINT_FRAMES:  # the blow flashes where it lands
            x0, y0, x1, y1 = self.box
            lift = round(GLINT * (1 - age / GLINT_FRAMES))
            _blend_disc(frame, (x0 + x1) / 2, (y0 + y1) / 2, round(max(self.wide, self.tall) * 0.9), lift)
        if self.kind == "hit" and age == 0:  # its lines burst out (a knocked thing is seen whole, flying)
            self._blow(frame)
        if self.kind == "pour":
            self._stream(frame, age)
            return
        if self.kind in ("leap", "land", "halt", "toss") and age < CLOUD_FRAMES:
            self._cloud(frame, age)
        if self.kind != "launch" and age < KICKED_FRAMES:
            self._kicked_up(frame, age)


# ignite: the fire leaps up on the cue to IGNITE_LEAP of its height and settles over IGNITE_SETTLE frames to burn on,
# flickering; FLAME_TONGUES tongues of flame, its light round it fading over GLOW_FRAMES.
IGNITE_LEAP, IGNITE_SETTLE, FLAME_TONGUES = 1.5, 10, 7
# erupt: a column shoots up from the ground on the cue, to GUSH_HEIGHT frame heights over GUSH_RISE frames, and goes
# on gushing; GUSH_DROPS drops fall from its top.
GUSH_HEIGHT, GUSH_RISE, GUSH_DROPS = 0.55, 8, 200
FIRE_COLOURS = ([255, 120, 20], [255, 200, 60], [255, 245, 200])  # outer, inner, core


@dataclass
class Flames:
    """A fire catching on its cue (a fireplace's kindling, a campfire, a gas ring, a struck match): nothing burns
    before; on the cue frame tongues of flame leap up IGNITE_LEAP of the fire's height with a flare of light, and
    settle to burn on, flickering. The fire fills the foot of `box` (x0, y0, x1, y1): the hearth, the pit, the
    burner."""

    w: int
    h: int
    colour: Colour
    seed: int
    box: tuple[float, float, float, float]

    def __post_init__(self) -> None:
        g = torch.Generator().manual_seed(self.seed)
        self.across = (torch.rand(FLAME_TONGUES, generator=g) - 0.5) * 0.7  # in fire widths from its middle
        self.tall = torch.rand(FLAME_TONGUES, generator=g) * 0.5 + 0.5
        self.phase = torch.rand(FLAME_TONGUES, generator=g) * 2 * math.pi
        self.tones = [self.colour(rgb) for rgb in FIRE_COLOURS]

    def draw(self, frame: torch.Tensor, age: int) -> None:
        if age < 0:
            return
        x0, y0, x1, y1 = self.box
        wide = (x1 - x0) * 0.6
        base = (y1 - y0) * 0.45 * (1 + (IGNITE_LEAP - 1) * max(0.0, 1 - age / IGNITE_SETTLE))
        cx, foot = (x0 + x1) / 2, y1 - (y1 - y0) * 0.08
        if age < GLOW_FRAMES:  # the warm flare of light as it catches, fading
            r, cy = wide * 1.6, foot - base * 0.4
            rows, cols, ys, xs = _grid(frame, cx - r, cy - r, cx + r, cy + r)
            halo = (1 - ((xs - cx) ** 2 + (ys - cy) ** 2).sqrt() / r).clamp(min=0) ** 0.7
            _veil(frame, rows, cols, halo * 0.6 * (1 - age / GLOW_FRAMES), self.tones[0])
        rows, cols, ys, xs = _grid(frame, cx - wide, foot - base * 1.3, cx + wide, foot)
        for scale, tone in zip((1.0, 0.65, 0.35), self.tones, strict=True):
            alpha = torch.zeros(ys.shape[0], xs.shape[1])
            for k in range(FLAME_TONGUES):
                flicker = 1 + 0.12 * math.sin(float(self.phase[k]) + age * 0.9)
                height = base * float(self.tall[k]) * flicker * scale
                half = wide * 0.28 * scale
                tx = cx + float(self.across[k]) * wide * (1 - 0.3 * (1 - scale))
                up = ((foot - ys) / height).clamp(0, 1)  # 0 at the foot, 1 at the tip
                width = half * (1 - up) ** 0.8 * (0.4 + 2.4 * up).clamp(max=1)
                tongue = ((xs - tx).abs() < width) & (ys <= foot) & (ys >= foot - height)
                alpha = torch.maximum(alpha, tongue.float())
            _veil(frame, rows, cols, alpha * 0.95, tone)


@dataclass
class Gusher:
    """Water (a geyser, a burst main, a fountain) or lava (a volcano) shooting up from the ground on its cue: the
    column rises from `foot` (x, y) to GUSH_HEIGHT of the picture over GUSH_RISE frames, widening as it goes, and goes
    on gushing; drops fall from its top and a cloud of spray or steam spreads round its foot from the cue."""

    w: int
    h: int
    colour: Colour
    seed: int
    foot: tuple[float, float]
    lava: bool = False

    def __post_init__(self) -> None:
        g = torch.Generator().manual_seed(self.seed)
        angles = -math.pi / 2 + (torch.rand(GUSH_DROPS, generator=g) - 0.5) * 1.6
        speed = (torch.rand(GUSH_DROPS, generator=g) * 0.6 + 0.4) * self.h * 0.02
        self.vx, self.vy = torch.cos(angles) * speed, torch.sin(angles) * speed
        self.born = torch.randint(0, 24, (GUSH_DROPS,), generator=g)
        self.gravity = self.h * 0.0025
        self.tone = self.colour([255, 110, 30] if self.lava else [240, 246, 250])
        self.mist = self.colour([120, 60, 40] if self.lava else [225, 232, 238])

    def draw(self, frame: torch.Tensor, age: int) -> None:
        if age < 0:
            return
        fx, fy = self.foot
        top = self.h * GUSH_HEIGHT * min(1.0, (age + 1) / GUSH_RISE)
        half = self.h * 0.03
        rows, cols, ys, xs = _grid(frame, fx - half * 4, fy - top, fx + half * 4, fy)
        up = ((fy - ys) / max(top, 1.0)).clamp(0, 1)
        sway = half * 0.4 * math.sin(age * 0.7)
        width = half * (1 + 2.5 * up)
        column = (1 - ((xs - fx - sway * up) / width).abs()).clamp(min=0) ** 0.4 * (ys >= fy - top).float()
        _veil(frame, rows, cols, column * 0.95, self.tone)
        r = self.h * (0.06 + 0.004 * min(age, GUSH_RISE * 2))  # the spray or steam round its foot
        rows, cols, ys, xs = _grid(frame, fx - 2.5 * r, fy - r, fx + 2.5 * r, fy + r * 0.2)
        cloud = (1 - ((xs - fx) / (2.5 * r)) ** 2 - ((ys - fy) / r) ** 2).clamp(min=0) ** 0.5
        _veil(frame, rows, cols, cloud * 0.85, self.mist)
        t = (age - self.born).float() % 24  # drops leave its top all the while it gushes
        live = self.born <= age
        xs_d = fx + self.vx * t
        ys_d = fy - top + self.vy * t + 0.5 * self.gravity * t * t
        keep = live & (ys_d < fy)
        _dots(frame, xs_d[keep], ys_d[keep], self.tone, size=max(2, self.h // 110))


# What is left of the light where it has gone out (or before it comes on).
LIGHTS_DIM = 0.3


@dataclass
class Lights:
    """The lights going out (a power cut, a lamp switched off, a candle blown out: from the cue frame the picture is
    dim) or coming on (a neon sign, the stadium's floodlights: dim until the cue)."""

    on: bool

    def draw(self, frame: torch.Tensor, age: int) -> None:
        if (age < 0) == self.on:
            frame[:] = (frame.float() * LIGHTS_DIM).round().to(torch.uint8)


# A surface cracks: its lines run out this far (frame heights) from where it gives, and go on lengthening a
# little over CRACK_GROW frames; the chips it throws up.
CRACK_REACH, CRACK_GROW, CRACK_CHIPS = 0.4, 10, 60


@dataclass
class Crack:
    """A surface (ice, a pavement, a floor) cracks where something stands on it: on the cue frame jagged lines
    shoot out from the point, flattened by the ground's perspective, with a flash of chips thrown up; the lines
    lengthen a little more and stay. Nothing falls: what stands there stays the shot's subject."""

    w: int
    h: int
    cx: float
    cy: float  # where it gives (pixels)
    colour: Colour
    seed: int
    ink: torch.Tensor | None = None

    def __post_init__(self) -> None:
        g = torch.Generator().manual_seed(self.seed)
        self.lines = []
        for k in range(CRACKS):
            angle = 2 * math.pi * (k + float(torch.rand(1, generator=g)) * 0.7) / CRACKS
            steps = 40
            wobble = torch.cumsum(torch.randn(steps, generator=g) * 0.1, 0)
            reach = self.h * CRACK_REACH * (0.5 + 0.5 * float(torch.rand(1, generator=g)))
            self.lines.append((angle + wobble, torch.linspace(0, 1, steps) * reach))
        angles = -math.pi / 2 + (torch.rand(CRACK_CHIPS, generator=g) - 0.5) * 2.4
        speed = (torch.rand(CRACK_CHIPS, generator=g) * 0.7 + 0.3) * self.h * 0.02
        self.vx, self.vy = torch.cos(angles) * speed, torch.sin(angles) * speed
        self.gravity = self.h * 0.005
        if self.ink is None:
            self.ink = self.colour([35, 40, 50])
        self.chip = self.colour([235, 240, 245])

    def draw(self, frame: torch.Tensor, age: int) -> None:
        if age < 0:
            return
        grown = 0.75 + 0.25 * min(1.0, age / CRACK_GROW)
        size = max(2, self.h // 100)
        for angles, radius in self.lines:
            n = max(2, int(len(radius) * grown))
            xs = self.cx + torch.cos(angles[:n]) * radius[:n]
            ys = self.cy + torch.sin(angles[:n]) * radius[:n] * 0.3  # lying on the ground, seen from the side
            _dots(frame, xs, ys, self.ink, size=size)
        # the chips fly up and fall back onto the surface, where they lie
        t = float(age + 1)
        xs = self.cx + self.vx * t
        ys = (self.cy + self.vy * t + 0.5 * self.gravity * t * t).clamp(max=self.cy)
        _dots(frame, xs, ys, self.chip, size=size + 1)


@dataclass
class Staged:
    """One event drawn by two drawers alike but for their thing's drawing: as it looks before the cue (the corked
    bottle, the toaster with its toast down) and from the cue on (the cork out, the toast up)."""

    before: Fall | Burst | Sounding | Motion
    after: Fall | Burst | Sounding | Motion

    def draw(self, frame: torch.Tensor, age: int) -> None:
        (self.before if age < 0 else self.after).draw(frame, age)


Drawer = (
    Door
    | Fall
    | Burst
    | Splash
    | Flash
    | Wave
    | Bell
    | Kettle
    | Branch
    | Window
    | Spill
    | Rebound
    | CarDoor
    | Sounding
    | Motion
    | Flames
    | Gusher
    | Lights
    | Staged
    | Crack
)


def drawer(
    kind: str,
    w: int,
    h: int,
    colour: Colour,
    seed: int,
    drawing: Ready | None = None,
    indoors: bool = True,
    surface: float | None = None,
    at: float | None = None,
    snowy: bool = False,
    liquid: tuple[int, int, int] | None = None,
    body: tuple[float, float, float, float, int] | None = None,
    paint: tuple[int, int, int] | None = None,
    source: tuple[float, float, float, float] | None = None,
    facing: int = 1,
    ink: torch.Tensor | None = None,
    glow: tuple[int, int, int] = (255, 70, 40),
    topples: bool = False,
    wet: bool = False,
    lava: bool = False,
    pool: bool = False,
    breaks: bool = False,
    descent: float = 0.0,
) -> Drawer:
    """The simulation for one visible kind (see render.visible_kind), placed by the cue's seed; `drawing` is
    the sounding object's sprite where the atlas has one; `indoors`, what falls falls off a shelf; `surface`,
    the frame-height fraction of the water line a wave breaks on; `at`, the frame-width fraction where it does;
    `snowy`, a snapping branch carries snow; `liquid`, the colour a spilt drink is; `body` and `paint`, the
    box and colour of the vehicle whose door shuts; `source`, where the thing that sounds stands (its
    `drawing`, facing `facing`; without a drawing, a person's head), `ink`, its sound lines' colour, and `glow`,
    the light an alarm pulses with; `topples`, a thing falling outdoors tips over where it stands (it is not
    dropped from above the picture); `wet`, a thing that moves (see Motion) lands in or leaves water; `lava`,
    what erupts is a volcano's; `pool`, the water a thing leaps or lands into is drawn where it comes down;
    `breaks`, a thing knocked flying smashes where it lands; `descent`, how far below where it springs a leap lands
    (into the place's water)."""
    cx = w * (0.3 + 0.4 * float(torch.rand(1, generator=torch.Generator().manual_seed(seed))))
    if at is not None:
        cx = w * at
    if kind in ("slam", "creak", "knock"):
        return Door(kind, w, h, colour, box=source)
    if kind in ("shatter", "drop", "bounce", "split"):
        fall = {"shatter": "break", "split": "split"}.get(kind, "drop")
        return Fall(fall, w, h, cx, colour, seed, drawing, kind == "bounce", indoors, topples)
    if kind == "topple":  # where it stands, indoors too: no shelf holds a chimney or a wardrobe
        return Fall("drop", w, h, cx, colour, seed, drawing, indoors=False, topples=True)
    if kind == "crack":  # where it gives: `at` across, `surface` down (frame fractions), else mid-floor
        return Crack(w, h, cx, h * (surface if surface is not None else FLOOR), colour, seed, ink)
    if kind in ("burst", "cork"):
        return Burst(kind, w, h, cx, colour, seed, drawing)
    if kind == "splash":
        return Splash(w, h, cx, colour, seed)
    if kind == "wave":
        return Wave(w, h, cx, colour, seed, h * (surface if surface is not None else 0.78))
    if kind == "bell":
        return Bell(w, h, cx, colour)
    if kind == "kettle":
        return Kettle(w, h, cx, colour, seed, drawing)
    if kind == "branch":
        return Branch(w, h, cx, colour, seed, snowy)
    if kind == "window":
        return Window(w, h, cx, colour, seed)
    if kind == "spill":
        return Spill(w, h, cx, colour, seed, drawing, liquid or (150, 200, 235))
    if kind == "rebound":
        return Rebound(w, h, cx, colour, seed, drawing)
    if kind in ("lights_on", "lights_out"):
        return Lights(kind == "lights_on")
    if kind == "ignite":  # in the hearth, the pit or the burner where there is one, else on the floor mid-picture
        return Flames(w, h, colour, seed, source or (cx - h * 0.12, h * 0.62, cx + h * 0.12, FLOOR * h))
    if kind == "erupt":
        x0, _, x1, y1 = source or (w * 0.45, 0.0, w * 0.55, FLOOR * h)
        return Gusher(w, h, colour, seed, ((x0 + x1) / 2, y1), lava)
    if kind in MOTION_KINDS and drawing is not None and source is not None:
        return Motion(
            kind, w, h, colour, seed, drawing, source, facing, wet, liquid or (150, 200, 235), pool, breaks, descent
        )
    if kind in SOUNDING_KINDS:
        box = source if source is not None else (cx - h * 0.1, h * 0.6, cx + h * 0.1, FLOOR * h)
        return Sounding(kind, w, h, colour, seed, drawing, box, facing, ink, glow)
    if kind == "cardoor":
        return CarDoor(w, h, w / 2 if at is None else cx, colour, body, paint or (170, 40, 45))
    return Flash(kind, w, h, cx, seed)
