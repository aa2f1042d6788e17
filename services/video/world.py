"""Procedural environments as depth-ordered layers, built once per shot.

Each location class is its own scene (skyline and market awnings, a hallway with
doors, a studio backdrop, trees, sea, dunes, peaks, neon signs, stars and a
planet…), drawn with torch on a canvas larger than the frame so the camera can
move over it. Time of day sets the sky; lighting and fog are baked into each
layer's colours here, so they cost nothing per frame.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import torch

from cinemesh.v1 import plan_pb2 as p
from cinemesh.video import light as lighting
from cinemesh.video import places, subjects

#: Layer depths in scene units: the camera's parallax and dolly scale follow 1/depth.
SKY, FAR, MID, NEAR = 100.0, 10.0, 5.0, 2.5
_PROP_DEPTH = {"far": FAR, "mid": MID, "near": NEAR}
#: Canvas margins relative to the frame, so pans, tracks and dollies never run off the edge.
MARGIN_X, MARGIN_Y = 0.45, 0.3


@dataclass
class Layer:
    rgb: torch.Tensor  # [H, W, 3] uint8
    mask: torch.Tensor | None  # [H, W] bool; None = opaque
    depth: float


@dataclass
class World:
    layers: list[Layer]  # far to near
    light: torch.Tensor  # [3] float: what lighting does to characters
    horizon: float  # ground line as a fraction of the frame height (where feet stand)
    fog: float  # 0..1
    neon: bool
    skyline: float = 0.62  # where the layers' horizon line shows in the frame at rest (frame-height fraction)
    glass: torch.Tensor | None = None  # [H, W] bool on the canvas: windows, where the weather outside shows
    water: float | None = None  # frame-height fraction where boats float (None: the location's own)
    indoors: bool | None = None  # the named place is inside (None: as the location says)


def _rng(seed: int, salt: str) -> torch.Generator:
    value = int.from_bytes(hashlib.sha256(f"{seed}:{salt}".encode()).digest()[:8], "little") >> 1
    return torch.Generator().manual_seed(value)


def _u(g: torch.Generator, *shape: int) -> torch.Tensor:
    return torch.rand(*shape, generator=g)


_SKIES = {  # (zenith, horizon) RGB 0..1
    p.TIME_OF_DAY_DAWN: ((0.35, 0.42, 0.65), (0.98, 0.72, 0.62)),
    p.TIME_OF_DAY_DAY: ((0.25, 0.5, 0.9), (0.7, 0.85, 0.98)),
    p.TIME_OF_DAY_SUNSET: ((0.3, 0.25, 0.5), (1.0, 0.55, 0.25)),
    p.TIME_OF_DAY_DUSK: ((0.08, 0.1, 0.3), (0.45, 0.35, 0.6)),
    p.TIME_OF_DAY_NIGHT: ((0.01, 0.02, 0.06), (0.06, 0.08, 0.18)),
}
_LIGHT = {  # multiplier on lit surfaces (and characters)
    p.LIGHTING_NATURAL: (1.0, 1.0, 1.0),
    p.LIGHTING_GOLDEN_HOUR: (1.15, 0.85, 0.55),
    p.LIGHTING_OVERCAST: (0.78, 0.8, 0.84),
    p.LIGHTING_NIGHT: (0.35, 0.42, 0.65),
    p.LIGHTING_NEON: (0.95, 0.35, 0.95),
    p.LIGHTING_STUDIO: (1.1, 1.1, 1.1),
    p.LIGHTING_CANDLELIGHT: (1.0, 0.62, 0.3),
}
_FOG = {p.WEATHER_FOG: 0.6, p.WEATHER_RAIN: 0.25, p.WEATHER_SNOW: 0.35, p.WEATHER_STORM: 0.35}
# Skies under cloud (zenith, horizon, cloud colour) and how much light comes through: a storm is dark and
# low, rain and overcast grey, snow and fog pale. No sun shows through any of them.
_CLOUDED = {
    p.WEATHER_STORM: ((0.16, 0.18, 0.22), (0.36, 0.38, 0.42), (0.1, 0.11, 0.14), 0.6),
    p.WEATHER_RAIN: ((0.38, 0.41, 0.46), (0.6, 0.62, 0.66), (0.3, 0.32, 0.36), 0.78),
    p.WEATHER_SNOW: ((0.66, 0.68, 0.72), (0.84, 0.85, 0.87), (0.74, 0.75, 0.78), 0.92),
    p.WEATHER_FOG: ((0.7, 0.72, 0.74), (0.82, 0.83, 0.84), (0.76, 0.77, 0.78), 0.9),
}
# Interior places drawn as a hallway of doors; any other named interior is a room with windows.
CORRIDORS = {"hallway", "corridor", "hall", "passage", "passageway", "lobby", "foyer"}
_OVERCAST_SKY = ((0.5, 0.53, 0.58), (0.72, 0.74, 0.77), (0.6, 0.62, 0.66), 0.85)
_WINTER_WHITE = (0.9, 0.93, 0.97)  # what a winter or frosty sky pales toward
_SNOW_WHITE = 0.97  # snow or rime lying on the ground


class Canvas:
    """Drawing helpers on an [H, W] grid (float coordinates in pixels)."""

    def __init__(self, height: int, width: int) -> None:
        self.h, self.w = height, width
        self.y = torch.arange(height, dtype=torch.float32)[:, None].expand(height, width)
        self.x = torch.arange(width, dtype=torch.float32)[None, :].expand(height, width)

    def gradient(self, top: tuple, bottom: tuple) -> torch.Tensor:
        t = (self.y / max(1, self.h - 1))[..., None]
        return torch.tensor(top) * (1 - t) + torch.tensor(bottom) * t

    def ridge(self, g: torch.Tensor) -> torch.Tensor:
        """Mask below a per-column height profile g [W] (pixels from top)."""
        return self.y >= g[None, :]

    def rect(self, x0: float, y0: float, x1: float, y1: float) -> torch.Tensor:
        return (self.x >= x0) & (self.x < x1) & (self.y >= y0) & (self.y < y1)

    def circle(self, cx: float, cy: float, r: float) -> torch.Tensor:
        return (self.x - cx) ** 2 + (self.y - cy) ** 2 <= r * r


def _profile(g: torch.Generator, width: int, base: float, amplitude: float, roughness: int = 5) -> torch.Tensor:
    x = torch.arange(width, dtype=torch.float32) / width
    y = torch.full((width,), base)
    for octave in range(1, roughness + 1):
        phase, freq = _u(g, 1) * 2 * math.pi, 1.5 + 2.5 * _u(g, 1)
        y = y + amplitude / octave * torch.sin(2 * math.pi * freq * octave * x + phase)
    return y


def _paint(canvas: Canvas, mask: torch.Tensor, color: tuple, shade: float = 0.15) -> torch.Tensor:
    """Colour with a vertical shading ramp inside the mask (float [H, W, 3])."""
    ramp = 1 - shade * (canvas.y / canvas.h)
    return torch.tensor(color)[None, None, :] * ramp[..., None] * mask[..., None]


def build(
    env: p.Environment,
    width: int,
    height: int,
    seed: int,
    scenery: subjects.Scenery | None = None,
    place: places.Kind | None = None,
    light: lighting.Light | None = None,
) -> World:
    """The layers of one shot's environment for a frame of width × height, with the props and
    tree species its place names (`scenery`), drawn as the named place kind (`place`) where there is one,
    in the light the prompt names (`light`: dawn, dusk, a full moon, candlelight, frost…)."""
    light = light or lighting.Light(frozenset())
    lw, lh = int(width * (1 + 2 * MARGIN_X)), int(height * (1 + 2 * MARGIN_Y))
    canvas = Canvas(lh, lw)
    g = _rng(seed, f"world:{env.location}")
    zenith, horizon_color = _SKIES.get(env.time_of_day, _SKIES[p.TIME_OF_DAY_DAY])
    named_sky = light.first("sky")
    if named_sky is not None:
        zenith, horizon_color = tuple(named_sky[0]), tuple(named_sky[1])
    frame_top = (lh - height) / 2  # canvas row where the frame's top sits at rest
    horizon = frame_top + height * 0.62  # canvas row of the horizon
    night = env.time_of_day in (p.TIME_OF_DAY_NIGHT, p.TIME_OF_DAY_DUSK)
    # a clouded night is the night sky's darkness with the clouds' grey in it; dusk's cloud stays blue-grey
    darkness = {p.TIME_OF_DAY_NIGHT: 0.3, p.TIME_OF_DAY_DUSK: 0.55}.get(env.time_of_day, 1.0)
    clouded = _CLOUDED.get(env.weather) or (_OVERCAST_SKY if env.lighting == p.LIGHTING_OVERCAST else None)
    dimmed = 1.0
    if clouded is not None:
        cloud_top, cloud_horizon, cloud_colour, dimmed = clouded
        cloud_top, cloud_horizon, cloud_colour = (
            tuple(darkness * c for c in colour) for colour in (cloud_top, cloud_horizon, cloud_colour)
        )
        if named_sky is not None:  # dawn's pink horizon or dusk's blue shows through the cloud and the mist
            tint = float(light.first("tint", 0.5))
            cloud_top = _mix(cloud_top, zenith, tint * 0.7)
            cloud_horizon = _mix(cloud_horizon, horizon_color, tint)
            cloud_colour = _mix(cloud_colour, horizon_color, tint * 0.45)
        zenith, horizon_color = cloud_top, cloud_horizon
    sky = canvas.gradient(zenith, horizon_color)
    if named_sky is not None:  # dawn's or dusk's colours meet at the horizon, the zenith's hold overhead
        t = ((canvas.y / horizon).clamp(0, 1) ** 2.2)[..., None]
        sky = torch.tensor(zenith) * (1 - t) + torch.tensor(horizon_color) * t
    pale = sum(light.get("pale"))
    if pale:  # a winter or frosty sky: washed toward white
        sky = sky * (1 - pale) + torch.tensor(_WINTER_WHITE) * pale
    if clouded is not None:
        sky = _clouds(canvas, g, sky, horizon, height, torch.tensor(cloud_colour))
    elif night:
        stars = _u(g, lh, lw) > (0.9985 if env.time_of_day == p.TIME_OF_DAY_NIGHT else 0.9995)
        sky = torch.where(stars[..., None], torch.tensor([0.9, 0.9, 1.0]), sky)
        moon = light.first("moon")
        if moon is not None:
            sky = _disc(canvas, sky, lw * 0.72, horizon + moon["y"] * height, moon, height)
    elif light.first("sun") is not None:  # a low sun on the horizon, its glow across the sky
        sun = light.first("sun")
        sky = _disc(canvas, sky, lw * (0.35 + 0.3 * float(_u(g, 1))), horizon + sun["y"] * height, sun, height)
    elif env.time_of_day in (p.TIME_OF_DAY_SUNSET, p.TIME_OF_DAY_DAWN, p.TIME_OF_DAY_DAY):
        sun = canvas.circle(lw * (0.3 + 0.4 * float(_u(g, 1))), horizon - height * 0.25, height * 0.05)
        sky = torch.where(sun[..., None], torch.tensor([1.0, 0.95, 0.8]), sky)
    finish = frozenset(f for names in light.get("finish") for f in names)
    location = env.location
    layers: list[tuple[torch.Tensor, torch.Tensor | None, float]] = [(sky, None, SKY)]
    scenery = scenery or subjects.Scenery()
    glass = None
    if place is not None:
        base = _BASES.get(place.base)
        trees = scenery.trees or (subjects.vocabulary().nouns[place.trees] if place.trees else None)
        if place.base == "forest" and trees is not None:
            layers += _species_forest(canvas, g, horizon, height, trees)
        elif base is not None:
            layers += base(canvas, g, horizon, height, night)
        snowy = (env.weather == p.WEATHER_SNOW or "snow" in finish | place.finish) and not place.indoors
        if snowy:
            layers = _snowed(layers, canvas, horizon, height)
        elif "frost" in finish | place.finish and not place.indoors:
            layers = _snowed(layers, canvas, horizon, height, 0.45)
        ground = frozenset() if place.indoors else finish | place.finish
        painter = places.Painter(lh, lw, width * MARGIN_X, horizon, width, height, sky, g, night, snowy, ground)
        drawn = places.draw(place, painter)
        layers += drawn.layers
        glass = drawn.glass
        layers.sort(key=lambda layer: -layer[2])  # far to near (the sort is stable: a base's order holds)
    elif location == p.LOCATION_FOREST and scenery.trees is not None:
        layers += _species_forest(canvas, g, horizon, height, scenery.trees)
    elif location == p.LOCATION_INTERIOR and env.place and not CORRIDORS & set(env.place.lower().split()):
        layers += _room(canvas, g, horizon, height, night)
    else:
        layers += _BUILDERS.get(location, _field)(canvas, g, horizon, height, night)
    outdoors = location not in (p.LOCATION_INTERIOR, p.LOCATION_STUDIO)
    if place is None and outdoors and (env.weather == p.WEATHER_SNOW or "snow" in finish):
        layers = _snowed(layers, canvas, horizon, height)
    elif place is None and outdoors and "frost" in finish:
        layers = _snowed(layers, canvas, horizon, height, 0.45)
    indoors = place.indoors if place is not None else not outdoors
    sources = [
        spec
        for name, entry in lighting.conditions().items()
        if name in light.names
        and (indoors or not entry.get("indoors"))  # candles and tubes inside only
        and (not indoors or not entry.get("outdoors"))  # floodlight masts outside only
        for spec in entry.get("draw", [])
    ]
    if sources:  # the light's own sources: candles on the wall, fluorescent tubes on the ceiling
        painter = places.Painter(lh, lw, width * MARGIN_X, horizon, width, height, sky, g, night)
        kind = places.Kind("light", (), indoors, "", False, None, None, None, tuple(sources))
        layers += places.draw(kind, painter).layers
        layers.sort(key=lambda layer: -layer[2])
    layers = _with_props(layers, canvas, scenery.props, width * MARGIN_X, horizon, width, height)
    lit_by = torch.tensor(_LIGHT.get(env.lighting, (1.0, 1.0, 1.0)))
    if night and env.lighting == p.LIGHTING_NATURAL:
        lit_by = torch.tensor(_LIGHT[p.LIGHTING_NIGHT])
    named_light = light.get("light")  # dawn's warmth, dusk's blue, moonlight, frost's chill, fluorescent green
    if named_light and env.lighting in (p.LIGHTING_NATURAL, p.LIGHTING_NIGHT, p.LIGHTING_UNSPECIFIED):
        lit_by = torch.tensor(named_light).prod(dim=0)
    elif named_light and env.lighting == p.LIGHTING_OVERCAST:  # a storm at dusk is dusk under cloud
        lit_by = lit_by * torch.tensor(named_light).prod(dim=0)
    if env.lighting != p.LIGHTING_OVERCAST:  # overcast light is already the dimmed light
        lit_by = lit_by * dimmed
    fog = _FOG.get(env.weather, 0.0)
    fog_color = torch.tensor(horizon_color) * 0.6 + 0.25
    pools = _pools(canvas, light, width * MARGIN_X, horizon, width, height)
    out: list[Layer] = []
    for rgb, mask, depth in layers:
        lit = rgb if depth == SKY else rgb * lit_by
        if pools is not None and depth != SKY:  # candlelight: warm pools around each flame, dark between
            lit = lit * pools
        if fog:
            amount = fog * (1 - math.exp(-depth / 6.0))
            lit = lit * (1 - amount) + fog_color * amount
        out.append(Layer((lit.clamp(0, 1) * 255).to(torch.uint8), mask, depth))
    neon = location == p.LOCATION_NEON_CITY or env.lighting == p.LIGHTING_NEON
    skyline = (horizon - frame_top) / height
    if place is None:
        return World(out, lit_by, 0.62 + 0.25, fog, neon, skyline)
    feet = 0.87 if place.feet is None else skyline + place.feet
    water = None if place.water is None else skyline + place.water
    return World(out, lit_by, feet, fog, neon, skyline, glass, water, place.indoors)


# ---------------------------------------------------------------- location builders
# Each returns [(rgb float [H, W, 3], mask bool [H, W] | None, depth)] from far to near.


def _snowed(layers: list, canvas: Canvas, horizon: float, height: int, cover: float = 0.7) -> list:
    """Snow (or, thinner, frost's rime) lying on the open ground of a world: its middle and near layers
    whiten below the horizon, `cover` of the way to white."""
    lying = (canvas.y >= horizon + height * 0.02)[..., None]
    return [
        (torch.where(lying, rgb * (1 - cover) + _SNOW_WHITE * cover, rgb) if depth in (MID, NEAR) else rgb, mask, depth)
        for rgb, mask, depth in layers
    ]


def _mix(a: tuple, b: tuple, t: float) -> tuple:
    return tuple(x * (1 - t) + y * t for x, y in zip(a, b, strict=True))


def _disc(canvas: Canvas, sky: torch.Tensor, cx: float, cy: float, spec: dict, height: int) -> torch.Tensor:
    """A sun or moon on the sky: a bright disc in a soft halo of its colour."""
    r = spec["r"] * height
    colour = torch.tensor(spec["colour"])
    distance = ((canvas.x - cx) ** 2 + (canvas.y - cy) ** 2).sqrt()
    halo = torch.exp(-((distance / (r * spec.get("glow", 2.0))) ** 2))[..., None] * 0.55
    sky = sky * (1 - halo) + colour * halo
    return torch.where((distance <= r)[..., None], colour, sky)


def _pools(
    canvas: Canvas, light: lighting.Light, left: float, horizon: float, width: int, height: int
) -> torch.Tensor | None:
    """The light map [H, W, 3] of light that comes from a few sources: a dark `ambient` surround with warm
    pools around each flame or lamp, and shafts of sun (None where the light is of neither kind)."""
    spots, beams = light.first("pools"), light.first("beams")
    if spots is None and beams is None:
        return None
    out = torch.ones(canvas.h, canvas.w, 3)
    if spots is not None:
        glow = torch.zeros(canvas.h, canvas.w)
        for x, y, radius in spots:
            cx, cy, r = left + x * width, horizon + y * height, radius * height
            glow = glow + torch.exp(-(((canvas.x - cx) ** 2 + (canvas.y - cy) ** 2) / (r * r)))
        ambient = float(light.first("ambient", 0.25))
        out = ambient + glow.clamp(0, 1)[..., None] * torch.tensor(light.first("colour", [1.0, 1.0, 1.0]))
    if beams is not None:  # shafts of sun slanting down through the picture, brighter than what is between
        phase = (canvas.x - left + beams["slant"] * (canvas.y - horizon)) / (beams["gap"] * width)
        band = (0.5 + 0.5 * torch.cos(2 * math.pi * phase)) ** beams["sharpness"]
        out = out * (1 + beams["strength"] * band[..., None] * torch.tensor(beams["colour"]))
    return out


def _clouds(
    canvas: Canvas, g: torch.Generator, sky: torch.Tensor, horizon: float, height: int, colour: torch.Tensor
) -> torch.Tensor:
    """Banks of cloud across the sky: overlapping soft ellipses, denser and lower toward the horizon."""
    cover = torch.zeros(canvas.h, canvas.w)
    for _ in range(int(14 * canvas.w / max(1, height))):
        cx, cy = float(_u(g, 1)) * canvas.w, horizon - float(_u(g, 1)) ** 0.7 * height * 0.6
        rx, ry = height * (0.25 + 0.35 * float(_u(g, 1))), height * (0.05 + 0.06 * float(_u(g, 1)))
        blob = 1 - ((canvas.x - cx) / rx) ** 2 - ((canvas.y - cy) / ry) ** 2
        cover = torch.maximum(cover, blob.clamp(0, 1).sqrt() * (0.55 + 0.4 * float(_u(g, 1))))
    return sky * (1 - cover[..., None]) + colour * cover[..., None]


def _ground(canvas: Canvas, horizon: float, color: tuple, depth: float = NEAR) -> tuple:
    mask = canvas.y >= horizon
    return _paint(canvas, mask, color, shade=-0.35), mask, depth


def _box(canvas: Canvas, x0: float, y0: float, x1: float, y1: float) -> tuple[slice, slice] | None:
    """Integer slices of a rectangle clipped to the canvas (None when empty)."""
    ys, ye = max(0, int(y0)), min(canvas.h, int(y1))
    xs, xe = max(0, int(x0)), min(canvas.w, int(x1))
    return (slice(ys, ye), slice(xs, xe)) if ys < ye and xs < xe else None


def _buildings(
    canvas: Canvas,
    g: torch.Generator,
    horizon: float,
    height: int,
    palette: list[tuple],
    max_h: float,
    lit_windows: float,
    depth: float,
    neon: bool = False,
) -> tuple:
    rgb = torch.zeros(canvas.h, canvas.w, 3)
    mask = torch.zeros(canvas.h, canvas.w, dtype=torch.bool)
    lit = _u(g, canvas.h, canvas.w) < lit_windows  # one draw for every window on the layer
    pitch_x, pitch_y = height * 0.04, height * 0.05
    x = 0.0
    while x < canvas.w:
        bw = height * (0.12 + 0.18 * float(_u(g, 1)))
        bh = height * max_h * (0.4 + 0.6 * float(_u(g, 1)))
        box = _box(canvas, x, horizon - bh, x + bw - height * 0.01, horizon + 1)
        color = palette[int(_u(g, 1) * len(palette)) % len(palette)]
        if box is not None:
            ys, xs = box
            rgb[ys, xs] = torch.tensor(color)
            mask[ys, xs] = True
            local_x, local_y = canvas.x[ys, xs] - x, canvas.y[ys, xs] - (horizon - bh)
            windows = ((local_x % pitch_x) < height * 0.022) & ((local_y % pitch_y) < height * 0.028)
            windows &= (local_y > height * 0.02) & lit[ys, xs]
            rgb[ys, xs] = torch.where(windows[..., None], torch.tensor([1.0, 0.85, 0.5]), rgb[ys, xs])
        if neon and float(_u(g, 1)) < 0.7:
            sign_color = [(1.0, 0.1, 0.8), (0.1, 0.9, 1.0), (0.6, 0.2, 1.0), (1.0, 0.3, 0.2)][int(_u(g, 1) * 4) % 4]
            sy = horizon - bh * (0.3 + 0.5 * float(_u(g, 1)))
            sign = _box(canvas, x + bw * 0.15, sy, x + bw * 0.8, sy + height * 0.04)
            if sign is not None:
                rgb[sign] = torch.tensor(sign_color) * 1.6
        x += bw
    return rgb, mask, depth


def _city(canvas: Canvas, g: torch.Generator, horizon: float, height: int, night: bool) -> list:
    far = _buildings(canvas, g, horizon, height, [(0.45, 0.5, 0.6), (0.55, 0.55, 0.6)], 0.55, 0.05, FAR)
    mid = _buildings(
        canvas,
        g,
        horizon + height * 0.05,
        height,
        [(0.7, 0.55, 0.45), (0.6, 0.6, 0.55), (0.75, 0.7, 0.6), (0.5, 0.4, 0.35)],
        0.45,
        0.3 if night else 0.05,
        MID,
    )
    street = _ground(canvas, horizon + height * 0.05, (0.35, 0.35, 0.37))
    lane = canvas.rect(0, horizon + height * 0.22, canvas.w, horizon + height * 0.23) & (
        canvas.x % (height * 0.2) < height * 0.1
    )
    street_rgb = torch.where(lane[..., None], torch.tensor([0.9, 0.9, 0.8]), street[0])
    # market awnings along the street: striped, the nearest layer
    awnings = torch.zeros(canvas.h, canvas.w, dtype=torch.bool)
    stripes = (canvas.x % (height * 0.06)) < height * 0.03
    for k in range(int(canvas.w / (height * 0.5)) + 1):
        if float(_u(g, 1)) < 0.6:
            x0 = k * height * 0.5
            awnings |= canvas.rect(x0, horizon - height * 0.12, x0 + height * 0.35, horizon - height * 0.05)
    awning_rgb = torch.where(stripes[..., None], torch.tensor([0.85, 0.2, 0.2]), torch.tensor([0.95, 0.9, 0.8]))
    # street lamps at uneven spacing along the kerb, standing from the street's near edge into the sky
    lamps = torch.zeros(canvas.h, canvas.w, dtype=torch.bool)
    x = float(_u(g, 1)) * height * 0.4
    while x < canvas.w:
        lamps |= canvas.rect(x, horizon - height * 0.3, x + height * 0.012, horizon + height * 0.2)
        lamps |= canvas.rect(x - height * 0.03, horizon - height * 0.31, x + height * 0.04, horizon - height * 0.29)
        x += height * (0.35 + 0.6 * float(_u(g, 1)))
    fixtures = torch.where(lamps[..., None], torch.tensor([0.18, 0.19, 0.2]), awning_rgb)
    return [far, mid, (street_rgb, street[1], NEAR), (fixtures, awnings | lamps, NEAR)]


def _neon_city(canvas: Canvas, g: torch.Generator, horizon: float, height: int, night: bool) -> list:
    far = _buildings(canvas, g, horizon, height, [(0.08, 0.08, 0.14), (0.1, 0.1, 0.16)], 0.7, 0.15, FAR, neon=True)
    mid = _buildings(
        canvas, g, horizon + height * 0.04, height, [(0.12, 0.1, 0.16), (0.15, 0.12, 0.2)], 0.5, 0.2, MID, neon=True
    )
    street = _ground(canvas, horizon + height * 0.04, (0.08, 0.08, 0.1))
    # wet street: mirror the mid layer's neon into the ground
    rows = (2 * (horizon + height * 0.04) - canvas.y).clamp(0, canvas.h - 1).long()
    reflection = mid[0][rows, torch.arange(canvas.w)[None, :].expand(canvas.h, canvas.w)] * 0.45
    wet = street[0] + reflection * street[1][..., None]
    return [far, mid, (wet, street[1], NEAR)]


def _interior(canvas: Canvas, g: torch.Generator, horizon: float, height: int, night: bool) -> list:
    wall_color = [(0.75, 0.68, 0.55), (0.55, 0.62, 0.66), (0.7, 0.6, 0.6)][int(_u(g, 1) * 3) % 3]
    back = _paint(canvas, torch.ones(canvas.h, canvas.w, dtype=torch.bool), wall_color, shade=0.25)
    # a hallway of doors receding: door frames and picture frames on the back wall
    for k in range(int(canvas.w / (height * 0.45)) + 1):
        x0 = k * height * 0.45 + height * 0.1
        door = _box(canvas, x0, horizon - height * 0.42, x0 + height * 0.18, horizon)
        if door is not None:
            back[door] = torch.tensor([0.42, 0.28, 0.18])
        frame = _box(canvas, x0 + height * 0.26, horizon - height * 0.38, x0 + height * 0.38, horizon - height * 0.26)
        if frame is not None:
            back[frame] = torch.tensor([0.25, 0.35, 0.45])
    floor, floor_mask = _plank_floor(canvas, horizon, height, (0.55, 0.38, 0.24), (0.3, 0.2, 0.12))
    # a table and a lamp in the foreground
    table = canvas.rect(canvas.w * 0.1, horizon + height * 0.12, canvas.w * 0.22, horizon + height * 0.3)
    return [(back, None, MID), (floor, floor_mask, NEAR), (_paint(canvas, table, (0.3, 0.2, 0.15)), table, 1.5)]


def _plank_floor(
    canvas: Canvas, horizon: float, height: int, wood: tuple, seam: tuple
) -> tuple[torch.Tensor, torch.Tensor]:
    """(rgb, mask) of a plank floor from the horizon down, its seams receding on a slant."""
    mask = canvas.y >= horizon
    planks = ((canvas.x + (canvas.y - horizon) * 0.8) % (height * 0.09)) < height * 0.005
    floor = _paint(canvas, mask, wood, shade=-0.3)
    return torch.where((planks & mask)[..., None], torch.tensor(seam), floor), mask


def _room(canvas: Canvas, g: torch.Generator, horizon: float, height: int, night: bool) -> list:
    """A room that is not a corridor (a kitchen, a bar, a bedroom): a papered wall with a wainscot and
    windows onto the sky, a skirting board and a plank floor; the place's own props furnish it."""
    wall_color = [(0.86, 0.8, 0.66), (0.7, 0.78, 0.74), (0.82, 0.7, 0.66)][int(_u(g, 1) * 3) % 3]
    back = _paint(canvas, torch.ones(canvas.h, canvas.w, dtype=torch.bool), wall_color, shade=0.2)
    wainscot = (canvas.y >= horizon - height * 0.16) & (canvas.y < horizon)
    back = torch.where(wainscot[..., None], torch.tensor(wall_color) * 0.72, back)
    back = torch.where(
        ((canvas.y - (horizon - height * 0.16)).abs() < height * 0.006)[..., None],
        torch.tensor([0.45, 0.35, 0.25]),
        back,
    )
    outside = torch.tensor([0.05, 0.07, 0.18] if night else [0.62, 0.8, 0.95])
    spacing = height * 0.9
    for k in range(int(canvas.w / spacing) + 1):
        x0 = k * spacing + height * 0.3
        frame = _box(canvas, x0 - height * 0.015, horizon - height * 0.49, x0 + height * 0.265, horizon - height * 0.22)
        glass = _box(canvas, x0, horizon - height * 0.475, x0 + height * 0.25, horizon - height * 0.235)
        if frame is not None and glass is not None:
            back[frame] = torch.tensor([0.95, 0.95, 0.92])
            back[glass] = outside
            mullion = _box(
                canvas, x0 + height * 0.12, horizon - height * 0.475, x0 + height * 0.13, horizon - height * 0.235
            )
            if mullion is not None:
                back[mullion] = torch.tensor([0.95, 0.95, 0.92])
    floor, floor_mask = _plank_floor(canvas, horizon, height, (0.6, 0.45, 0.3), (0.35, 0.25, 0.15))
    return [(back, None, MID), (floor, floor_mask, NEAR)]


def _studio(canvas: Canvas, g: torch.Generator, horizon: float, height: int, night: bool) -> list:
    backdrop = canvas.gradient((0.92, 0.92, 0.93), (0.78, 0.78, 0.8))
    stands = torch.zeros(canvas.h, canvas.w, dtype=torch.bool)
    boxes = torch.zeros_like(stands)
    for cx in (canvas.w * 0.3, canvas.w * 0.7):
        stands |= canvas.rect(cx - 3, horizon - height * 0.35, cx + 3, horizon + height * 0.2)
        boxes |= canvas.rect(cx - height * 0.08, horizon - height * 0.5, cx + height * 0.08, horizon - height * 0.33)
    rgb = torch.where(stands[..., None], torch.tensor([0.15, 0.15, 0.15]), torch.tensor([1.0, 1.0, 0.98]))
    return [(backdrop, None, MID), (rgb.expand(canvas.h, canvas.w, 3), stands | boxes, NEAR)]


def _forest(canvas: Canvas, g: torch.Generator, horizon: float, height: int, night: bool) -> list:
    def trees(count_scale: float, color: tuple, depth: float, size: float) -> tuple:
        mask = torch.zeros(canvas.h, canvas.w, dtype=torch.bool)
        spacing = height * count_scale
        for k in range(int(canvas.w / spacing) + 2):
            cx = k * spacing + float(_u(g, 1)) * spacing * 0.5
            top = horizon - height * size * (0.6 + 0.4 * float(_u(g, 1)))
            half = (horizon - top) * 0.35
            box = _box(canvas, cx - half, top, cx + half + 1, horizon)
            if box is not None:
                ys, xs = box
                mask[ys, xs] |= (canvas.x[ys, xs] - cx).abs() < (canvas.y[ys, xs] - top) * 0.35
            trunk = _box(
                canvas, cx - height * 0.012, horizon - height * 0.05, cx + height * 0.012, horizon + height * 0.05
            )
            if trunk is not None:
                mask[trunk] = True
        return _paint(canvas, mask, color, 0.3), mask, depth

    ground = _ground(canvas, horizon, (0.25, 0.3, 0.15))
    return [
        trees(0.12, (0.15, 0.3, 0.2), FAR, 0.45),
        trees(0.2, (0.1, 0.35, 0.15), MID, 0.6),
        ground,
        trees(0.55, (0.06, 0.22, 0.08), 1.4, 0.95),
    ]


def _species_forest(canvas: Canvas, g: torch.Generator, horizon: float, height: int, tree: subjects.Noun) -> list:
    """A forest of one named species (birch, palm…): rows of its sprite, small and dense far away."""

    def row(spacing: float, size: float, base: float, depth: float) -> tuple:
        rgb = torch.zeros(canvas.h, canvas.w, 3)
        mask = torch.zeros(canvas.h, canvas.w, dtype=torch.bool)
        # three sizes per row, drawn once each: resampling every tree would cost more than painting it
        sizes = [subjects.prop_sprite(tree, height * size * scale) for scale in (0.75, 0.95, 1.15)]
        x = -spacing * float(_u(g, 1))
        while x < canvas.w + spacing:
            drawn = sizes[int(_u(g, 1) * len(sizes)) % len(sizes)]
            x0 = int(x + spacing * 0.4 * float(_u(g, 1)))
            subjects.composite(rgb, mask, drawn, x0, int(horizon + height * base) - drawn.shape[1])
            x += spacing
        return rgb, mask, depth

    # near trees stand apart at the sides of the view, so the far rows and the sky show between them
    return [
        row(height * 0.09, 0.26, 0.0, FAR),
        row(height * 0.2, 0.42, 0.04, MID),
        _ground(canvas, horizon, (0.25, 0.3, 0.15)),
        row(height * 1.3, 0.8, 0.34, 1.4),
    ]


def _with_props(
    layers: list, canvas: Canvas, props: list[subjects.Prop], left: float, horizon: float, width: int, height: int
) -> list:
    """Paint the place's props into the layer of their depth (a new layer where the world has none)."""
    layers = list(layers)
    copied: set[int] = set()  # builders may hand out shared or expanded tensors: paint on a copy
    for prop in props:
        depth = _PROP_DEPTH[prop.layer]
        drawn = subjects.prop_sprite(prop.noun, prop.height * height)
        x0 = int(left + prop.x * width - drawn.shape[2] / 2)
        y0 = int(horizon + prop.base * height - drawn.shape[1])
        at = next((k for k, layer in enumerate(layers) if layer[2] == depth), None)
        if at is None:  # depths run far to near: the new layer goes before the first nearer one
            at = next((k for k, layer in enumerate(layers) if layer[2] < depth), len(layers))
            empty = torch.zeros(canvas.h, canvas.w, dtype=torch.bool)
            layers.insert(at, (torch.zeros(canvas.h, canvas.w, 3), empty, depth))
            copied = {k + (k >= at) for k in copied} | {at}
        if at not in copied:
            rgb, mask, _ = layers[at]
            layers[at] = (rgb.clone(), None if mask is None else mask.clone(), depth)
            copied.add(at)
        subjects.composite(layers[at][0], layers[at][1], drawn, x0, y0)
    return layers


def _beach(canvas: Canvas, g: torch.Generator, horizon: float, height: int, night: bool) -> list:
    sea_mask = (canvas.y >= horizon) & (canvas.y < horizon + height * 0.15)
    waves = places.wave_crests(canvas.x, canvas.y - horizon, height)
    sea = _paint(canvas, sea_mask, (0.1, 0.4, 0.6), shade=-0.4)
    sea = torch.where((waves & sea_mask)[..., None], torch.tensor([0.85, 0.92, 0.95]), sea)
    sand = _ground(canvas, horizon + height * 0.15, (0.92, 0.82, 0.6))
    return [(sea, sea_mask, FAR), sand]


def _desert(canvas: Canvas, g: torch.Generator, horizon: float, height: int, night: bool) -> list:
    mesa = canvas.ridge(torch.where(_profile(g, canvas.w, 0, 1, 2) > 0.6, horizon - height * 0.2, horizon).float())
    dunes = canvas.ridge(_profile(g, canvas.w, horizon - height * 0.02, height * 0.05))
    near = canvas.ridge(_profile(g, canvas.w, horizon + height * 0.08, height * 0.06))
    return [
        (_paint(canvas, mesa, (0.7, 0.4, 0.3)), mesa, FAR),
        (_paint(canvas, dunes, (0.9, 0.72, 0.45)), dunes, MID),
        (_paint(canvas, near, (0.95, 0.8, 0.55), shade=-0.2), near, NEAR),
    ]


def _mountains(canvas: Canvas, g: torch.Generator, horizon: float, height: int, night: bool) -> list:
    peaks_line = _profile(g, canvas.w, horizon - height * 0.3, height * 0.18, 7)
    peaks = canvas.ridge(peaks_line)
    snow = peaks & (canvas.y < peaks_line[None, :] + height * 0.06)
    far = torch.where(snow[..., None], torch.tensor([0.95, 0.95, 1.0]), _paint(canvas, peaks, (0.45, 0.5, 0.6)))
    hills = canvas.ridge(_profile(g, canvas.w, horizon - height * 0.05, height * 0.07))
    ground = _ground(canvas, horizon + height * 0.05, (0.35, 0.42, 0.25))
    return [(far, peaks, FAR), (_paint(canvas, hills, (0.25, 0.38, 0.25)), hills, MID), ground]


def _space(canvas: Canvas, g: torch.Generator, horizon: float, height: int, night: bool) -> list:
    planet = canvas.circle(canvas.w * 0.65, horizon - height * 0.1, height * 0.35)
    bands = torch.sin(canvas.y / (height * 0.03)) * 0.5 + 0.5
    planet_rgb = (torch.tensor([0.8, 0.55, 0.35]) * (0.6 + 0.4 * bands[..., None])) * planet[..., None]
    nebula = canvas.gradient((0.0, 0.0, 0.02), (0.08, 0.0, 0.12))
    stars = _u(g, canvas.h, canvas.w) > 0.997
    backdrop = torch.where(stars[..., None], torch.tensor([1.0, 1.0, 1.0]), nebula)
    hull = canvas.ridge(torch.full((canvas.w,), horizon + height * 0.25))
    hull_rgb = _paint(canvas, hull, (0.55, 0.58, 0.62), shade=-0.2)
    return [(backdrop, None, SKY), (planet_rgb, planet, FAR), (hull_rgb, hull, NEAR)]


def _field(canvas: Canvas, g: torch.Generator, horizon: float, height: int, night: bool) -> list:
    hills = canvas.ridge(_profile(g, canvas.w, horizon - height * 0.04, height * 0.04))
    near = canvas.ridge(_profile(g, canvas.w, horizon + height * 0.04, height * 0.03))
    posts = torch.zeros(canvas.h, canvas.w, dtype=torch.bool)
    for k in range(int(canvas.w / (height * 0.3)) + 1):
        x0 = k * height * 0.3
        box = _box(canvas, x0, horizon + height * 0.1, x0 + height * 0.015, horizon + height * 0.22)
        if box is not None:
            posts[box] = True
    rail = _box(canvas, 0, horizon + height * 0.13, canvas.w, horizon + height * 0.14)
    if rail is not None:
        posts[rail] = True
    return [
        (_paint(canvas, hills, (0.4, 0.6, 0.3)), hills, FAR),
        (_paint(canvas, near, (0.35, 0.55, 0.22), -0.3), near, MID),
        (_paint(canvas, posts, (0.4, 0.3, 0.2)), posts, 1.6),
    ]


def _underwater(canvas: Canvas, g: torch.Generator, horizon: float, height: int, night: bool) -> list:
    water = canvas.gradient((0.1, 0.5, 0.6), (0.0, 0.15, 0.3))
    rays = (torch.sin(canvas.x / (height * 0.08) + canvas.y / (height * 0.3)) > 0.9) & (canvas.y < horizon)
    water = torch.where(rays[..., None], water + 0.15, water)
    weeds = torch.zeros(canvas.h, canvas.w, dtype=torch.bool)
    for k in range(int(canvas.w / (height * 0.12)) + 1):
        cx = k * height * 0.12
        box = _box(canvas, cx - height * 0.03, horizon - height * 0.3 * float(_u(g, 1)), cx + height * 0.03, canvas.h)
        if box is not None:
            ys, xs = box
            sway = torch.sin(canvas.y[ys, xs] / (height * 0.05)) * height * 0.015
            weeds[ys, xs] |= (canvas.x[ys, xs] - cx - sway).abs() < height * 0.01
    floor = _ground(canvas, horizon + height * 0.15, (0.55, 0.5, 0.35))
    return [(water, None, FAR), (_paint(canvas, weeds, (0.1, 0.45, 0.25)), weeds, MID), floor]


_BASES = {
    "field": _field,
    "beach": _beach,
    "city": _city,
    "desert": _desert,
    "mountains": _mountains,
    "forest": _forest,
}

_BUILDERS = {
    p.LOCATION_CITY_STREET: _city,
    p.LOCATION_NEON_CITY: _neon_city,
    p.LOCATION_INTERIOR: _interior,
    p.LOCATION_STUDIO: _studio,
    p.LOCATION_FOREST: _forest,
    p.LOCATION_BEACH: _beach,
    p.LOCATION_DESERT: _desert,
    p.LOCATION_MOUNTAINS: _mountains,
    p.LOCATION_SPACE: _space,
    p.LOCATION_FIELD: _field,
    p.LOCATION_UNDERWATER: _underwater,
}
