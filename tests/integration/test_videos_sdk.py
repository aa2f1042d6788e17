"""The official openai SDK, unmodified, with `base_url` at the embedded mesh's gateway: `client.videos` end to end.

Clips are 2 s at 480p (the smallest size) because the machine is slow. Where the SDK has no method or refuses the
documented argument, the test goes through the SDK's own request machinery (`client.post`) and says so:
`videos.extend` refuses `video={"id": ...}` client-side in openai 3.57, and the challenge of a character travels in
`extra_body`, as the Videos API documents.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import av
import numpy as np
import openai
import pytest
import requests
from PIL import Image
from recordings import answering_take

from cinemesh.lipsync.assemble import SPRITE_COLUMNS, SPRITE_FRAMES, SPRITE_WIDTH
from cinemesh.runtime.artifacts import AUDIO_RENDER, AUDIO_SOURCE, STEM_RENDER
from cinemesh.runtime.videostore import VideoStore

pytestmark = pytest.mark.integration

SIZE = "480x854"
WIDTH, HEIGHT = 480, 854
POLL_MS = 300


@pytest.fixture(scope="module")
def sdk(mesh) -> openai.OpenAI:  # type: ignore[no-untyped-def]
    base = f"http://127.0.0.1:{mesh.info.gateway_http_port}/v1"
    return openai.OpenAI(api_key=mesh.info.api_key, base_url=base, max_retries=0, timeout=120)


@pytest.fixture(scope="module")
def completed(sdk: openai.OpenAI) -> openai.types.Video:
    video = sdk.videos.create_and_poll(
        prompt="A red kite over a windy beach at noon, waves rolling in",
        model="cinemesh-pro",
        seconds="2",
        size=SIZE,
        poll_interval_ms=POLL_MS,
    )
    assert video.status == "completed", video.error
    return video


def _streams(mp4: bytes) -> tuple[str, str, int, int, float, float]:
    """(video codec, audio codec, width, height, picture seconds, sound seconds) of an MP4."""
    with av.open(io.BytesIO(mp4)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        frames = sum(1 for _ in container.decode(video))
        picture_seconds = frames / float(video.average_rate)
    with av.open(io.BytesIO(mp4)) as container:
        samples = sum(frame.samples for frame in container.decode(container.streams.audio[0]))
        sound_seconds = samples / container.streams.audio[0].sample_rate
    return video.codec_context.name, audio.codec_context.name, video.width, video.height, picture_seconds, sound_seconds


def test_create_and_poll_gives_an_h264_aac_mp4_of_the_size_and_length_asked(
    sdk: openai.OpenAI, completed: openai.types.Video
) -> None:
    assert (completed.model, completed.seconds, completed.size, completed.progress) == ("cinemesh-pro", "2", SIZE, 100)
    assert completed.completed_at is not None and completed.expires_at == completed.completed_at + 24 * 3600
    vcodec, acodec, width, height, picture_seconds, sound_seconds = _streams(
        sdk.videos.download_content(completed.id).content
    )
    assert (vcodec, acodec, width, height) == ("h264", "aac", WIDTH, HEIGHT)
    assert picture_seconds == pytest.approx(2.0, abs=1 / 24)
    assert sound_seconds == pytest.approx(2.0, abs=0.05)
    # Downloaded in full: no longer a draft that expires.
    assert sdk.videos.retrieve(completed.id).expires_at is None


def test_thumbnail_is_an_image_and_spritesheet_a_grid(sdk: openai.OpenAI, completed: openai.types.Video) -> None:
    thumbnail = Image.open(io.BytesIO(sdk.videos.download_content(completed.id, variant="thumbnail").content))
    assert thumbnail.format == "WEBP" and thumbnail.size == (WIDTH, HEIGHT)
    assert np.asarray(thumbnail.convert("L")).std() > 5  # a picture, not a flat frame
    sheet = Image.open(io.BytesIO(sdk.videos.download_content(completed.id, variant="spritesheet").content))
    cell_height = round(HEIGHT * SPRITE_WIDTH / WIDTH)
    assert sheet.format == "JPEG"
    assert sheet.size == (SPRITE_WIDTH * SPRITE_COLUMNS, cell_height * -(-SPRITE_FRAMES // SPRITE_COLUMNS))


def test_list_finds_the_video(sdk: openai.OpenAI, completed: openai.types.Video) -> None:
    assert completed.id in [video.id for video in sdk.videos.list(limit=2)]  # followed over pages
    newest_first = sdk.videos.list(limit=100).data
    assert [v.created_at for v in newest_first] == sorted((v.created_at for v in newest_first), reverse=True)


def _events(response: requests.Response) -> list[dict]:
    events, data = [], []
    for line in response.iter_lines(decode_unicode=True):
        if line.startswith("data:"):
            data.append(line.removeprefix("data:").strip())
        elif line == "" and data:
            events.append(json.loads("\n".join(data)))
            data = []
    return events


def test_remix_completes_with_its_source_seed_and_size_and_streams_progress(
    mesh,  # type: ignore[no-untyped-def]
    sdk: openai.OpenAI,
    completed: openai.types.Video,
    store,  # type: ignore[no-untyped-def]
) -> None:
    remix = sdk.videos.remix(completed.id, prompt="A blue kite over a windy beach at noon, waves rolling in")
    url = f"http://127.0.0.1:{mesh.info.gateway_http_port}/v1/videos/{remix.id}/events"
    headers = {"authorization": f"Bearer {mesh.info.api_key}"}
    with requests.get(url, headers=headers, stream=True, timeout=(5, 300)) as response:
        assert response.status_code == 200
        events = _events(response)
    print("remix progress:", [(e["stage"], e["percent"], round(e["eta_seconds"], 1)) for e in events])
    assert events[-1]["video"]["status"] == "completed" and events[-1]["percent"] == 100.0
    assert any(e["stage"] is not None for e in events[:-1]), events
    done = sdk.videos.poll(remix.id, poll_interval_ms=POLL_MS)
    assert (done.status, done.remixed_from_video_id, done.seconds, done.size) == (
        "completed",
        completed.id,
        "2",
        SIZE,
    )
    assert store.get_job(remix.id).seed == store.get_job(completed.id).seed
    assert _streams(sdk.videos.download_content(remix.id).content)[:4] == ("h264", "aac", WIDTH, HEIGHT)
    # Only the kite's colour changed, nothing heard: the source's audio render was copied to the remix before it was
    # submitted, so the audio stage found it there (written before that stage started) instead of rendering it.
    assert VideoStore(store).video(remix.id).reused == "audio"
    artifacts = Path(mesh.info.artifacts_url.removeprefix("file://"))
    source_audio, remix_audio = (artifacts / "jobs" / job / "audio.wav" for job in (completed.id, remix.id))
    assert remix_audio.read_bytes() == source_audio.read_bytes()
    audio_run = next(run for run in store.stage_runs(remix.id) if run.stage == "audio")
    assert remix_audio.stat().st_mtime <= audio_run.started_at.timestamp()
    video_run = next(run for run in store.stage_runs(remix.id) if run.stage == "video")
    print(
        f"remix: audio stage {(audio_run.finished_at - audio_run.started_at).total_seconds():.2f} s (reused), "
        f"video stage {(video_run.finished_at - video_run.started_at).total_seconds():.2f} s"
    )


def test_a_remix_that_changes_a_line_keeps_the_pictures_and_every_other_sound(
    mesh,  # type: ignore[no-untyped-def]
    sdk: openai.OpenAI,
    store,  # type: ignore[no-untyped-def]
) -> None:
    prompt = 'A woman flies a red kite on a windy beach at noon and says "Hold the string." A gull cries at 1.5 s.'
    talk = sdk.videos.create_and_poll(prompt=prompt, model="cinemesh-pro", seconds="2", size=SIZE)
    assert talk.status == "completed", talk.error
    remix = sdk.videos.remix(talk.id, prompt=prompt.replace("Hold the string.", "Let it go now!"))
    done = sdk.videos.poll(remix.id, poll_interval_ms=POLL_MS)
    assert done.status == "completed", done.error
    # The pictures, the gull's cry, the wind and the music were copied from the source before the remix was
    # submitted; the video stage found its render there, the audio stage spoke the new line and mixed again.
    assert VideoStore(store).video(remix.id).reused == "video,effects,ambience,music"
    artifacts = Path(mesh.info.artifacts_url.removeprefix("file://")) / "jobs"

    def read(job: str, name: str) -> bytes:
        return (artifacts / job / name).read_bytes()

    kept = [
        "video.mp4",
        "video.stamp",
        "video.tracks.pb",
        *(AUDIO_SOURCE.format(name) for name in ("effects", "ambience", "music")),
    ]
    for name in kept:
        assert read(remix.id, name) == read(talk.id, name), name
    for name in (AUDIO_SOURCE.format("dialogue"), AUDIO_RENDER, STEM_RENDER.format("dialogue"), "final.mp4"):
        assert read(remix.id, name) != read(talk.id, name), name
    video_run = next(run for run in store.stage_runs(remix.id) if run.stage == "video")
    assert (artifacts / remix.id / "video.mp4").stat().st_mtime <= video_run.started_at.timestamp()

    def seconds(job: str, stage: str) -> float:
        run = next(run for run in store.stage_runs(job) if run.stage == stage)
        return (run.finished_at - run.started_at).total_seconds()

    print(
        f"line remix: video stage {seconds(remix.id, 'video'):.2f} s (source {seconds(talk.id, 'video'):.2f} s), "
        f"audio stage {seconds(remix.id, 'audio'):.2f} s (source {seconds(talk.id, 'audio'):.2f} s)"
    )


def test_extend_gives_the_stitched_length(sdk: openai.OpenAI, completed: openai.types.Video) -> None:
    # openai 3.57's videos.extend refuses video={"id": ...} before sending; the SDK's client.post sends it.
    body = {"video": {"id": completed.id}, "prompt": "The kite climbs higher over the beach", "seconds": "2"}
    extension = sdk.post("/videos/extensions", body=body, cast_to=openai.types.Video)
    assert extension.seconds == "4"
    deadline = time.monotonic() + 300
    while (done := sdk.videos.retrieve(extension.id)).status in ("queued", "in_progress"):
        assert time.monotonic() < deadline, done
        time.sleep(POLL_MS / 1000)
    assert (done.status, done.seconds) == ("completed", "4"), done.error
    mp4 = sdk.videos.download_content(extension.id).content
    vcodec, acodec, width, height, picture_seconds, sound_seconds = _streams(mp4)
    assert (vcodec, acodec, width, height) == ("h264", "aac", WIDTH, HEIGHT)
    assert picture_seconds == pytest.approx(4.0, abs=1 / 24) and sound_seconds == pytest.approx(4.0, abs=0.05)
    _report_seam(mp4, seam_frame=48)


def _report_seam(mp4: bytes, seam_frame: int) -> None:
    """Prints the colour step and the sound's step at the seam beside the ordinary frame-to-frame steps."""
    with av.open(io.BytesIO(mp4)) as container:
        means = np.array([f.to_ndarray(format="rgb24").mean(axis=(0, 1)) for f in container.decode(video=0)])
    steps = np.abs(np.diff(means, axis=0)).max(axis=1)
    ordinary = np.delete(steps, seam_frame - 1)
    with av.open(io.BytesIO(mp4)) as container:
        sound = np.concatenate([f.to_ndarray()[0] for f in container.decode(audio=0)])
    rate, jumps = 48_000, np.abs(np.diff(sound))
    at_seam = jumps[seam_frame * rate // 24 - 240 : seam_frame * rate // 24 + 240].max()
    print(
        f"seam colour step {steps[seam_frame - 1]:.2f} (ordinary frame steps: median {np.median(ordinary):.2f}, "
        f"p95 {np.percentile(ordinary, 95):.2f}, max {ordinary.max():.2f}); sound step within 5 ms of the seam "
        f"{at_seam:.4f} (median sample step {np.median(jumps):.4f}, p99.9 {np.percentile(jumps, 99.9):.4f})"
    )


def test_errors_are_the_sdk_s_typed_exceptions(mesh, sdk: openai.OpenAI) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(openai.BadRequestError) as empty:
        sdk.videos.create(prompt="", seconds="2", size=SIZE)
    assert empty.value.body["param"] == "prompt"  # type: ignore[index]
    wrong = openai.OpenAI(api_key="cm_wrong_key", base_url=str(sdk.base_url), max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.videos.list()
    queued = sdk.videos.create(prompt="A paper boat in a gutter", seconds="2", size=SIZE)
    deleted = sdk.videos.delete(queued.id)
    assert deleted.deleted
    with pytest.raises(openai.NotFoundError):
        sdk.videos.retrieve(queued.id)
    with pytest.raises(openai.NotFoundError):
        sdk.videos.download_content(queued.id)


def test_a_character_from_the_enrollment_recording_can_be_mentioned(sdk: openai.OpenAI) -> None:
    challenge = sdk.post(
        "/cameos/challenges", body={"handle": "kiteflyer", "name": "Kite Flyer"}, cast_to=dict[str, object]
    )
    recording = answering_take(tuple(challenge["moves"]), str(challenge["phrase"]))  # type: ignore[arg-type]
    character = sdk.videos.create_character(
        name="Kite Flyer", video=("take.mp4", recording, "video/mp4"), extra_body={"challenge_id": challenge["id"]}
    )
    assert character.id and character.name == "Kite Flyer"
    assert sdk.videos.get_character(character.id).name == "Kite Flyer"
    with pytest.raises(openai.BadRequestError):  # a challenge is spent by its first attempt
        sdk.videos.create_character(
            name="Kite Flyer", video=("take.mp4", recording, "video/mp4"), extra_body={"challenge_id": challenge["id"]}
        )
    video = sdk.videos.create_and_poll(
        prompt='Close-up of @kiteflyer on a beach. @kiteflyer says "The wind is perfect today."',
        model="cinemesh-pro",
        seconds="3",
        size=SIZE,
        poll_interval_ms=POLL_MS,
    )
    assert video.status == "completed", video.error
