"""The Videos API on a real job store (SQLite and PostgreSQL), artifact store and HTTP front, driven by the official
openai SDK, unmodified: models and tiers, errors as the SDK types them, cursor pages, delete, drafts that expire.

Jobs are completed here by the store (as the gateway's outcome consumer does) with a small real MP4; the mesh-level
test (`tests/integration/test_videos_sdk.py`) renders them.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import openai
import pytest
import requests
import sqlalchemy as sa
from PIL import Image
from support import job_store

from cinemesh.cli import main as cli
from cinemesh.gateway.http import create_app
from cinemesh.gateway.httpserver import HttpFront
from cinemesh.gateway.jobs import JobsApi
from cinemesh.gateway.videos import Periodic, VideosApi, parse_size
from cinemesh.gateway.watch import JobWatchHub
from cinemesh.runtime import metrics
from cinemesh.runtime.artifacts import INPUT_REFERENCE, SPRITESHEET, THUMBNAIL, ArtifactStore, job_key
from cinemesh.runtime.auth import Keyring
from cinemesh.runtime.bus import OutboundRecord, Publisher
from cinemesh.runtime.config import Settings
from cinemesh.runtime.jobstore import JobStore, audit_log
from cinemesh.v1 import common_pb2

DRAFT_TTL_SECONDS = 2.0


class RecordingPublisher(Publisher):
    """Keeps what would go to Kafka: no stage runs here, the tests complete jobs themselves."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.sent: list[OutboundRecord] = []

    def send(self, record: OutboundRecord, timeout: float = 30.0) -> None:
        self.sent.append(record)


@dataclass
class Front:
    store: JobStore
    artifacts: ArtifactStore
    videos: VideosApi
    base_url: str
    pro_key: str
    plus_key: str
    publisher: RecordingPublisher

    def client(self, key: str | None = None) -> openai.OpenAI:
        return openai.OpenAI(api_key=key or self.pro_key, base_url=self.base_url, max_retries=0, timeout=20)

    def complete(self, video_id: str, frames: int = 6) -> bytes:
        """Completes the job as the outcome consumer would, with a real MP4 and previews beside it."""
        with self.artifacts.writer(job_key(video_id, "final.mp4"), "video/mp4") as (path, result):
            _write_mp4(path, frames)
        for name, fmt in ((THUMBNAIL, "WEBP"), (SPRITESHEET, "JPEG")):
            with self.artifacts.writer(job_key(video_id, name), "image") as (path, _):
                Image.new("RGB", (32, 18), (200, 40, 40)).save(path, format=fmt)
        assert self.store.complete_job(video_id, result[0].uri, result[0].size_bytes)
        return Path(self.artifacts.url_for(job_key(video_id, "final.mp4")).removeprefix("file://")).read_bytes()


