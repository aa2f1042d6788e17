"""Final assembly: H.264 video + AAC 48 kHz audio in a faststart MP4.

The video render is already H.264 yuv420p, so its packets are copied, not
re-encoded; the WAV is encoded to AAC and interleaved by time. Audio and video
must last the same to within one frame, or the renders disagree with the plan
and assembly refuses them.
"""

from __future__ import annotations

import wave
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from cinemesh.lipsync.watermark import Watermark
from cinemesh.runtime.errors import FailedPrecondition

AAC_FRAME = 1024
BATCH = 16  # frames decoded before their mouths are redrawn: one model request per batch
#: The spritesheet: at most this many evenly spaced frames in a grid this many columns wide, each this wide.
SPRITE_FRAMES = 25
SPRITE_COLUMNS = 5
SPRITE_WIDTH = 160
#: The thumbnail is the frame at this fraction of the clip (past any fade-in), at most this wide.
THUMBNAIL_AT = 1 / 3
THUMBNAIL_WIDTH = 640

#: Redraws in place the mouths of frames [first, first + len(frames)) of the video.
Redraw = Callable[[int, list[np.ndarray]], None]


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """16-bit PCM WAV → (channels, samples) float32 and its rate."""
    with wave.open(str(path), "rb") as src:
        if src.getsampwidth() != 2:
            raise FailedPrecondition(f"audio render {path.name} is not 16-bit PCM")
        rate, channels = src.getframerate(), src.getnchannels()
        pcm = np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")
    return (pcm.reshape(-1, channels).T.astype(np.float32) / 32768.0), rate


