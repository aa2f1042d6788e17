"""Still previews of a finished MP4: the thumbnail is an image, the spritesheet a grid of evenly spaced frames."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from cinemesh.lipsync.assemble import SPRITE_COLUMNS, SPRITE_FRAMES, SPRITE_WIDTH, write_previews

FRAMES = 60
WIDTH, HEIGHT = 320, 180


def _grey(index: int) -> int:
    return round(index * 255 / (FRAMES - 1))


def _clip(path: Path) -> None:
    """A clip whose frame k is a flat grey of level _grey(k), so every sprite tells which frame it shows."""
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"crf": "1"}
        for k in range(FRAMES):
            frame = av.VideoFrame.from_ndarray(np.full((HEIGHT, WIDTH, 3), _grey(k), np.uint8), format="rgb24")
            frame.pts, frame.time_base = k, Fraction(1, 24)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def test_spritesheet_is_a_grid_of_evenly_spaced_frames_in_order(tmp_path: Path) -> None:
    _clip(tmp_path / "final.mp4")
    write_previews(tmp_path / "final.mp4", tmp_path / "thumbnail.webp", tmp_path / "sheet.jpg")
    thumbnail = Image.open(tmp_path / "thumbnail.webp")
    assert thumbnail.format == "WEBP" and thumbnail.size == (WIDTH, HEIGHT)
    assert abs(int(np.asarray(thumbnail.convert("L")).mean()) - _grey(FRAMES // 3)) <= 3
    sheet = Image.open(tmp_path / "sheet.jpg")
    cell_width, cell_height = SPRITE_WIDTH, SPRITE_WIDTH * HEIGHT // WIDTH
    rows = -(-SPRITE_FRAMES // SPRITE_COLUMNS)
    assert sheet.format == "JPEG" and sheet.size == (cell_width * SPRITE_COLUMNS, cell_height * rows)
    pixels = np.asarray(sheet.convert("L"), dtype=float)
    for k in range(SPRITE_FRAMES):
        row, column = divmod(k, SPRITE_COLUMNS)
        cell = pixels[row * cell_height : (row + 1) * cell_height, column * cell_width : (column + 1) * cell_width]
        expected = _grey(round(k * (FRAMES - 1) / (SPRITE_FRAMES - 1)))
        assert abs(cell[4:-4, 4:-4].mean() - expected) <= 3, (k, cell.mean(), expected)