def _write_mp4(path: Path, frames: int) -> None:
    """H.264 pictures and an AAC tone, as long as each other."""
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        sound = out.add_stream("aac", rate=48_000, layout="stereo")
        for k in range(frames):
            image = np.full((64, 64, 3), (20 * k) % 256, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = k, Fraction(1, 24)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
        tone = np.tile(0.2 * np.sin(np.arange(frames * 2000) / 20), (2, 1)).astype(np.float32)
        for start in range(0, tone.shape[1], 1024):
            chunk = av.AudioFrame.from_ndarray(np.ascontiguousarray(tone[:, start : start + 1024]), format="fltp")
            chunk.sample_rate, chunk.pts, chunk.time_base = 48_000, start, Fraction(1, 48_000)
            out.mux(sound.encode(chunk))
        out.mux(sound.encode(None))


@pytest.fixture(params=["sqlite", "postgresql"])
def front(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Front]:
    with job_store(request.param, tmp_path) as store:
        store.upsert_account("acct-pro", "pro", 100_000)
        store.upsert_account("acct-plus", "plus", 100_000)
        keyring = Keyring(store, b"p" * 32)
        pro_key = keyring.issue("acct-pro", ["jobs:read", "jobs:write"])[1]
        plus_key = keyring.issue("acct-plus", ["jobs:read", "jobs:write"])[1]
        settings = Settings.from_env("gateway", {"CINEMESH_STATE_DIR": str(tmp_path)})
        artifacts = ArtifactStore((tmp_path / "artifacts").as_uri())
        publisher = RecordingPublisher(settings)
        api = JobsApi(settings, store, artifacts, publisher, keyring)
        videos = VideosApi(api, store, artifacts, DRAFT_TTL_SECONDS)
        hub = JobWatchHub(api, store, poll_seconds=0.05)
        http = HttpFront(create_app(api, hub, 5.0, videos), "127.0.0.1", 0, 5.0, 1.0)
        hub.start()
        http.start()
        try:
            yield Front(store, artifacts, videos, f"http://127.0.0.1:{http.port}/v1", pro_key, plus_key, publisher)
        finally:
            http.stop(1.0)
            hub.stop(1.0)


def test_sizes_map_to_resolutions_in_both_orientations() -> None:
    assert parse_size("1280x720") == ("720p", common_pb2.ORIENTATION_LANDSCAPE)
    assert parse_size("720x1280") == ("720p", common_pb2.ORIENTATION_PORTRAIT)
    assert parse_size("1024x1792") == ("1024p", common_pb2.ORIENTATION_PORTRAIT)
    assert parse_size("480x854") == ("480p", common_pb2.ORIENTATION_PORTRAIT)


def test_models_map_to_tiers_with_their_limits_and_credit_rates(front: Front) -> None:
    client = front.client()
    standard = client.videos.create(prompt="A paper boat in a gutter", model="sora-2", seconds="4", size="1280x720")
    assert (standard.status, standard.model, standard.seconds, standard.size) == ("queued", "sora-2", "4", "1280x720")
    assert standard.progress == 0 and standard.expires_at is None
    job = front.store.get_job(standard.id)
    assert (job.tier, job.credits_reserved) == ("plus", 4 * 16)  # a pro account's sora-2 job renders on plus
    pro = client.videos.create(prompt="A paper boat in a gutter", model="sora-2-pro", seconds="8", size="1024x1792")
    assert (pro.model, pro.seconds, pro.size) == ("sora-2-pro", "8", "1024x1792")
    assert (front.store.get_job(pro.id).tier, front.store.get_job(pro.id).credits_reserved) == ("pro", 8 * 40)
    native = client.videos.create(prompt="A kite", model="cinemesh-pro", seconds="2", size="480x854")
    assert (native.model, native.seconds, native.size) == ("cinemesh-pro", "2", "480x854")
    # The SDK's defaults: sora-2, 4 s, 720x1280.
    default = client.videos.create(prompt="A kite")
    assert (default.model, default.seconds, default.size) == ("sora-2", "4", "720x1280")
    # The plus tier's limits hold for sora-2: 720p at most, 10 s at most.
    with pytest.raises(openai.BadRequestError) as too_big:
        client.videos.create(prompt="A kite", model="sora-2", size="1792x1024")
    assert "720p" in too_big.value.message
    with pytest.raises(openai.BadRequestError):
        client.videos.create(prompt="A kite", model="sora-2", seconds="12")
    # A plus account may not use the pro model.
    with pytest.raises(openai.PermissionDeniedError) as denied:
        front.client(front.plus_key).videos.create(prompt="A kite", model="sora-2-pro")
    assert denied.value.status_code == 403 and "pro tier" in denied.value.message


def test_errors_are_openai_error_bodies_the_sdk_types(front: Front) -> None:
    client = front.client()
    with pytest.raises(openai.BadRequestError) as empty:
        client.videos.create(prompt="")
    body = empty.value.body
    assert isinstance(body, dict) and set(body) == {"message", "type", "param", "code"}, body
    assert (body["type"], body["param"], body["code"]) == ("invalid_request_error", "prompt", "invalid_argument")
    with pytest.raises(openai.BadRequestError) as bad_model:
        client.videos.create(prompt="A kite", model="sora-3")
    assert bad_model.value.body["param"] == "model"  # type: ignore[index]
    with pytest.raises(openai.AuthenticationError) as wrong_key:
        front.client("cm_nosuchkey_secret").videos.list()
    assert wrong_key.value.status_code == 401 and wrong_key.value.body["code"] == "invalid_api_key"  # type: ignore[index]
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve("5eed0000-0000-4000-8000-00000000abcd")
    with pytest.raises(openai.BadRequestError):
        client.videos.retrieve("not-a-uuid")
    queued = client.videos.create(prompt="A kite", seconds="2", size="480x854")
    with pytest.raises(openai.BadRequestError) as not_done:
        client.videos.download_content(queued.id)
    assert "queued" in not_done.value.message
    # Another account's video reads as one that does not exist.
    with pytest.raises(openai.NotFoundError):
        front.client(front.plus_key).videos.retrieve(queued.id)


def test_a_full_download_over_the_jobs_route_keeps_the_draft_too(front: Front) -> None:
    client = front.client()
    video = client.videos.create(prompt="A kite", seconds="2", size="480x854")
    mp4 = front.complete(video.id)
    assert client.videos.retrieve(video.id).expires_at is not None
    download = requests.get(
        f"{front.base_url.removesuffix('/v1')}/v1/jobs/{video.id}:download",
        headers={"authorization": f"Bearer {front.pro_key}"},
        timeout=10,
    )
    assert download.status_code == 200 and download.content == mp4
    assert client.videos.retrieve(video.id).expires_at is None


def test_content_variants_and_a_full_download_keeps_the_draft(front: Front) -> None:
    client = front.client()
    video = client.videos.create(prompt="A lighthouse at night", seconds="2", size="480x854")
    mp4 = front.complete(video.id)
    done = client.videos.retrieve(video.id)
    assert (done.status, done.progress) == ("completed", 100)
    assert done.completed_at is not None and done.expires_at == done.completed_at + int(DRAFT_TTL_SECONDS)
    thumbnail = client.videos.download_content(video.id, variant="thumbnail")
    assert Image.open(io.BytesIO(thumbnail.content)).format == "WEBP"
    assert Image.open(io.BytesIO(client.videos.download_content(video.id, variant="spritesheet").content)).format == (
        "JPEG"
    )
    assert client.videos.retrieve(video.id).expires_at is not None  # previews do not keep a draft
    assert client.videos.download_content(video.id).content == mp4
    assert client.videos.retrieve(video.id).expires_at is None  # the whole MP4 was read: kept


def test_list_pages_with_a_cursor_in_either_order(front: Front) -> None:
    client = front.client()
    created = [client.videos.create(prompt=f"A kite number {k}", seconds="2", size="480x854").id for k in range(5)]
    first = client.videos.list(limit=2, order="asc")
    assert [v.id for v in first.data] == created[:2] and first.has_more
    assert [v.id for v in client.videos.list(limit=2, order="asc", after=created[1]).data] == created[2:4]
    assert [v.id for v in client.videos.list(limit=2, order="asc")] == created  # the SDK follows the cursor
    assert [v.id for v in client.videos.list(limit=3)] == created[::-1]  # newest first by default
    with pytest.raises(openai.BadRequestError):
        client.videos.list(limit=0)


def test_delete_cancels_a_running_video_and_then_it_is_not_found(front: Front) -> None:
    client = front.client()
    video = client.videos.create(prompt="A kite", seconds="2", size="480x854")
    before = front.store.get_account("acct-pro").balance_credits
    deleted = client.videos.delete(video.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (video.id, True, "video.deleted")
    assert front.store.get_job(video.id).state == "cancelled"
    assert front.store.get_account("acct-pro").balance_credits == before + 2 * 16  # refunded
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve(video.id)
    with pytest.raises(openai.NotFoundError):
        client.videos.delete(video.id)
    assert video.id not in [v.id for v in client.videos.list()]
    finished = client.videos.create(prompt="A second kite", seconds="2", size="480x854")
    front.complete(finished.id)
    client.videos.delete(finished.id)
    assert front.artifacts.list_keys(f"jobs/{finished.id}") == []
    with pytest.raises(openai.NotFoundError):
        client.videos.download_content(finished.id)


def test_an_expired_draft_is_purged_and_a_saved_one_stays(front: Front, monkeypatch: pytest.MonkeyPatch) -> None:
    client = front.client()
    draft = client.videos.create(prompt="A draft kite", seconds="2", size="480x854")
    kept = client.videos.create(prompt="A saved kite", seconds="2", size="480x854")
    cli_saved = client.videos.create(prompt="A kite saved from the terminal", seconds="2", size="480x854")
    front.complete(draft.id)
    kept_mp4 = front.complete(kept.id)
    front.complete(cli_saved.id)
    saved = client.post(f"/videos/{kept.id}/save", cast_to=openai.types.Video)
    assert saved.expires_at is None and saved.status == "completed"
    monkeypatch.setenv("CINEMESH_HTTP_URL", front.base_url.removesuffix("/v1"))
    monkeypatch.setenv("CINEMESH_API_KEY", front.pro_key)
    assert cli.main(["save", cli_saved.id]) == 0
    assert client.videos.retrieve(cli_saved.id).expires_at is None
    assert cli.main(["save", "5eed0000-0000-4000-8000-00000000abcd"]) == 2
    assert front.videos.purge_expired() == 0  # nothing is past its TTL yet
    assert metrics.DRAFTS_LIVE._value.get() == 1
    purged_before = metrics.DRAFTS_PURGED_BYTES._value.get()
    size = sum(front.artifacts.size_of(key) for key in front.artifacts.list_keys(f"jobs/{draft.id}"))
    time.sleep(DRAFT_TTL_SECONDS + 0.5)
    assert front.videos.purge_expired() == 1
    assert front.videos.purge_expired() == 0  # once
    assert metrics.DRAFTS_PURGED_BYTES._value.get() - purged_before == size
    assert metrics.DRAFTS_LIVE._value.get() == 0
    assert front.artifacts.list_keys(f"jobs/{draft.id}") == []
    with pytest.raises(openai.NotFoundError) as expired:
        client.videos.download_content(draft.id)
    assert "draft expired" in expired.value.message
    jobs_route = requests.get(
        f"{front.base_url.removesuffix('/v1')}/v1/jobs/{draft.id}:download",
        headers={"authorization": f"Bearer {front.pro_key}"},
        timeout=10,
    )
    assert jobs_route.status_code == 404 and "draft expired" in jobs_route.json()["message"]
    # The job row stays, with an audit entry for the purge; the video still reads, past its expiry.
    assert front.store.get_job(draft.id).state == "completed"
    video = client.videos.retrieve(draft.id)
    assert video.expires_at is not None and video.expires_at <= time.time()
    with front.store.engine.connect() as conn:
        entries = conn.execute(sa.select(audit_log).where(audit_log.c.target == draft.id)).all()
    assert [(e.action, json.loads(e.detail)["purged_bytes"]) for e in entries] == [("draft.purge", size)]
    with pytest.raises(openai.NotFoundError):
        client.post(f"/videos/{draft.id}/save", cast_to=openai.types.Video)
    assert client.videos.download_content(kept.id).content == kept_mp4
    assert front.artifacts.list_keys(f"jobs/{cli_saved.id}") != []


def test_characters_without_an_identity_service_are_unavailable(front: Front) -> None:
    with pytest.raises(openai.InternalServerError) as unavailable:
        front.client().videos.get_character("5eed0000-0000-4000-8000-00000000abcd")
    assert unavailable.value.status_code == 503
    assert unavailable.value.body["type"] == "service_unavailable_error"  # type: ignore[index]


def test_remix_keeps_seed_size_and_length_and_names_its_source(front: Front) -> None:
    client = front.client()
    source = client.videos.create(prompt="A red kite over a beach", model="sora-2-pro", seconds="2", size="480x854")
    with pytest.raises(openai.BadRequestError):
        client.videos.remix(source.id, prompt="A blue kite over a beach")  # not completed yet
    front.complete(source.id)
    remix = client.videos.remix(source.id, prompt="A blue kite over a beach")
    assert (remix.remixed_from_video_id, remix.model, remix.seconds, remix.size) == (
        source.id,
        "sora-2-pro",
        "2",
        "480x854",
    )
    original, remixed = front.store.get_job(source.id), front.store.get_job(remix.id)
    assert (remixed.seed, remixed.tier) == (original.seed, original.tier)
    spec = common_pb2.GenerationSpec.FromString(remixed.spec)
    assert spec.prompt == "A blue kite over a beach" and spec.seed == original.seed
    with pytest.raises(openai.BadRequestError):
        client.videos.remix(source.id, prompt="")


def test_a_remix_and_an_extension_are_graded_toward_the_sources_input_reference(front: Front) -> None:
    client = front.client()
    blue = ("r.png", _png((0, 0, 255)))
    source = client.videos.create(prompt="A kite", seconds="2", size="480x854", input_reference=blue)
    front.complete(source.id, frames=48)
    remix = client.videos.remix(source.id, prompt="A kite over a beach")
    extension = _extend(client, source.id, "The kite climbs higher", "1")
    for video_id in (remix.id, extension.id):
        with front.artifacts.local_copy(front.artifacts.url_for(job_key(video_id, INPUT_REFERENCE))) as path:
            assert Image.open(path).getpixel((0, 0)) == (0, 0, 255)
    plain = client.videos.create(prompt="A kite", seconds="2", size="480x854")
    front.complete(plain.id, frames=48)
    assert not front.artifacts.exists(job_key(client.videos.remix(plain.id, prompt="A dog").id, INPUT_REFERENCE))


def test_extension_is_in_progress_until_stitched_then_has_the_total_length(front: Front) -> None:
    client = front.client()
    source = client.videos.create(prompt="A red kite over a beach", seconds="2", size="480x854")
    front.complete(source.id, frames=48)
    # The SDK's `videos.extend` types `video` as a file or {id}, but its multipart encoder refuses the dict before
    # sending anything (openai 3.57: "Expected entry at `video` to be bytes…"), so a reference by id goes through
    # the SDK's own request machinery as JSON.
    with pytest.raises(RuntimeError, match="Expected entry at `video`"):
        client.videos.extend(video={"id": source.id}, prompt="The kite climbs higher", seconds="4")
    extension = _extend(client, source.id, "The kite climbs higher", "1")
    assert (extension.seconds, extension.size, extension.status) == ("3", "480x854", "queued")
    assert client.videos.retrieve(source.id).expires_at is None  # the source is kept for its extension
    front.complete(extension.id, frames=24)
    assert client.videos.retrieve(extension.id).status == "in_progress"  # rendered, not stitched yet
    assert front.videos.stitch_pending() == 1 and front.videos.stitch_pending() == 0
    done = client.videos.retrieve(extension.id)
    assert (done.status, done.seconds, done.progress) == ("completed", "3", 100)
    whole = client.videos.download_content(extension.id).content
    with av.open(io.BytesIO(whole)) as container:
        frames = sum(1 for _ in container.decode(container.streams.video[0]))
        assert container.streams.audio[0].codec_context.name == "aac"
    assert frames == 72
    with pytest.raises(openai.BadRequestError):
        _extend(client, extension.id, "more", "0")


def test_an_extension_carries_the_spec_it_continues_with_the_source_seed(front: Front) -> None:
    client = front.client()
    source = client.videos.create(prompt="Slow pan over a beach at sunset", seconds="2", size="480x854")
    front.complete(source.id, frames=48)
    extension = _extend(client, source.id, "A kite climbs higher", "1")
    original = front.store.get_job(source.id)
    spec = common_pb2.GenerationSpec.FromString(front.store.get_job(extension.id).spec)
    assert (spec.prompt, spec.duration_seconds, spec.seed) == ("A kite climbs higher", 1.0, original.seed)
    assert spec.continues.prompt == "Slow pan over a beach at sunset" and spec.continues.seed == original.seed
    assert (spec.continues.duration_seconds, spec.continues.resolution) == (2.0, spec.resolution)
    front.complete(extension.id, frames=24)
    again = _extend(client, extension.id, "The kite dips", "1")
    chained = common_pb2.GenerationSpec.FromString(front.store.get_job(again.id).spec)
    assert chained.continues.prompt == "A kite climbs higher"  # an extension of an extension continues the last one
    assert chained.continues.continues.prompt == "Slow pan over a beach at sunset"
    remix = client.videos.remix(source.id, prompt="A blue kite over a beach")
    assert not common_pb2.GenerationSpec.FromString(front.store.get_job(remix.id).spec).HasField("continues")


def _extend(client: openai.OpenAI, video_id: str, prompt: str, seconds: str) -> openai.types.Video:
    body = {"video": {"id": video_id}, "prompt": prompt, "seconds": seconds}
    return client.post("/videos/extensions", body=body, cast_to=openai.types.Video)


def test_the_periodic_loop_runs_its_work_again_after_a_failed_round() -> None:
    rounds: list[int] = []

    def work() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise OSError("the artifact store is away")

    loop = Periodic("draft-purge", work, 0.05)
    loop.start()
    deadline = time.monotonic() + 5
    while len(rounds) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert loop.healthy()
    loop.stop(1.0)
    assert len(rounds) >= 3


def test_openapi_documents_the_videos_api_bodies_and_its_error_shape(front: Front) -> None:
    document = requests.get(f"{front.base_url}/openapi.json", timeout=10).json()
    create = document["paths"]["/v1/videos"]["post"]
    assert set(create["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert create["requestBody"]["content"]["multipart/form-data"]["schema"]["required"] == ["prompt"]
    error = create["responses"]["4XX"]["content"]["application/json"]["schema"]["anyOf"][0]
    assert error["properties"]["error"]["required"] == ["message", "type", "param", "code"]
    for path in ("/v1/videos/{video_id}", "/v1/videos/{video_id}/content", "/v1/videos/extensions"):
        assert path in document["paths"]
    assert "/v1/videos/characters/{character_id}" in document["paths"]


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_input_reference_is_stored_before_its_job_is_queued_and_a_refused_one_leaves_nothing(front: Front) -> None:
    client = front.client()
    seen_at_queueing: list[bool] = []
    queue = front.publisher.send

    def send(record: OutboundRecord, timeout: float = 30.0) -> None:
        seen_at_queueing.append(front.artifacts.exists(job_key(record.key, INPUT_REFERENCE)))
        queue(record, timeout)

    front.publisher.send = send  # type: ignore[method-assign]
    blue = ("ref.png", _png((0, 0, 255)))
    video = client.videos.create(prompt="A kite", seconds="2", size="480x854", input_reference=blue)
    key = job_key(video.id, INPUT_REFERENCE)
    with front.artifacts.local_copy(front.artifacts.url_for(key)) as path:
        assert Image.open(path).getpixel((0, 0)) == (0, 0, 255)
    assert seen_at_queueing == [True]
    with pytest.raises(openai.BadRequestError):
        client.videos.create(prompt="", seconds="2", input_reference=blue)
    assert [k for k in front.artifacts.list_keys("jobs") if k.endswith(INPUT_REFERENCE)] == [key]
