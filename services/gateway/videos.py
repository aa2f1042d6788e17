"""The Videos API's domain: the openai SDK's `client.videos` on cinemesh jobs, and drafts that expire.

A video is a job. Its Video object (the SDK's `types/video.py`) is read from the job row and its `videos` row:
`status` from the job's state, `progress` from the stage timings, `seconds` and `size` from the spec, `expires_at`
from the draft rules. Models name a tier (`data/video_models.yaml`); `sora-2` and `sora-2-pro` are aliases.

Drafts: every finished video expires `draft_ttl_seconds` after it completed unless it was saved or downloaded in
full. `purge_expired` deletes an expired draft's artifacts and keeps its rows, with an audit entry; reading its
content afterwards is NOT_FOUND saying the draft expired. Nothing here knows HTTP (see `videos_http`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import logging
import math
import re
import threading
import uuid
from collections.abc import Callable, Generator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from PIL import Image, UnidentifiedImageError

from cinemesh.gateway.jobs import JobsApi
from cinemesh.gateway.reuse import StemReuse
from cinemesh.gateway.stitch import stitch
from cinemesh.runtime import metrics
from cinemesh.runtime.artifacts import INPUT_REFERENCE, SPRITESHEET, THUMBNAIL, ArtifactStore, job_key
from cinemesh.runtime.auth import require
from cinemesh.runtime.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from cinemesh.runtime.jobstore import Account, JobRecord, JobStore
from cinemesh.runtime.specs import RESOLUTIONS
from cinemesh.runtime.videostore import VideoRow, VideoStore
from cinemesh.v1 import common_pb2, gateway_pb2

log = logging.getLogger(__name__)

#: Variant of `GET /v1/videos/{id}/content` → (artifact name, media type); "video" is the job's MP4.
IMAGE_VARIANTS = {"thumbnail": (THUMBNAIL, "image/webp"), "spritesheet": (SPRITESHEET, "image/jpeg")}
VARIANTS = ("video", *IMAGE_VARIANTS)
#: An extension's stitched whole (the source, then the continuation), under `jobs/<extension id>/`.
STITCHED = "extended.mp4"
MAX_PAGE = 100
DEFAULT_PAGE = 20
#: Largest `input_reference` image accepted.
MAX_REFERENCE_BYTES = 16 * 1024 * 1024
_SIZE = re.compile(r"^\s*(\d{2,5})\s*x\s*(\d{2,5})\s*$")
_STATUS = {
    "queued": "queued",
    "parsing": "in_progress",
    "casting": "in_progress",
    "rendering": "in_progress",
    "aligning": "in_progress",
    "completed": "completed",
    "failed": "failed",
    "cancelled": "failed",
}


@dataclass(frozen=True)
class VideoModels:
    """The models table: model → tier, alias → model, defaults, tier order."""

    tiers: dict[str, str]
    aliases: dict[str, str]
    default_model: str
    default_seconds: float
    default_size: str
    tier_rank: dict[str, int]

    @classmethod
    def load(cls) -> VideoModels:
        data = yaml.safe_load(resources.files("cinemesh.gateway").joinpath("data/video_models.yaml").read_text())
        return cls(
            tiers={name: entry["tier"] for name, entry in data["models"].items()},
            aliases=dict(data["aliases"]),
            default_model=data["defaults"]["model"],
            default_seconds=float(data["defaults"]["seconds"]),
            default_size=str(data["defaults"]["size"]),
            tier_rank=dict(data["tier_rank"]),
        )

    def tier_of(self, model: str) -> str:
        """The tier a model (or alias) renders on; INVALID_ARGUMENT naming the choices for an unknown one."""
        canonical = self.aliases.get(model, model)
        if canonical not in self.tiers:
            choices = ", ".join([*self.tiers, *self.aliases])
            raise InvalidArgument("model", f"unknown model {model!r}; expected one of {choices}")
        return self.tiers[canonical]

    def default_for_tier(self, tier: str) -> str:
        return next(name for name, model_tier in self.tiers.items() if model_tier == tier)


@dataclass(frozen=True)
class CreateVideo:
    """A create request as the SDK sends it (every field a string of its form, or None when omitted)."""

    prompt: str | None
    model: str | None = None
    seconds: str | None = None
    size: str | None = None
    input_reference: bytes | None = None
    idempotency_key: str | None = None


def parse_size(size: str) -> tuple[str, int]:
    """`WIDTHxHEIGHT` → (resolution name, orientation) for the sizes cinemesh renders, in either orientation."""
    match = _SIZE.match(size)
    if match:
        width, height = int(match.group(1)), int(match.group(2))
        for name, (long_side, short_side) in RESOLUTIONS.items():
            if (width, height) == (long_side, short_side):
                return name, common_pb2.ORIENTATION_LANDSCAPE
            if (width, height) == (short_side, long_side):
                return name, common_pb2.ORIENTATION_PORTRAIT
    sizes = ", ".join(f"{w}x{h}, {h}x{w}" for w, h in RESOLUTIONS.values())
    raise InvalidArgument("size", f"{size!r} is not a size cinemesh renders; expected one of {sizes}")


def size_of(spec: common_pb2.GenerationSpec) -> str:
    width, height = RESOLUTIONS.get((spec.resolution or "720p").strip().lower(), RESOLUTIONS["720p"])
    if spec.orientation == common_pb2.ORIENTATION_PORTRAIT:
        width, height = height, width
    return f"{width}x{height}"


def parse_seconds(seconds: str, field: str = "seconds") -> float:
    try:
        value = float(seconds)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise InvalidArgument(field, f"{seconds!r} is not a positive number of seconds (e.g. 4, 8 or 12)")
    return value


def _unix(value: dt.datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


class VideosApi:
    """Everything the Videos API does, independent of HTTP."""

    def __init__(
        self,
        jobs: JobsApi,
        store: JobStore,
        artifacts: ArtifactStore,
        draft_ttl_seconds: float,
        models: VideoModels | None = None,
        x264_preset: str = "veryfast",
        reuse: StemReuse | None = None,
    ) -> None:
        self._jobs = jobs
        self._store = store
        self._videos = VideoStore(store)
        self._artifacts = artifacts
        self._ttl = draft_ttl_seconds
        self.models = models or VideoModels.load()
        self._preset = x264_preset
        self._reuse = reuse

    # create, remix, extend -------------------------------------------------------

    def create(self, account: Account, request: CreateVideo) -> dict[str, Any]:
        require(account, "jobs:write")
        model = (request.model or self.models.default_model).strip()
        tier = self._tier_for(account, model)
        resolution, orientation = parse_size(request.size or self.models.default_size)
        seconds = parse_seconds(request.seconds) if request.seconds else self.models.default_seconds
        if request.input_reference is not None:
            _check_image(request.input_reference)
        spec = common_pb2.GenerationSpec(
            prompt=request.prompt or "", duration_seconds=seconds, resolution=resolution, orientation=orientation
        )
        job_id = str(uuid.uuid4())
        if request.input_reference is not None:
            # Stored before the job is queued: the video stage grades the clip toward its palette
            # (video/reference.py).
            with self._artifacts.writer(job_key(job_id, INPUT_REFERENCE), "image/png") as (path, _):
                Image.open(io.BytesIO(request.input_reference)).save(path, format="PNG")
        try:
            submitted = self._submit(account, tier, spec, request.idempotency_key, job_id)
        except Exception:
            self._delete_artifacts(job_id)  # the reference of a job that was refused
            raise
        if submitted != job_id:  # a replayed idempotency key: the first request's job, with its own reference
            self._delete_artifacts(job_id)
            job_id = submitted
        self._videos.register(job_id, model)
        return self.retrieve(account, job_id)

    def remix(self, account: Account, video_id: str, prompt: str) -> dict[str, Any]:
        """A completed video rendered again with a new prompt, under the same seed, size, length and tier.

        The source's renders the new prompt does not change (its pictures, its audio sources) are copied to the
        remix before it is submitted, and the stages find them there instead of rendering them again (see `reuse`).
        """
        require(account, "jobs:write")
        source = self._completed(account, video_id, "remixed")
        spec = common_pb2.GenerationSpec.FromString(source.spec)
        spec.prompt = prompt or ""
        spec.seed = source.seed
        job_id, reused = str(uuid.uuid4()), []
        if spec.prompt.strip():
            self._carry_reference(source.job_id, job_id)
            if self._reuse is not None:
                reused = self._reuse.copy(source.job_id, job_id, self._reuse.unchanged(source, spec))
        try:
            self._submit(account, source.tier, spec, None, job_id)
        except Exception:
            self._delete_artifacts(job_id)  # the reference and renders copied for a remix that was refused
            raise
        for artifact in reused:
            metrics.REMIX_REUSED.labels(artifact).inc()
        log.info("remix %s of %s keeps %s", job_id, source.job_id, ", ".join(reused) or "nothing")
        self._videos.register(
            job_id,
            self._model_of(source, self._videos.video(source.job_id)),
            remixed_from=video_id,
            reused=",".join(reused) or None,
        )
        return self.retrieve(account, job_id)

    def extend(self, account: Account, video_id: str, prompt: str, seconds: str) -> dict[str, Any]:
        """A completed video continued by `seconds`: the same seed, size and tier, stitched after the source.

        The continuation's spec carries the source's (`continues`), so the prompt stage plans it from where the
        source's last shot ends and the renderer draws it in the same world, with the camera's move carried on.
        """
        require(account, "jobs:write")
        source = self._completed(account, video_id, "extended")
        source_video = self._videos.video(source.job_id)
        continued = common_pb2.GenerationSpec.FromString(source.spec)
        continued.seed = source.seed  # the seed the source was planned and rendered with, even if derived
        spec = common_pb2.GenerationSpec()
        spec.CopyFrom(continued)
        del spec.storyboard[:]  # the new words are the continuation's one scene, not the source's storyboard again
        spec.prompt = prompt or ""
        spec.duration_seconds = parse_seconds(seconds)
        spec.continues.CopyFrom(continued)
        job_id = str(uuid.uuid4())
        self._carry_reference(source.job_id, job_id)  # graded alike on both sides of the seam
        try:
            self._submit(account, source.tier, spec, None, job_id)
        except Exception:
            self._delete_artifacts(job_id)
            raise
        # The source is kept (as if saved): its extension is stitched after it, so it must not expire meanwhile.
        self._videos.save(source.job_id)
        self._videos.register(
            job_id,
            self._model_of(source, source_video),
            extends=video_id,
            base_seconds=source.duration_seconds + (source_video.base_seconds or 0.0),
        )
        return self.retrieve(account, job_id)

    def _carry_reference(self, source_job_id: str, job_id: str) -> None:
        """A remix or extension is graded toward the source's `input_reference` too (same seed, same look)."""
        key = job_key(source_job_id, INPUT_REFERENCE)
        if not self._artifacts.exists(key):
            return
        with (
            self._artifacts.local_copy(self._artifacts.url_for(key)) as source,
            self._artifacts.writer(job_key(job_id, INPUT_REFERENCE), "image/png") as (path, _),
        ):
            path.write_bytes(source.read_bytes())

    def _tier_for(self, account: Account, model: str) -> str:
        tier = self.models.tier_of(model)
        if self.models.tier_rank.get(tier, 0) > self.models.tier_rank.get(account.tier, 0):
            raise PermissionDenied(
                f"model {model!r} renders on the {tier} tier; this account is on {account.tier} "
                f"(use {self.models.default_for_tier(account.tier)!r} or upgrade)"
            )
        return tier

    def _submit(
        self,
        account: Account,
        tier: str,
        spec: common_pb2.GenerationSpec,
        request_id: str | None,
        job_id: str | None = None,
    ) -> str:
        # The job renders on the model's tier: its limits and credit rate, whatever higher tier the account has.
        submit = gateway_pb2.SubmitJobRequest(request_id=request_id or "", spec=spec)
        return self._jobs.submit(
            dataclasses.replace(account, tier=tier), submit, job_id, from_stored_spec=True
        ).job.job_id

    def _completed(self, account: Account, video_id: str, what: str) -> JobRecord:
        record = self._visible(account, video_id)
        if record.state != "completed":
            raise FailedPrecondition(f"video {video_id} is {_STATUS[record.state]}; only a completed video is {what}")
        self._check_not_purged(record, self._videos.video(video_id))
        return record

    # read, list, delete -----------------------------------------------------------

    def _visible(self, account: Account, video_id: str, scope: str = "jobs:read") -> JobRecord:
        record = self._jobs.job(account, video_id, scope)
        if self._videos.video(video_id).deleted_at is not None:
            raise NotFound(f"video {video_id!r} does not exist")
        return record

    def retrieve(self, account: Account, video_id: str) -> dict[str, Any]:
        record = self._visible(account, video_id)
        return self.to_video(record, self._videos.video(video_id))

    def page(self, account: Account, after: str | None, limit: int | None, order: str | None) -> dict[str, Any]:
        """One page of the account's videos as the SDK's cursor page (`data`, `has_more`, `first_id`, `last_id`)."""
        require(account, "jobs:read")
        if limit is not None and not 1 <= limit <= MAX_PAGE:
            raise InvalidArgument("limit", f"must be 1–{MAX_PAGE} (got {limit})")
        if order not in (None, "asc", "desc"):
            raise InvalidArgument("order", f"must be asc or desc (got {order!r})")
        rows, more = self._videos.page(account.account_id, after, limit or DEFAULT_PAGE, order != "asc")
        data = [self.to_video(record, video) for record, video in rows]
        return {
            "object": "list",
            "data": data,
            "has_more": more,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
        }

    def delete(self, account: Account, video_id: str) -> dict[str, Any]:
        """Deletes the video: a running one is cancelled (and refunded) first; its artifacts go, its rows stay."""
        record = self._visible(account, video_id, scope="jobs:write")
        if not record.terminal:
            with contextlib.suppress(FailedPrecondition):  # it finished meanwhile
                self._jobs.cancel(account, video_id)
        self._videos.delete(video_id)
        self._delete_artifacts(video_id)
        return {"id": video_id, "object": "video.deleted", "deleted": True}

    def save(self, account: Account, video_id: str) -> dict[str, Any]:
        """Keeps a draft past its time to live."""
        record = self._visible(account, video_id, scope="jobs:write")
        self._check_not_purged(record, self._videos.video(video_id))
        return self.to_video(record, self._videos.save(video_id))

    # content -------------------------------------------------------------------------

    def content(self, account: Account, video_id: str, variant: str | None) -> tuple[str, int, Generator[bytes]]:
        """(media type, size in bytes, chunks) of a completed video's MP4, thumbnail or spritesheet.

        Reading the whole MP4 keeps the draft (as saving it does): `chunks` marks it once its last chunk was read.
        """
        variant = variant or "video"
        if variant not in VARIANTS:
            raise InvalidArgument("variant", f"{variant!r} is not one of {', '.join(VARIANTS)}")
        record = self._visible(account, video_id)
        video = self._videos.video(video_id)
        status = self.status_of(record, video)
        if status != "completed":
            raise FailedPrecondition(f"video {video_id} is {status}; its content can be downloaded once it completed")
        self._check_not_purged(record, video)
        if variant == "video":
            uri = video.stitched_uri or record.output_uri or ""
            size = video.stitched_size_bytes or record.output_size_bytes or 0
            return "video/mp4", size, self._full_download(video_id, uri)
        name, media_type = IMAGE_VARIANTS[variant]
        key = job_key(video_id, name)
        if not self._artifacts.exists(key):
            raise NotFound(f"video {video_id} has no {variant}; it was made before assembly wrote previews")
        ref = self._artifacts.ref_for(key, media_type)
        return media_type, ref.size_bytes, self._artifacts.iter_chunks(ref.uri)

    def _full_download(self, video_id: str, uri: str) -> Generator[bytes]:
        yield from self._artifacts.iter_chunks(uri)
        self._videos.downloaded(video_id)  # reached only when the client read it all

    def _check_not_purged(self, record: JobRecord, video: VideoRow) -> None:
        if video.purged_at is not None:
            expired = self.expires_at(record, video)
            when = f" at {expired.isoformat(timespec='seconds')}" if expired else ""
            raise NotFound(
                f"video {record.job_id}: the draft expired{when} and its files were deleted; "
                "save a video (POST /v1/videos/{id}/save) or download it to keep it"
            )

    # drafts ---------------------------------------------------------------------------

    def expires_at(self, record: JobRecord, video: VideoRow) -> dt.datetime | None:
        if record.state != "completed" or record.finished_at is None or video.kept:
            return None
        return record.finished_at + dt.timedelta(seconds=self._ttl)

    def purge_expired(self) -> int:
        """Deletes the artifacts of every expired draft (keeping its rows, with an audit entry); returns how many."""
        purged = 0
        for record in self._videos.expired_drafts(self._ttl):
            keys = self._artifacts.list_keys(f"jobs/{record.job_id}")
            size = sum(self._artifacts.size_of(key) for key in keys)
            # Marked first, so a save or a download racing with the purge either wins (nothing is deleted) or
            # finds the draft expired; never a half-deleted video that reads as kept.
            if not self._videos.mark_purged(record, size, self._ttl):
                continue
            for key in keys:
                self._artifacts.delete(key)
            metrics.DRAFTS_PURGED_BYTES.inc(size)
            metrics.DRAFTS_PURGED.inc()
            purged += 1
            log.info("purged expired draft %s (%d bytes)", record.job_id, size)
        metrics.DRAFTS_LIVE.set(self._videos.live_drafts(self._ttl))
        return purged

    # extensions -------------------------------------------------------------------------

    def stitch_pending(self) -> int:
        """Stitches every finished extension after the video it continues; returns how many were made."""
        made = 0
        for record, video in self._videos.unstitched_extensions():
            source = self._store.get_job(video.extends or "")
            source_video = self._videos.video(source.job_id)
            source_uri = source_video.stitched_uri or source.output_uri
            if source_video.purged_at or source_video.deleted_at or not source_uri or not record.output_uri:
                log.error("extension %s cannot be stitched: video %s is gone", record.job_id, source.job_id)
                continue
            with (
                self._artifacts.local_copy(source_uri) as first,
                self._artifacts.local_copy(record.output_uri) as second,
                self._artifacts.writer(job_key(record.job_id, STITCHED), "video/mp4") as (path, result),
            ):
                stitch(first, second, path, self._preset)
            self._videos.set_stitched(record.job_id, result[0].uri, result[0].size_bytes)
            made += 1
        return made

    def _delete_artifacts(self, video_id: str) -> None:
        for key in self._artifacts.list_keys(f"jobs/{video_id}"):
            self._artifacts.delete(key)

    # mapping ---------------------------------------------------------------------------

    def _model_of(self, record: JobRecord, video: VideoRow) -> str:
        return video.model or self.models.default_for_tier(record.tier)

    def status_of(self, record: JobRecord, video: VideoRow) -> str:
        status = _STATUS[record.state]
        if status == "completed" and video.extends and not video.stitched_uri:
            return "in_progress"  # the extension rendered; the stitched whole is not made yet
        return status

    def to_video(self, record: JobRecord, video: VideoRow) -> dict[str, Any]:
        """The SDK's Video object of a job."""
        spec = common_pb2.GenerationSpec.FromString(record.spec)
        status = self.status_of(record, video)
        if status == "completed":
            progress = 100
        elif record.terminal and status != "in_progress":
            progress = 0
        else:
            percent = self._jobs.progress(record, self._store.stage_runs(record.job_id)).percent
            progress = min(99, int(percent)) if record.state != "completed" else 99
        error = None
        if record.state == "failed":
            error = {"code": f"{record.failure_stage or 'generation'}_failed", "message": record.failure_reason or ""}
        elif record.state == "cancelled":
            error = {"code": "cancelled", "message": "the video was cancelled before it completed; credits refunded"}
        seconds = record.duration_seconds + (video.base_seconds or 0.0)
        expires = self.expires_at(record, video)
        return {
            "id": record.job_id,
            "object": "video",
            "model": self._model_of(record, video),
            "status": status,
            "progress": progress,
            "created_at": _unix(record.created_at),
            "completed_at": _unix(record.finished_at) if status == "completed" else None,
            "expires_at": _unix(expires),
            "prompt": spec.prompt,
            "seconds": f"{round(seconds, 3):g}",
            "size": size_of(spec),
            "remixed_from_video_id": video.remixed_from,
            "error": error,
        }


def _check_image(data: bytes) -> None:
    if len(data) > MAX_REFERENCE_BYTES:
        raise InvalidArgument("input_reference", f"is {len(data)} bytes; the limit is {MAX_REFERENCE_BYTES}")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise InvalidArgument("input_reference", f"is not an image PIL can read (PNG, JPEG, WebP): {exc}") from None


class Periodic:
    """Runs `work` every `interval_seconds` beside the gateway's servers (a Background of its host): the draft
    purge, the stitching of finished extensions."""

    def __init__(self, name: str, work: Callable[[], object], interval_seconds: float) -> None:
        self._work = work
        self._interval = interval_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, grace_seconds: float) -> None:
        self._stop.set()
        self._thread.join(timeout=grace_seconds + 5)

    def healthy(self) -> bool:
        return self._stop.is_set() or not self._thread.ident or self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._work()
            except Exception as exc:  # the database or the artifact store is away: next round
                log.warning("%s round failed: %s", self._thread.name, exc)
