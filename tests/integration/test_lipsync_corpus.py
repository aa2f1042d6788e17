"""Ten prompts with dialogue (one or two speakers) and sound cues, through the whole embedded mesh.

Each delivered MP4 is measured on its own (decoded again): the typical line's mouth within one frame
of its voice (median, and at least 70 % of reliably measured lines) and a valid C2PA manifest.
Effect sync is measured and printed but not asserted: onsets picked from the finished mix are still
confused by speech and ambience next to the cue (see the notes of issue [5]); the audio stage's own
onset test (±1 frame over 36 placements) holds.
"""

from __future__ import annotations

import pytest

from cinemesh.lipsync import measure, provenance
from cinemesh.v1 import common_pb2

pytestmark = pytest.mark.integration

FRAME_MS = 1000 / 24
MIN_CORRELATION = 0.5
PROMPTS = [
    'Medium shot of a fisherman on a beach at sunset. He says "The tide is turning." A glass shatters at 3 s.',
    'A woman in a photo studio says "Hold still, this is the last one." A door slams at 3.5 s.',
    'Medium shot of an old man and a young woman in a kitchen. He says "Dinner is ready." She replies "Coming!"',
    'Medium shot of @Ana in a neon-lit street at night. @Ana whispers "We are not alone." Thunder at 3 s.',
    'A chef in a restaurant kitchen shouts "Service, please!" A splash at 3.5 s. Handheld.',
    'Medium shot of a girl and her grandfather on a pier. She asks "Will the boats come back?" '
    'He says "They always do."',
    'A detective in an office at night says "Somebody was here before us." A gunshot at 3.2 s. Film noir.',
    'Medium shot of a nurse in a hospital room. She says "You can go home tomorrow." A door slams at 3 s.',
    'A hiker on snowy mountains at dawn says "Almost at the top now." An explosion at 3.4 s, far away.',
    'Medium shot of a boy and a woman in a field. The boy says "Look at the kite!" She says "Hold on tight."',
]


def test_ten_prompts_with_dialogue_and_cues_are_in_sync_on_the_finished_file(client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    jobs = [
        client.submit(text.replace("@Ana", "a woman"), duration_seconds=5.0, resolution="480p").job.job_id
        for text in PROMPTS
    ]
    checked_lines = checked_effects = 0
    effect_offsets: list[float] = []
    unclear: list[tuple[str, float, float]] = []
    clear_offsets: list[float] = []
    for job_id, prompt in zip(jobs, PROMPTS, strict=True):
        job = client.wait(job_id, timeout=300)
        assert job.state == common_pb2.JOB_STATE_COMPLETED, (prompt, job.failure_reason)
        path = tmp_path / f"{job_id}.mp4"
        path.write_bytes(client.download(job_id))
        report = measure.measure(path)
        assert report.lines, prompt
        for line in report.lines:
            if line.correlation < MIN_CORRELATION:  # a whisper's flat envelope gives no reliable peak
                unclear.append((prompt[:30], round(line.offset_ms, 1), round(line.correlation, 2)))
                continue
            clear_offsets.append(line.offset_ms)
            checked_lines += 1
        for effect in report.effects:
            effect_offsets.append(round(effect.offset_ms, 1))
            checked_effects += 1
        assert provenance.verify(path).valid
    within = sum(abs(o) <= FRAME_MS for o in clear_offsets)
    print(
        f"\n{within} of {checked_lines} reliably measured lines within one frame across {len(PROMPTS)} videos "
        f"(ms: {[round(o, 1) for o in clear_offsets]}); unclear lines (r < 0.5): {unclear}; "
        f"effect offsets measured on the mix (ms): {effect_offsets}"
    )
    # Short lines (two or three words) give few frames to correlate: the measurement itself is noisy, so the
    # bar here is the typical line, not every line (issue [5] stays open on this).
    assert checked_lines >= 5 and checked_effects >= 5
    assert abs(sorted(clear_offsets)[len(clear_offsets) // 2]) <= FRAME_MS
    assert within >= 0.7 * checked_lines
