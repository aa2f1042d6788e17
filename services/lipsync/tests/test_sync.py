"""Visemes, mouth re-rendering and A/V sync measured on the finished file."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import numpy as np
import pytest
from support import for_job

from cinemesh.audio.model import AudioModel, write_wav
from cinemesh.lipsync import sync, visemes
from cinemesh.lipsync.assemble import read_wav
from cinemesh.lipsync.model import MIN_CORRELATION, LipSyncModel
from cinemesh.prompt.planner import plan
from cinemesh.runtime.artifacts import ArtifactStore, job_key
from cinemesh.runtime.config import Settings
from cinemesh.v1 import audio_pb2, common_pb2, lipsync_pb2, video_pb2
from cinemesh.video.model import VideoModel

FRAME_MS = 1000 / 24


def _line(phonemes: list[tuple[str, float, float]]) -> common_pb2.SpokenLine:
    line = common_pb2.SpokenLine(start_seconds=phonemes[0][1], end_seconds=phonemes[-1][2])
    for symbol, start, end in phonemes:
        line.phonemes.add(phoneme=symbol, start_seconds=start, end_seconds=end)
    return line


def test_visemes_follow_the_phonemes_and_silence_closes_the_mouth() -> None:
    line = _line([("_", 1.0, 1.2), ("m", 1.2, 1.3), ("ɑ", 1.3, 1.6), ("_", 1.6, 2.0)])
    mouth = visemes.track(line, 24)
    times = (np.arange(mouth.first, mouth.first + len(mouth.opening)) + 0.5) / 24
    assert mouth.opening[np.argmin(np.abs(times - 1.45))] > 0.6  # open on the vowel
    assert mouth.opening[np.argmin(np.abs(times - 1.05))] < 0.1  # closed in the pause
    assert mouth.opening[-1] < 0.1
    # no single-frame flicker: the opening never jumps by more than half its range between frames
    assert np.abs(np.diff(mouth.opening)).max() < 0.5


def test_every_ipa_symbol_maps_to_one_of_the_15_visemes() -> None:
    for symbol in "pbmfvθðtdkɡszʃʒnlhɹaɑæʌeɛəiɪoɔuʊwj_":
        assert visemes.viseme_of(symbol) in visemes.VISEMES
    assert visemes.viseme_of("ˈ") is None


def test_a_short_whispered_line_is_found_in_a_loud_bed_within_a_few_ms() -> None:
    """Two syllables of breath noise under a bed of noise as loud as they are: the voice's onsets still place it."""
    rate, rng = 48_000, np.random.default_rng(3)
    line = _line(
        [("_", 1.0, 1.1), ("k", 1.1, 1.16), ("ʌ", 1.16, 1.3), ("m", 1.3, 1.36), ("ɪ", 1.36, 1.5), ("_", 1.5, 1.6)]
    )
    dialogue = np.zeros(3 * rate)
    for ph in line.phonemes[1:-1]:
        a, b = int(ph.start_seconds * rate), int(ph.end_seconds * rate)
        level = 0.3 if visemes.viseme_of(ph.phoneme) in ("aa", "ih") else 0.1
        dialogue[a:b] = level * rng.normal(size=b - a) * np.hanning(b - a)
    bed = rng.normal(size=len(dialogue)) * np.sqrt(np.mean(dialogue[int(1.1 * rate) : int(1.5 * rate)] ** 2))
    template = sync.VoiceTemplate.decode(sync.voice_template(dialogue, rate, line).encode())  # as the file carries it
    for shift in (0.0, 0.037, -0.12):
        mix = bed + np.roll(dialogue, round(shift * rate))
        delay, correlation = sync.voice_delay(mix, rate, template)
        assert abs(delay - shift) < 0.003, (shift, delay, correlation)


