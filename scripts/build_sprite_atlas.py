"""Rasterises the subject vocabulary's drawings into one sprite atlas the video renderer reads.

    python scripts/build_sprite_atlas.py [--svg-dir DIR]

Run once by a maintainer (needs npm and `pip install resvg-py`); its output is committed, so
`make run` needs neither Node nor an SVG renderer. It installs `@twemoji/svg@15.0.0` (graphics
CC-BY 4.0, see services/video/data/sprites/LICENSE-twemoji.txt) into a temporary folder unless
--svg-dir names an unpacked copy, recolours the drawings services/video/data/subjects.yaml asks
for, adds cinemesh's own drawings from scripts/sprite_svgs/, rasterises each at PIXELS per
36-unit box, crops it to its alpha and packs all of them into
services/video/data/sprites/atlas.webp (lossless: the same pixels at under half a PNG's bytes) with
atlas.json (sprite key -> [x, y, w, h]).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import resvg_py
import yaml
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "services" / "video" / "data"
OWN_SVGS = ROOT / "scripts" / "sprite_svgs"
PACKAGE = "@twemoji/svg@15.0.0"
#: Raster size of a drawing's 36-unit box: big enough for a close-up at 480 px sprite height.
PIXELS = 128
ATLAS_WIDTH = 2048


def sprite_key(entry: dict) -> str:
    """The atlas key of a noun's drawing: the same for nouns sharing a drawing and tint."""
    return entry["sprite"] + (f"+{entry['tint']}" if entry.get("tint") else "")


def _svg_text(sprite: str, tint: dict | None, svg_dir: Path) -> str:
    if sprite.startswith("custom:"):
        text = (OWN_SVGS / f"{sprite.removeprefix('custom:')}.svg").read_text()
    else:
        path = svg_dir / f"{sprite}.svg"
        if not path.exists():  # twemoji names drop the variation selector of single-codepoint emoji
            path = svg_dir / f"{sprite.replace('-fe0f', '')}.svg"
        text = path.read_text()
    if tint:
        if drop := tint.get("drop"):  # elements a drawing shows that the scene draws itself (a boat's sea band)
            text = re.sub(drop, "", text)
        for old, new in tint.get("fills", {}).items():
            text = text.replace(f'fill="{old}"', f'fill="{new}"')
        head_end = text.index(">") + 1
        text = text[:head_end] + tint.get("under", "") + text[head_end:]
        text = text.replace("</svg>", tint.get("over", "") + "</svg>")
    return text


def _raster(svg: str) -> np.ndarray:
    """RGBA [H, W, 4] uint8, cropped to the drawing's alpha (a 1-px clear border kept)."""
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, width=PIXELS, height=PIXELS))
    rgba = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
    ys, xs = np.nonzero(rgba[..., 3] > 8)
    y0, y1 = max(0, ys.min() - 1), min(rgba.shape[0], ys.max() + 2)
    x0, x1 = max(0, xs.min() - 1), min(rgba.shape[1], xs.max() + 2)
    return rgba[y0:y1, x0:x1]


def _pack(sprites: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, list[int]]]:
    """Shelf packing, tallest first: rows of sprites left to right."""
    boxes: dict[str, list[int]] = {}
    x = y = row_h = 0
    for key in sorted(sprites, key=lambda k: (-sprites[k].shape[0], k)):
        h, w = sprites[key].shape[:2]
        if x + w > ATLAS_WIDTH:
            x, y, row_h = 0, y + row_h, 0
        boxes[key] = [x, y, w, h]
        x, row_h = x + w, max(row_h, h)
    atlas = np.zeros((y + row_h, ATLAS_WIDTH, 4), dtype=np.uint8)
    for key, (bx, by, w, h) in boxes.items():
        atlas[by : by + h, bx : bx + w] = sprites[key]
    return atlas, boxes


def build(svg_dir: Path) -> None:
    vocabulary = yaml.safe_load((DATA / "subjects.yaml").read_text())
    tints = vocabulary["tints"]
    sprites: dict[str, np.ndarray] = {}
    for entry in vocabulary["nouns"].values():
        key = sprite_key(entry)
        if key not in sprites:
            sprites[key] = _raster(_svg_text(entry["sprite"], tints.get(entry.get("tint", "")), svg_dir))
    for key in vocabulary["before"].values():  # how a thing looks before its event
        sprites.setdefault(key, _raster(_svg_text(key, None, svg_dir)))
    atlas, boxes = _pack(sprites)
    out = DATA / "sprites"
    out.mkdir(parents=True, exist_ok=True)
    # lossless and exact, transparent pixels' colour too: a drawing is scaled with its clear border
    Image.fromarray(atlas, "RGBA").save(out / "atlas.webp", lossless=True, quality=100, method=6, exact=True)
    (out / "atlas.json").write_text(json.dumps({"pixels": PIXELS, "sprites": boxes}, sort_keys=True) + "\n")
    size = (out / "atlas.webp").stat().st_size
    nouns = len(vocabulary["nouns"])
    print(f"{len(sprites)} sprites for {nouns} nouns: {atlas.shape[1]}x{atlas.shape[0]}, {size} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg-dir", type=Path, help="an unpacked @twemoji/svg (skips npm)")
    args = parser.parse_args()
    if args.svg_dir:
        build(args.svg_dir)
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "install", "--prefix", tmp, "--no-audit", "--no-fund", PACKAGE], check=True)
        build(Path(tmp) / "node_modules" / "@twemoji" / "svg")


if __name__ == "__main__":
    main()
