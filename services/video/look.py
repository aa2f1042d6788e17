"""Style as a grade: a per-channel uint8 look-up table plus the few spatial touches a look needs.

Per frame a grade is a gather through a 256-entry table (and, for monochrome
looks, one integer luma mix), so it costs a fraction of a millisecond per
megapixel. Letterbox bars, vignette and film grain are precomputed per shot.
"""

from __future__ import annotations

import torch

from cinemesh.v1 import plan_pb2 as p

_X = torch.arange(256, dtype=torch.float32) / 255
VINTAGE_KEEP = 128  # of 256: half of a pixel's own colour survives the sepia


def _curve(contrast: float, gamma: float = 1.0, lift: float = 0.0, gain: float = 1.0) -> torch.Tensor:
    x = _X**gamma
    s = 0.5 + (x - 0.5) * contrast
    return (lift + s * (gain - lift)).clamp(0, 1)


def _lut(r: torch.Tensor, g: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (torch.stack([r, g, b]) * 255).round().to(torch.uint8)  # [3, 256]


class Look:
    """A style's grade for frames of one size."""

    def __init__(self, style: int, height: int, width: int, seed: int) -> None:
        self.style = style
        self.mono = style == p.VISUAL_STYLE_NOIR or style == p.VISUAL_STYLE_VINTAGE_FILM
        # of each pixel's colour a vintage grade keeps this share (of 256): enough that dawn stays pink, a
        # storm grey and a candle warm under the sepia; noir keeps none
        self.keep = VINTAGE_KEEP if style == p.VISUAL_STYLE_VINTAGE_FILM else 0
        self.posterize = style == p.VISUAL_STYLE_ANIME
        self.letterbox = 0
        yy = torch.linspace(-1, 1, height)[:, None]
        xx = torch.linspace(-1, 1, width)[None, :]
        radius = (xx**2 + yy**2).sqrt()
        self.vignette: torch.Tensor | None = None
        self.grain: torch.Tensor | None = None
        base = _curve(1.0)
        if style == p.VISUAL_STYLE_CINEMATIC:
            # teal shadows, warm highlights, and bars to 2.39:1
            self.lut = _lut(
                _curve(1.15, lift=0.02, gain=1.0), _curve(1.1, lift=0.03), _curve(1.05, lift=0.08, gain=0.92)
            )
            self.letterbox = max(0, int((height - width / 2.39) / 2)) if width > height else 0
        elif style == p.VISUAL_STYLE_DOCUMENTARY:
            self.lut = _lut(_curve(0.95, lift=0.03), _curve(0.95, lift=0.03), _curve(0.95, lift=0.03))
        elif style == p.VISUAL_STYLE_HYPER_REALISTIC:
            self.lut = _lut(_curve(1.3, gamma=0.95), _curve(1.3, gamma=0.95), _curve(1.3, gamma=0.95))
        elif style == p.VISUAL_STYLE_NOIR:
            self.lut = _lut(_curve(1.6, gamma=1.1), _curve(1.6, gamma=1.1), _curve(1.6, gamma=1.1))
            self.vignette = (1 - 0.55 * radius.clamp(0, 1.2) ** 2).clamp(0.2, 1)
        elif style == p.VISUAL_STYLE_VINTAGE_FILM:
            self.lut = _lut(
                _curve(0.85, lift=0.12, gain=0.98),
                _curve(0.85, lift=0.08, gain=0.88),
                _curve(0.85, lift=0.04, gain=0.7),
            )  # sepia from a monochrome base
            self.vignette = (1 - 0.35 * radius.clamp(0, 1.2) ** 2).clamp(0.3, 1)
            g = torch.Generator().manual_seed(seed)
            self.grain = (torch.randn(height, width, generator=g) * 7).to(torch.int16)
        elif style == p.VISUAL_STYLE_ANIME:
            levels = (torch.floor(_X * 5) / 4).clamp(0, 1)
            self.lut = _lut(levels, levels, levels)
        else:
            self.lut = _lut(base, base, base)
        # the vignette as an 8-bit fixed-point factor, so applying it is integer arithmetic
        self._vignette_q = None if self.vignette is None else (self.vignette * 256).round().to(torch.int16)

    def grade(self, pixels: torch.Tensor) -> torch.Tensor:
        """Colour grade of [..., 3] uint8 pixels. Per-pixel, so it is applied once per shot to layers and sprites."""
        if self.mono:
            luma = (
                pixels[..., 0].to(torch.int32) * 77
                + pixels[..., 1].to(torch.int32) * 150
                + pixels[..., 2].to(torch.int32) * 29
            ) >> 8
            if self.keep:
                f = pixels.to(torch.int32)
                pixels = (luma[..., None] + (((f - luma[..., None]) * self.keep) >> 8)).clamp(0, 255).to(torch.uint8)
            else:
                pixels = luma.to(torch.uint8)[..., None].expand(*luma.shape, 3)
        elif self.posterize:
            # cel look: boost saturation before quantising so flat areas keep their colour
            f = pixels.to(torch.int16)
            mean = f.sum(dim=-1, keepdim=True) // 3
            pixels = (mean + (f - mean) * 3 // 2).clamp(0, 255).to(torch.uint8)
        return torch.stack([self.lut[c][pixels[..., c].long()] for c in range(3)], dim=-1)

    def finish(self, frames: torch.Tensor, first_frame: int) -> torch.Tensor:
        """Frame-space touches on graded [F, H, W, 3] uint8 frames: vignette, film grain and flicker, letterbox."""
        out = frames
        if self.vignette is not None or self.grain is not None:
            # int32: a bright pixel times a vignette weight near 256 overflows int16 and wrapped to black
            work = out.to(torch.int32)
            if self.vignette is not None:
                work = (work * self._vignette_q[None, :, :, None]) >> 8
            if self.grain is not None:
                shift = [int((first_frame + k) * 7919 % self.grain.shape[1]) for k in range(len(out))]
                grain = torch.stack([torch.roll(self.grain, s, dims=1) for s in shift])
                flicker = torch.tensor(
                    [(((first_frame + k) * 2654435761) % 9) - 4 for k in range(len(out))], dtype=torch.int32
                )
                work = work + grain[..., None] + flicker[:, None, None, None]
            out = work.clamp(0, 255).to(torch.uint8)
        if self.letterbox:
            out[:, : self.letterbox] = 0
            out[:, -self.letterbox :] = 0
        return out
