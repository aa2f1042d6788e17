"""Measures a finished MP4: streams, loudness, and A/V sync of every line and visible sound effect.

The lipsync stage embeds what a measurement needs (line spans, mouth tracks, event
frames) as a `cinemesh_sync` metadata tag, so any copy of the file can be checked
later, e.g. by `cinemesh inspect`, without the job's records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import numpy as np

from cinemesh.lipsync import sync
from cinemesh.v1 import common_pb2, lipsync_pb2

SYNC_TAG = "cinemesh_sync"
CONTEXT_FRAMES = 3
EVENT_WINDOW_FRAMES = 6
ONSET_WINDOW = 0.15  # seconds each side of the cue where its sound's onset is looked for


def sync_metadata(
    fps: int,
    timeline: common_pb2.AudioTimeline,
    tracks: list[common_pb2.FaceTrack],
    events: list[common_pb2.VisibleEvent],
    cue_times: dict[int, float],
) -> str:
    """The compact JSON a later measurement of the file needs."""
    spans: dict[str, set[int]] = {}
    lines = []
    for line in timeline.lines:
        lines.append([line.line_index, line.character_id, line.start_seconds, line.end_seconds])
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
            "events": [[e.cue_index, e.frame, cue_times.get(e.cue_index, e.frame / fps)] for e in events],
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


def _effect(
    frames: dict[int, np.ndarray], audio: np.ndarray, rate: int, fps: float, cue_index: int, frame: int, time: float
) -> lipsync_pb2.EffectSync | None:
    window = [
        k
        for k in range(frame - EVENT_WINDOW_FRAMES, frame + EVENT_WINDOW_FRAMES + 1)
        if k in frames and k - 1 in frames
    ]
    if not window:
        return None

    def jump(k: int) -> float:  # largest 16×16-block change from the previous frame
        diff = np.abs(frames[k].astype(np.int16) - frames[k - 1].astype(np.int16)).mean(axis=-1)
        h, w = diff.shape[0] // 16 * 16, diff.shape[1] // 16 * 16
        return float(diff[:h, :w].reshape(h // 16, 16, w // 16, 16).mean(axis=(1, 3)).max())

    visible = max(window, key=jump)
    a, b = max(0, int((time - ONSET_WINDOW) * rate)), min(len(audio), int((time + ONSET_WINDOW) * rate))
    # the earlier of two onsets: on raw energy (low thumps) and on its first difference (transients over music)
    onsets = [o for o in (_onset(audio[a:b], rate), _onset(np.diff(audio[a:b]), rate)) if o is not None]
    if not onsets:
        return None
    onset = (a / rate) + min(onsets)
    return lipsync_pb2.EffectSync(cue_index=cue_index, visible_frame=visible, offset_ms=(onset - visible / fps) * 1000)


def _onset(signal: np.ndarray, rate: int) -> float | None:
    """Seconds into `signal` where energy (2.5 ms hops) first stands 12 dB over the quiet before it, for two hops."""
    hop = rate // 400
    energy = np.array([np.sum(signal[i : i + hop] ** 2) for i in range(0, len(signal) - hop, hop)])
    if len(energy) < 3:
        return None
    # the quiet before it: the first 80 ms of the window (the window starts 150 ms before the cue)
    baseline = float(np.median(energy[: max(1, int(0.08 * rate / hop))])) + 1e-12
    loud = energy > baseline * 10**1.2
    held = np.nonzero(loud[:-1] & loud[1:])[0]
    index = int(held[0]) if len(held) else int(np.argmax(np.diff(np.log10(energy + 1e-9)))) + 1
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
            for _, _speaker, start, end in info["lines"]:
                wanted.update(
                    range(int(start * info["fps"]) - CONTEXT_FRAMES, int(end * info["fps"]) + CONTEXT_FRAMES + 1)
                )
            for _, frame, _ in info["events"]:
                wanted.update(range(frame - EVENT_WINDOW_FRAMES - 1, frame + EVENT_WINDOW_FRAMES + 1))
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
    from cinemesh.audio import mix  # loudness is the audio stage's measure; reuse it

    report = FileReport(streams, duration, mix.integrated_lufs(stereo), mix.true_peak_dbtp(stereo), chapters=chapters)
    if not info:
        return report
    fps = info["fps"]
    mono = stereo.mean(axis=0)
    timeline = common_pb2.AudioTimeline(
        lines=[
            common_pb2.SpokenLine(line_index=i, character_id=cid, start_seconds=s, end_seconds=e)
            for i, cid, s, e in info["lines"]
        ]
    )
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
    spoken = [line for line in timeline.lines if any(t.character_id == line.character_id and t.frames for t in tracks)]
    for line, m in zip(spoken, sync.measure(dense, mono, rate, fps, timeline, tracks), strict=True):
        report.lines.append(
            lipsync_pb2.LineSync(
                line_index=line.line_index,
                character_id=line.character_id,
                offset_ms=m.offset_ms,
                correlation=m.correlation,
            )
        )
    for cue_index, frame, time in info["events"]:
        measured = _effect(frames, mono, rate, fps, cue_index, frame, time)
        if measured is not None:
            report.effects.append(measured)
    return report