def assemble(
    video_path: Path,
    audio_path: Path,
    out_path: Path,
    redraw: Redraw | None = None,
    preset: str = "veryfast",
    watermark: Watermark | None = None,
    metadata: dict[str, str] | None = None,
    chapters: list[tuple[float, float, str]] | None = None,
    audio_shift_seconds: float = 0.0,
) -> float:
    """Muxes the two renders into `out_path`; returns the video duration in seconds.

    Frames are decoded in batches, speaking mouths redrawn (`redraw`) and the watermark drawn,
    and the video re-encoded; without either, the H.264 packets are copied as they are.
    `audio_shift_seconds` delays (> 0) or advances the audio, keeping its length: the sync correction.
    """
    audio, rate = read_wav(audio_path)
    shift = round(audio_shift_seconds * rate)
    if shift > 0:
        audio = np.concatenate([np.zeros((audio.shape[0], shift), np.float32), audio[:, :-shift]], axis=1)
    elif shift < 0:
        audio = np.concatenate([audio[:, -shift:], np.zeros((audio.shape[0], -shift), np.float32)], axis=1)
    redraws = redraw is not None or watermark is not None
    with av.open(str(video_path)) as source:
        vin = source.streams.video[0]
        if vin.codec_context.name != "h264" or vin.codec_context.pix_fmt != "yuv420p":
            raise FailedPrecondition(
                f"video render is {vin.codec_context.name}/{vin.codec_context.pix_fmt}; expected h264/yuv420p"
            )
        fps = vin.average_rate
        frame_count = vin.frames
        video_seconds = frame_count / float(fps)
        audio_seconds = audio.shape[1] / rate
        if abs(audio_seconds - video_seconds) > 1 / float(fps):
            raise FailedPrecondition(
                f"audio lasts {audio_seconds:.3f} s but video {video_seconds:.3f} s "
                f"({frame_count} frames at {float(fps):g} fps); they must agree within one frame"
            )
        options = {"movflags": "+faststart+use_metadata_tags"}
        with av.open(str(out_path), "w", format="mp4", options=options) as out:
            out.metadata.update(metadata or {})
            if chapters:
                out.set_chapters(
                    [
                        {
                            "id": k + 1,
                            "start": int(start * 1000),
                            "end": int(end * 1000),
                            "time_base": Fraction(1, 1000),
                            "metadata": {"title": title},
                        }
                        for k, (start, end, title) in enumerate(chapters)
                    ]
                )
            # every stream is declared before the first packet: that writes the header
            if redraws:
                vout = out.add_stream("libx264", rate=fps)
                vout.width, vout.height, vout.pix_fmt = vin.width, vin.height, "yuv420p"
                vout.options = {"crf": "16", "preset": preset}
            else:
                vout = out.add_stream_from_template(vin)
            aout = out.add_stream("aac", rate=rate, layout="stereo" if audio.shape[0] == 2 else "mono")
            aout.bit_rate = 192_000
            if redraws:
                first = 0
                for batch in _rgb_batches(source.decode(vin)):
                    if redraw is not None:
                        redraw(first, batch)
                    for k, rgb in enumerate(batch):
                        if watermark is not None:
                            watermark.apply(rgb, first + k, float(fps))
                        out.mux(vout.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
                    first += len(batch)
                out.mux(vout.encode(None))
            else:
                # The muxer interleaves by time (av_interleaved_write_frame).
                for packet in source.demux(vin):
                    if packet.dts is None:
                        continue
                    packet.stream = vout
                    out.mux(packet)
            _encode_audio(out, aout, audio, rate)
    return video_seconds


def _rgb_batches(frames: Iterator[av.VideoFrame]) -> Iterator[list[np.ndarray]]:
    batch: list[np.ndarray] = []
    for frame in frames:
        batch.append(frame.to_ndarray(format="rgb24"))
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _encode_audio(out: av.container.OutputContainer, stream: av.AudioStream, audio: np.ndarray, rate: int) -> None:
    layout = "stereo" if audio.shape[0] == 2 else "mono"
    for start in range(0, audio.shape[1], AAC_FRAME):
        chunk = np.ascontiguousarray(audio[:, start : start + AAC_FRAME])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def write_previews(video_path: Path, thumbnail_path: Path, spritesheet_path: Path) -> None:
    """Still previews of a finished MP4: a WebP thumbnail and a JPEG spritesheet of evenly spaced frames.

    The spritesheet is a grid, SPRITE_COLUMNS wide, of up to SPRITE_FRAMES frames sampled at equal steps from the
    first frame to the last, in order (row by row), each scaled to SPRITE_WIDTH pixels wide.
    """
    with av.open(str(video_path)) as source:
        stream = source.streams.video[0]
        total = stream.frames or 1
        count = min(SPRITE_FRAMES, total)
        wanted = {round(k * (total - 1) / max(count - 1, 1)): k for k in range(count)}
        thumbnail_index = min(total - 1, int(total * THUMBNAIL_AT))
        sprites: dict[int, Image.Image] = {}
        thumbnail: Image.Image | None = None
        for index, frame in enumerate(source.decode(stream)):
            if index == thumbnail_index or index in wanted:
                image = frame.to_image()
                if index == thumbnail_index:
                    thumbnail = _scaled(image, THUMBNAIL_WIDTH)
                if index in wanted:
                    sprites[wanted[index]] = _scaled(image, SPRITE_WIDTH)
    if thumbnail is None or not sprites:
        raise FailedPrecondition(f"{video_path.name} has no decodable frames for previews")
    thumbnail.save(thumbnail_path, format="WEBP", quality=85)
    cell_width, cell_height = sprites[0].size
    rows = -(-len(sprites) // SPRITE_COLUMNS)
    sheet = Image.new("RGB", (cell_width * min(SPRITE_COLUMNS, len(sprites)), cell_height * rows))
    for k, sprite in sorted(sprites.items()):
        sheet.paste(sprite, ((k % SPRITE_COLUMNS) * cell_width, (k // SPRITE_COLUMNS) * cell_height))
    sheet.save(spritesheet_path, format="JPEG", quality=85)


def _scaled(image: Image.Image, width: int) -> Image.Image:
    if image.width <= width:
        return image.convert("RGB")
    height = max(2, round(image.height * width / image.width))
    return image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
