"""An extension's stitched whole: the source video followed by its continuation, as one H.264 + AAC MP4.

Both parts come from the same spec (size, frame rate) and the same seed. The pictures are decoded and encoded again
as one stream; the sound is joined with an equal-power crossfade of CROSSFADE_SECONDS centred on the seam, each
side continued past the seam by its own mirror image, so the whole keeps exactly the two parts' length and the
waveform has no step where they meet.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from cinemesh.runtime.errors import FailedPrecondition

AAC_FRAME = 1024
SAMPLE_RATE = 48_000
#: Length of the sound's crossfade across the seam.
CROSSFADE_SECONDS = 0.08


def _audio(path: Path) -> np.ndarray:
    """The file's sound as (2, samples) float32 at SAMPLE_RATE."""
    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=SAMPLE_RATE)
    chunks = []
    with av.open(str(path)) as source:
        if not source.streams.audio:
            raise FailedPrecondition(f"{path.name} has no sound to stitch")
        for frame in source.decode(source.streams.audio[0]):
            chunks.extend(out.to_ndarray() for out in resampler.resample(frame))
        chunks.extend(out.to_ndarray() for out in resampler.resample(None))
    return np.concatenate(chunks, axis=1).astype(np.float32) if chunks else np.zeros((2, 0), np.float32)


def _format(path: Path) -> tuple[Fraction, int, int]:
    with av.open(str(path)) as source:
        stream = source.streams.video[0]
        return Fraction(stream.average_rate), stream.width, stream.height


def _encode_pictures(path: Path, out: av.container.OutputContainer, stream: av.VideoStream) -> int:
    """Decodes `path`'s pictures into `stream` one at a time (never the whole clip in memory); returns how many."""
    count = 0
    with av.open(str(path)) as source:
        for frame in source.decode(source.streams.video[0]):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(frame.to_ndarray(format="rgb24"), format="rgb24")))
            count += 1
    return count


def crossfade(first: np.ndarray, second: np.ndarray, samples: int) -> np.ndarray:
    """`first` then `second`, blended over `2 * samples` around the seam, as long as both together."""
    half = min(samples, first.shape[1], second.shape[1])
    if half == 0:
        return np.concatenate([first, second], axis=1)
    seam = first.shape[1]
    # Each part continued past the seam by its mirror image (no step in the waveform at the seam).
    first_ext = np.concatenate([first[:, seam - half :], first[:, seam - half :][:, ::-1]], axis=1)
    second_ext = np.concatenate([second[:, :half][:, ::-1], second[:, :half]], axis=1)
    phase = (np.arange(2 * half) + 0.5) / (2 * half) * (np.pi / 2)
    blended = first_ext * np.cos(phase) + second_ext * np.sin(phase)
    return np.concatenate([first[:, : seam - half], blended, second[:, half:]], axis=1).astype(np.float32)


def stitch(first: Path, second: Path, out_path: Path, preset: str = "veryfast") -> float:
    """Writes `first` followed by `second` to `out_path`; returns the whole's length in seconds."""
    rate, width, height = _format(first)
    if _format(second) != (rate, width, height):
        raise FailedPrecondition(f"cannot stitch {second.name} to {first.name}: their sizes or frame rates differ")
    with av.open(str(out_path), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        video = out.add_stream("libx264", rate=rate)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"crf": "18", "preset": preset}
        audio_out = out.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        audio_out.bit_rate = 192_000
        counts = [_encode_pictures(part, out, video) for part in (first, second)]
        out.mux(video.encode(None))
        # Each part's sound is cut or padded to its pictures' length, so the seam falls on the same instant in both.
        parts = []
        for part, count in zip((first, second), counts, strict=True):
            audio, wanted = _audio(part), round(count / rate * SAMPLE_RATE)
            parts.append(np.pad(audio[:, :wanted], ((0, 0), (0, max(0, wanted - audio.shape[1])))))
        sound = crossfade(parts[0], parts[1], round(CROSSFADE_SECONDS / 2 * SAMPLE_RATE))
        for start in range(0, sound.shape[1], AAC_FRAME):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(sound[:, start : start + AAC_FRAME]), format="fltp", layout="stereo"
            )
            frame.sample_rate, frame.pts, frame.time_base = SAMPLE_RATE, start, Fraction(1, SAMPLE_RATE)
            out.mux(audio_out.encode(frame))
        out.mux(audio_out.encode(None))
    return sum(counts) / float(rate)
