"""Measures a finished MP4: streams, loudness, and A/V sync of every line and visible sound effect.

The lipsync stage embeds what a measurement needs (each line's span, phonemes and
voice template, the mouth tracks, each event's frame, onset and band) as a
`cinemesh_sync` metadata tag, so any copy of the file can be checked later, e.g. by
`cinemesh inspect`, without the job's records or stems.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import numpy as np
from scipy import signal

from cinemesh.lipsync import sync
from cinemesh.runtime import loudness
from cinemesh.v1 import common_pb2, lipsync_pb2

SYNC_TAG = "cinemesh_sync"
CONTEXT_FRAMES = 3
EVENT_WINDOW_FRAMES = 6
QUIET_FRAMES = 24  # frames either side whose quieter half is the picture's level before and after an event
VISIBLE_RATIO = 3.0  # the event's picture change must be this many times the window's typical change
ONSET_WINDOW = 0.15  # seconds each side of the cue where its sound's onset is looked for
BASELINE = 0.08  # the first 80 ms of that window: the mix just before the effect
ATTACK = 0.01  # the band is chosen on the effect's first 10 ms: a rumble that swells later cannot be timed
RISE_DB = 12.0
# The onset is traced back to 6 dB over the quiet: lower, it reaches into AAC's pre-echo (the coder spreads a
# transient's noise over its 21 ms block); for the same reason no band is above 10 kHz, where pre-echo is worst.
BACKTRACK_DB = 6.0
_PEAK_HOPS = 8  # 20 ms: how far after a rise starts its peak is looked for
FULL_BAND = (40.0, 10000.0)
BANDS = ((40.0, 160.0), (160.0, 500.0), (500.0, 1500.0), (1500.0, 4000.0), (4000.0, 10000.0))


def sync_metadata(
    fps: int,
    timeline: common_pb2.AudioTimeline,
    tracks: list[common_pb2.FaceTrack],
    events: list[common_pb2.VisibleEvent],
    cue_times: dict[int, float],
    bands: dict[int, tuple[float, float]],
    voices: dict[int, sync.VoiceTemplate],
) -> str:
    """The compact JSON a later measurement of the file needs.

    `cue_times` are the effects' onsets, `bands` the band (Hz) each effect stands out of the mix in,
    `voices` each line's loudness template from the dialogue stem.
    """
    spans: dict[str, set[int]] = {}
    lines = []
    for line in timeline.lines:
        phonemes = [[p.phoneme, round(p.start_seconds, 4), round(p.end_seconds, 4)] for p in line.phonemes]
        voice = voices[line.line_index].encode() if line.line_index in voices else None
        lines.append([line.line_index, line.character_id, line.start_seconds, line.end_seconds, phonemes, voice])
        first, last = int(line.start_seconds * fps) - CONTEXT_FRAMES, int(line.end_seconds * fps) + CONTEXT_FRAMES
        spans.setdefault(line.character_id, set()).update(range(first, last + 1))
    faces = {
        t.character_id: [
            [
                f.frame,
                round(f.mouth_x, 1),
                round(f.mouth_y, 1),
                round(f.box_x0, 1),
                round(f.box_y0, 1),
                round(f.box_x1, 1),
                round(f.box_y1, 1),
            ]
            for f in t.frames
            if f.frame in spans.get(t.character_id, set())
        ]
        for t in tracks
    }
    return json.dumps(
        {
            "fps": fps,
            "lines": lines,
            "faces": faces,
            "events": [
                [e.cue_index, e.frame, cue_times.get(e.cue_index, e.frame / fps), *bands.get(e.cue_index, FULL_BAND)]
                for e in events
            ],
        },
        separators=(",", ":"),
    )


@dataclass
class FileReport:
    streams: list[dict[str, Any]]
    duration_seconds: float
    integrated_lufs: float
    true_peak_dbtp: float
    lines: list[lipsync_pb2.LineSync] = field(default_factory=list)
    effects: list[lipsync_pb2.EffectSync] = field(default_factory=list)
    chapters: list[str] = field(default_factory=list)
    # where each speaker's mouth is while it speaks: character id → frame → (x, y) pixels
    mouths: dict[str, dict[int, tuple[float, float]]] = field(default_factory=dict)


def effect_band(effects: np.ndarray, rest: np.ndarray, rate: int, onset: float) -> tuple[float, float]:
    """The band (Hz) to time the effect's onset in: the highest where its attack clearly rises over the mix.

    `effects` is the effects stem, `rest` the mix without it (mono). A door slam under speech is lost in the
    broadband loudness but still stands out in its low thud band; a shatter in its highs. Of the bands where
    the attack (its first ATTACK seconds) stands RISE_DB + 3 dB over the mix just before it, the highest wins:
    a band-pass at 40-160 Hz rings long enough to put an onset 5-25 ms early. Where none does, the band it
    rises most in.
    """
    a = int(onset * rate)
    attack = slice(a, a + int(ATTACK * rate))
    before = rest[max(0, a - int(ONSET_WINDOW * rate)) : a]
    if a <= 0 or len(before) == 0 or len(effects[attack]) == 0:
        return FULL_BAND

    def band_power(x: np.ndarray) -> np.ndarray:
        spectrum = np.abs(np.fft.rfft(x)) ** 2 / len(x)
        freqs = np.fft.rfftfreq(len(x), 1 / rate)
        return np.array([spectrum[(freqs >= lo) & (freqs < hi)].sum() + 1e-12 for lo, hi in BANDS])

    rise_db = 10 * np.log10(band_power(effects[attack] + rest[attack]) / band_power(before))
    clear = np.nonzero(rise_db >= RISE_DB + 3)[0]
    return BANDS[int(clear[-1])] if len(clear) else BANDS[int(np.argmax(rise_db))]


def _visible_frame(frames: dict[int, np.ndarray], frame: int) -> tuple[int | None, str]:
    """The frame near `frame` whose picture changes most (the impact), or why none stands out.

    A frame's change is the 99th percentile of its 16×16 blocks' mean change from the previous frame: the
    moving watermark and a talking mouth touch fewer blocks than that, an event far more. An object falls
    before it lands and a door swings before it slams, so the baseline the impact must stand VISIBLE_RATIO
    times over is the quieter half of the second around it; the impact itself, its flash or its break, is
    the largest change within EVENT_WINDOW_FRAMES of the cue.
    """
    around = [k for k in range(frame - QUIET_FRAMES, frame + QUIET_FRAMES + 1) if k in frames and k - 1 in frames]
    window = [k for k in around if abs(k - frame) <= EVENT_WINDOW_FRAMES]
    if not window:
        return None, "the event's frames are not in the file"
    change = {k: picture_change(frames[k - 1], frames[k]) for k in around}
    changes = np.array([change[k] for k in window])
    if changes.max() < VISIBLE_RATIO * (float(np.percentile(list(change.values()), 25)) + 1.0):
        return None, f"no picture change stands out within {EVENT_WINDOW_FRAMES} frames of frame {frame}"
    return window[int(np.argmax(changes))], ""


def picture_change(before: np.ndarray, after: np.ndarray, block: int = 16) -> float:
    """How much the picture changed between two frames: the 99th percentile of its blocks' mean change."""
    diff = np.abs(after.astype(np.int16) - before.astype(np.int16)).mean(axis=-1)
    h, w = diff.shape[0] // block * block, diff.shape[1] // block * block
    return float(np.percentile(diff[:h, :w].reshape(h // block, block, w // block, block).mean(axis=(1, 3)), 99))


def _effect(
    frames: dict[int, np.ndarray], audio: np.ndarray, rate: int, fps: float, event: list
) -> lipsync_pb2.EffectSync:
    cue_index, frame, time, lo, hi = event
    visible, why = _visible_frame(frames, frame)
    if visible is None:
        return lipsync_pb2.EffectSync(cue_index=cue_index, unclear=why)
    a, b = max(0, int((time - ONSET_WINDOW) * rate)), min(len(audio), int((time + ONSET_WINDOW) * rate))
    pad = int(0.05 * rate)  # filter start-up transients stay outside the window
    lo_pad = min(a, pad)
    sos = signal.butter(4, (lo, min(hi, rate / 2 * 0.95)), btype="bandpass", fs=rate, output="sos")
    band = signal.sosfiltfilt(sos, audio[a - lo_pad : b + pad])[lo_pad : lo_pad + b - a]  # zero phase: no delay
    start = onset(band, rate)
    if start is None:
        return lipsync_pb2.EffectSync(
            cue_index=cue_index,
            visible_frame=visible,
            unclear=f"no onset {RISE_DB:g} dB over the mix in {lo:g}-{hi:g} Hz within {ONSET_WINDOW * 1000:g} ms "
            "of the cue (masked)",
        )
    return lipsync_pb2.EffectSync(
        cue_index=cue_index, visible_frame=visible, offset_ms=(a / rate + start - visible / fps) * 1000
    )


def onset(band: np.ndarray, rate: int) -> float | None:
    """Seconds into `band` where the effect's attack starts: of the rises of RISE_DB over the quiet, the loudest.

    A rise must hold for two hops. The effect's band was chosen because its attack stands out there, so the
    effect's rise peaks highest; the first rise may be a consonant or a note just before it (the "s" of a
    line ending 70 ms before a gunshot, in 4-10 kHz). The onset is then traced back to where the energy
    left the level just before that rise (BACKTRACK_DB over it), so a slow attack (a rumble) is timed from
    its start, not from where it got loud, and a rise out of a consonant's tail stops at the rise.
    """
    hop = rate // 400
    energy = np.array([np.sum(band[i : i + hop] ** 2) for i in range(0, len(band) - hop, hop)])
    before = max(1, int(BASELINE * rate / hop))
    quiet = energy[:before]
    if len(energy) <= len(quiet) + 2:
        return None
    baseline = float(np.median(quiet)) + 1e-12
    loud = energy > baseline * 10 ** (RISE_DB / 10)
    held = np.nonzero(loud[:-1] & loud[1:])[0]
    held = held[held >= len(quiet) // 2]  # earlier, it is a short sound before the effect (the median ignores it)
    if not len(held):
        return None
    starts = held[np.insert(np.diff(held) > 1, 0, True)]  # where each run of loud hops begins
    index = int(max(starts, key=lambda start: energy[start : start + _PEAK_HOPS].max()))
    level = max(baseline, float(np.median(energy[max(0, index - before) : index])) if index else baseline)
    while index > 0 and energy[index - 1] > level * 10 ** (BACKTRACK_DB / 10):
        index -= 1
    return index * hop / rate


def measure(path: Path) -> FileReport:
    """Decodes the file once and measures everything the embedded metadata makes measurable."""
    with av.open(str(path)) as container:
        raw = container.metadata.get(SYNC_TAG)
        info = json.loads(raw) if raw else None
        streams = []
        for s in container.streams:
            if s.codec_context is None:  # chapter/data tracks
                continue
            entry: dict[str, Any] = {
                "type": s.type,
                "codec": s.codec_context.name,
                "duration_seconds": float(s.duration * s.time_base) if s.duration else None,
            }
            if s.type == "video":
                entry.update(
                    width=s.width,
                    height=s.height,
                    fps=float(s.average_rate),
                    frames=s.frames,
                    pix_fmt=s.codec_context.pix_fmt,
                )
            elif s.type == "audio":
                entry.update(sample_rate=s.codec_context.sample_rate, channels=s.codec_context.channels)
            streams.append(entry)
        duration = float(container.duration / 1e6) if container.duration else 0.0
        chapters = [c.get("metadata", {}).get("title", "") for c in container.chapters()]
        wanted: set[int] = set()
        if info:
            for _, _speaker, start, end, *_ in info["lines"]:
                wanted.update(
                    range(int(start * info["fps"]) - CONTEXT_FRAMES, int(end * info["fps"]) + CONTEXT_FRAMES + 1)
                )
            for _, frame, *_ in info["events"]:
                wanted.update(range(frame - QUIET_FRAMES - 1, frame + QUIET_FRAMES + 1))
        frames: dict[int, np.ndarray] = {}
        count = 0
        for index, frame in enumerate(container.decode(video=0)):
            if index in wanted:
                frames[index] = frame.to_ndarray(format="rgb24")
            count = index + 1
    with av.open(str(path)) as container:
        chunks = [f.to_ndarray() for f in container.decode(audio=0)]
        rate = container.streams.audio[0].codec_context.sample_rate if container.streams.audio else 48_000
    stereo = np.concatenate(chunks, axis=1) if chunks else np.zeros((2, 1), np.float32)
    report = FileReport(
        streams, duration, loudness.integrated_lufs(stereo, rate), loudness.true_peak_dbtp(stereo), chapters=chapters
    )
    if not info:
        return report
    fps = info["fps"]
    mono = stereo.mean(axis=0)
    timeline = common_pb2.AudioTimeline(
        lines=[
            common_pb2.SpokenLine(
                line_index=i,
                character_id=cid,
                start_seconds=s,
                end_seconds=e,
                phonemes=[common_pb2.PhonemeTiming(phoneme=p, start_seconds=a, end_seconds=b) for p, a, b in phonemes],
            )
            for i, cid, s, e, phonemes, _ in info["lines"]
        ]
    )
    voices = {i: sync.VoiceTemplate.decode(voice) for i, _, _, _, _, voice in info["lines"] if voice}
    report.mouths = {cid: {f[0]: (f[1], f[2]) for f in entries} for cid, entries in info["faces"].items()}
    tracks = [
        common_pb2.FaceTrack(
            character_id=cid,
            frames=[
                common_pb2.FaceFrame(
                    frame=f[0],
                    visible=True,
                    mouth_x=f[1],
                    mouth_y=f[2],
                    box_x0=f[3],
                    box_y0=f[4],
                    box_x1=f[5],
                    box_y1=f[6],
                )
                for f in entries
            ],
        )
        for cid, entries in info["faces"].items()
    ]
    dense = [frames.get(k, np.zeros((1, 1, 3), np.uint8)) for k in range(count)]
    for line, m in sync.measure(dense, mono, rate, fps, timeline, tracks, voices):
        report.lines.append(
            lipsync_pb2.LineSync(
                line_index=line.line_index,
                character_id=line.character_id,
                offset_ms=m.offset_ms,
                correlation=m.correlation,
            )
        )
    for event in info["events"]:
        report.effects.append(_effect(frames, mono, rate, fps, event))
    return report