def test_an_effect_under_speech_is_timed_in_the_band_it_stands_out_in() -> None:
    """A low thud under louder broadband speech: lost in the full band, clear in its own."""
    from scipy import signal

    from cinemesh.lipsync import measure

    rate, rng, onset = 48_000, np.random.default_rng(5), 1.5
    t = np.arange(int(0.4 * rate)) / rate
    thud = np.zeros(3 * rate)
    thud[int(onset * rate) : int(onset * rate) + len(t)] = 0.2 * np.sin(2 * np.pi * 70 * t) * np.exp(-t / 0.08)
    speech = signal.sosfilt(signal.butter(2, (300, 4000), "bandpass", fs=rate, output="sos"), rng.normal(size=3 * rate))
    speech *= 0.5 * (1 + np.sin(2 * np.pi * 4 * np.arange(3 * rate) / rate))  # syllables
    band = measure.effect_band(thud, speech, rate, onset)
    assert band == measure.BANDS[0]
    start = int((onset - measure.ONSET_WINDOW) * rate)
    window = (thud + speech)[start : start + int(2 * measure.ONSET_WINDOW * rate)]
    filtered = signal.sosfiltfilt(signal.butter(4, band, "bandpass", fs=rate, output="sos"), window)
    found = measure.onset(filtered, rate)
    assert found is not None and abs(found - measure.ONSET_WINDOW) < 0.01  # the low band's filter smears ~5 ms
    broadband = measure.onset(window, rate)
    assert broadband is None or abs(broadband - measure.ONSET_WINDOW) > 0.01


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    state = tmp_path_factory.mktemp("lipsync")
    settings = Settings.from_env("lipsync", {"CINEMESH_STATE_DIR": str(state)})
    prompt = (
        'Medium shot of a fisherman and his daughter talking on a beach at sunset. He says "The tide is '
        'turning, we should go home now." She replies "Not yet, I want to watch the boats come in." Static.'
    )
    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, duration_seconds=8), "pro", 4, {"plus": 16, "pro": 40})
    scene_plan.format.width, scene_plan.format.height = 640, 360
    job_id = str(uuid.uuid4())
    video = VideoModel(settings)(video_pb2.RenderVideoRequest(job_id=job_id, plan=scene_plan))
    audio = AudioModel(settings)(audio_pb2.RenderAudioRequest(job_id=job_id, plan=scene_plan))
    request = lipsync_pb2.AssembleOutputRequest(
        job_id=job_id,
        plan=scene_plan,
        video=video.video,
        audio=audio.audio,
        timeline=audio.timeline,
        face_tracks=video.face_tracks,
    )
    return settings, state, scene_plan, video, audio, request


def _join(renders) -> lipsync_pb2.AssembleOutputRequest:  # type: ignore[no-untyped-def]
    """The renders' join as a job of its own (AssembleOutput reads only the job's own renders)."""
    settings, *_, request = renders
    return for_job(request, ArtifactStore(settings.artifacts_url), str(uuid.uuid4()))


def _assemble(renders, request: lipsync_pb2.AssembleOutputRequest) -> lipsync_pb2.AssembleOutputResponse:  # type: ignore[no-untyped-def]
    return LipSyncModel(renders[0])(request)


def test_every_speaking_mouth_is_within_one_frame_of_its_voice(renders) -> None:  # type: ignore[no-untyped-def]
    response = _assemble(renders, renders[5])
    assert len(response.line_sync) == 2
    for line in response.line_sync:
        assert line.correlation >= MIN_CORRELATION, line
        assert abs(line.offset_ms) <= FRAME_MS, line
    print(
        "\n" + ", ".join(f"{s.character_id}: {s.offset_ms:+.1f} ms (r={s.correlation:.2f})" for s in response.line_sync)
    )


