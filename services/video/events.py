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
    """A door in the right third of the picture, hinged on its left edge.

    slam: open until SWING_FRAMES before the cue, then swings shut, accelerating, and closes on the cue
    frame, which shakes the picture; creak: closed, swings open slowly from the cue; knock: stays shut and
    jolts on the cue.
    """

    kind: str  # "slam", "creak" or "knock"
    w: int
    h: int
    colour: Colour
    open_angle: float = math.radians(75)

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
class Fall:
    """An object on a shelf that falls under gravity and hits the floor on the cue frame.

    break: it shatters, and pieces in its own colours fly out, settle on the floor and stay; drop: it
    lands, bounces (a ball bounces on, lower each time) and stays where it lands. `drawing` is the
    object's sprite (premultiplied colour [h, w, 3] and 1 − alpha [h, w, 1]); without one, a glass.
    """

    kind: str  # "break" or "drop"
    w: int
    h: int
    cx: float
    colour: Colour
    seed: int
    drawing: tuple[torch.Tensor, torch.Tensor] | None = None
    bouncy: bool = False
    indoors: bool = True  # off a shelf; outdoors it drops into the picture from above

    def __post_init__(self) -> None:
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

    def _object(self, frame: torch.Tensor, x: float, bottom: float) -> None:
        if self.drawing is None:
            size = max(4, int(self.h * 0.05))
            frame[int(bottom) - size : int(bottom), int(x) - size // 2 : int(x) + size // 2 + 1] = self.colour(
                [200, 225, 240]
            )
            return
        premultiplied, clear = self.drawing
        sh, sw = clear.shape[:2]
        x0, y0 = int(x - sw / 2), int(bottom - sh)
        ys, xs = max(0, y0), max(0, x0)
        ye, xe = min(self.h, y0 + sh), min(self.w, x0 + sw)
        if ys >= ye or xs >= xe:
            return
        region = frame[ys:ye, xs:xe].float()
        region.mul_(clear[ys - y0 : ye - y0, xs - x0 : xe - x0]).add_(
            premultiplied[ys - y0 : ye - y0, xs - x0 : xe - x0]
        )
        frame[ys:ye, xs:xe] = region.clamp_(max=255).to(torch.uint8)

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
        if age < 0:
            # resting on the shelf's edge until it falls, then y = y0 + ½·g·t², landing on the cue frame
            u = max(0.0, (age + FALL_FRAMES) / FALL_FRAMES)
            self._object(frame, self.cx + u * self.w * 0.01, self.shelf_y + (self.floor_y - self.shelf_y) * u * u)
            return
        if self.kind == "drop":
            self._object(
                frame, self.cx + self.w * 0.01 + min(age, 30) * self.w * 0.002, self.floor_y - self._bounce(age)
            )
            if age < 3:
                g = torch.Generator().manual_seed(self.seed + age)
                xs = self.cx + (torch.rand(DUST // 2, generator=g) - 0.5) * self.h * 0.2
                ys = self.floor_y - torch.rand(DUST // 2, generator=g) * self.h * 0.04 * (age + 1)
                _dots(frame, xs, ys, self.colour([225, 215, 195]), size=3)
            return
        t = float(age)
        flying = t < (-2 * self.vy / self.gravity)
        xs = torch.where(flying, self.cx + self.vx * t, self.rest_x)
        ys = torch.where(flying, self.floor_y + self.vy * t + 0.5 * self.gravity * t * t, torch.tensor(self.floor_y))
        size = max(2, int(self.h * 0.017))
        _pieces(frame, xs, ys.clamp(max=self.floor_y), self.pieces, self.colour, size)
        if age < GLINT_FRAMES:
            _blend_disc(frame, self.cx, self.floor_y - size, int(self.h * 0.16), int(GLINT * (1 - age / GLINT_FRAMES)))


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
        # the scraps fly out from where the balloon was and flutter down (half gravity) to the floor
        t = float(age)
        xs = self.cx + self.fall.vx * t * 0.6
        ys = self.centre_y + self.fall.vy * t * 0.5 + 0.25 * self.fall.gravity * t * t
        _pieces(frame, xs, ys.clamp(max=self.h * 0.86), self.fall.pieces, self.colour, max(2, int(self.h * 0.015)))
        if age < 3:
            _blend_disc(frame, self.cx, self.centre_y, int(self.h * 0.12), int(170 * (1 - age / 3)))


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
    """Light with no object. flash: a muzzle flash or an explosion lights the whole picture; lightning: a
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
        # the lit sky: full for a flash, half for lightning so the bolt shows against it; a smooth fade,
        # so no later frame changes as much as the flare itself
        lift = int((200 if self.kind == "flash" else 110) * fade**2)
        frame[:] = (frame.to(torch.int16) + lift).clamp(0, 255).to(torch.uint8)
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


Drawer = Door | Fall | Burst | Splash | Flash | Wave


def drawer(
    kind: str,
    w: int,
    h: int,
    colour: Colour,
    seed: int,
    drawing: tuple[torch.Tensor, torch.Tensor] | None = None,
    indoors: bool = True,
    surface: float | None = None,
    at: float | None = None,
) -> Drawer:
    """The simulation for one visible kind (see render.visible_kind), placed by the cue's seed; `drawing` is
    the sounding object's sprite where the atlas has one; `indoors`, what falls falls off a shelf; `surface`,
    the frame-height fraction of the water line a wave breaks on; `at`, the frame-width fraction where it does."""
    cx = w * (0.3 + 0.4 * float(torch.rand(1, generator=torch.Generator().manual_seed(seed))))
    if at is not None:
        cx = w * at
    if kind in ("slam", "creak", "knock"):
        return Door(kind, w, h, colour)
    if kind in ("shatter", "drop", "bounce"):
        return Fall(
            "break" if kind == "shatter" else "drop", w, h, cx, colour, seed, drawing, kind == "bounce", indoors
        )
    if kind in ("burst", "cork"):
        return Burst(kind, w, h, cx, colour, seed, drawing)
    if kind == "splash":
        return Splash(w, h, cx, colour, seed)
    if kind == "wave":
        return Wave(w, h, cx, colour, seed, h * (surface if surface is not None else 0.78))
    return Flash(kind, w, h, cx, seed)