def test_a_shifted_audio_track_is_measured_with_the_right_sign_and_size(renders) -> None:  # type: ignore[no-untyped-def]
    settings, _, _, _, audio, request = renders
    baseline = {s.line_index: s.offset_ms for s in _assemble(renders, request).line_sync}
    samples, rate = read_wav(Path(audio.audio.uri.removeprefix("file://")))
    shift = int(0.12 * rate)
    shifted = np.concatenate([np.zeros((samples.shape[0], shift), np.float32), samples[:, :-shift]], axis=1)
    late = _join(renders)
    artifacts = ArtifactStore(settings.artifacts_url)
    with artifacts.writer(job_key(late.job_id, "audio.wav"), "audio/wav") as (path, result):
        write_wav(path, shifted)
    late.audio.CopyFrom(result[0])
    response = _assemble(renders, late)
    for line in response.line_sync_before_correction:
        # audio 120 ms late reads as +120 ms (within a frame) on top of the unshifted measurement
        assert abs(line.offset_ms - baseline[line.line_index] - 120) <= FRAME_MS, (line, baseline)
    # …and the stage corrects it: re-times the mouths to the late voice and measures again
    assert abs(response.mouth_shift_ms - 120) <= FRAME_MS
    for line in response.line_sync:
        assert abs(line.offset_ms) <= FRAME_MS, line


def test_a_redelivered_join_gives_the_same_single_output(renders) -> None:  # type: ignore[no-untyped-def]
    once = _join(renders)
    first = _assemble(renders, once)
    again = _assemble(renders, once)
    assert first.output.sha256 == again.output.sha256
    assert [s.offset_ms for s in first.line_sync] == [s.offset_ms for s in again.line_sync]
    shutil.rmtree(Path(renders[1]) / "artifacts/jobs" / once.job_id, ignore_errors=True)


def test_cinemesh_inspect_measures_a_shifted_file(renders, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A file whose audio was shifted +120 ms after delivery: inspect reads the shift from the file alone."""
    import json

    import av

    from cinemesh.cli.main import main
    from cinemesh.lipsync import measure
    from cinemesh.lipsync.assemble import assemble

    audio = renders[4]
    delivered = _assemble(renders, _join(renders))
    baseline = {s.line_index: s.offset_ms for s in delivered.line_sync}
    delivered_path = Path(delivered.output.uri.removeprefix("file://"))
    with av.open(str(delivered_path)) as source:
        metadata = {measure.SYNC_TAG: source.metadata[measure.SYNC_TAG]}
    # the delivered picture, remuxed with its audio 120 ms late
    shifted = tmp_path / "shifted.mp4"
    assemble(
        delivered_path,
        Path(audio.audio.uri.removeprefix("file://")),
        shifted,
        None,
        "ultrafast",
        None,
        metadata,
        None,
        0.12,
    )
    assert main(["inspect", str(shifted), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["streams"][0]["codec"] == "h264"
    for line in report["dialogue_sync"]:
        assert abs(line["offset_ms"] - baseline[line["line"]] - 120) <= FRAME_MS, (line, baseline)


def test_the_deliverable_carries_a_valid_c2pa_manifest_with_the_measured_sync(renders) -> None:  # type: ignore[no-untyped-def]
    from cinemesh.lipsync import provenance

    response = _assemble(renders, _join(renders))
    path = Path(response.output.uri.removeprefix("file://"))
    verified = provenance.verify(path)
    assert verified.present and verified.valid, verified.errors
    claim = verified.claim
    assert claim["generator"] == "cinemesh" and claim["seed"] == renders[2].seed
    assert [s["offset_ms"] for s in claim["sync"]] == [pytest.approx(s.offset_ms, abs=0.01) for s in response.line_sync]
    assert claim["backends"]["video"] == "embedded"
    # tampering with the media makes validation fail
    data = bytearray(path.read_bytes())
    mdat = data.find(b"mdat")
    data[mdat + 5000] ^= 0xFF
    tampered = path.with_name("tampered.mp4")
    tampered.write_bytes(bytes(data))
    assert not provenance.verify(tampered).valid
