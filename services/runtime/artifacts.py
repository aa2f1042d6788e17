"""Artifact store: big payloads (frames, audio, MP4) live here; records carry references.

A local folder by default (`file://…`), any fsspec URL otherwise (s3://, gs://,
memory://). Writes are atomic: a reader never sees a half-written object, so a
stage killed mid-write leaves nothing that looks finished.

Keys are confined to the root: a key is a relative, normalised POSIX path (no
`..`, `.` or empty parts, no leading `/`, no backslash or NUL), a URI must name
this store's root, and on a local store a key whose real path leaves the root
through a symbolic link is refused. Anything else is INVALID_ARGUMENT, so
nothing outside the root is ever read or written.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem

from cinemesh.runtime.errors import InvalidArgument, NotFound
from cinemesh.runtime.ids import checked_uuid
from cinemesh.v1 import common_pb2

_CHUNK = 1 << 20
#: Where the stages store a job's renders, under `jobs/<job id>/`: AssembleOutput reads these and nothing else.
VIDEO_RENDER = "video.mp4"
AUDIO_RENDER = "audio.wav"
STEM_RENDER = "stems/{}.wav"
#: What the audio stage mixes each stem from (see cinemesh.audio.sources); a remix copies those it can keep.
AUDIO_SOURCE = "audio.sources/{}.npz"
#: The video stage's face tracks and visible events, written last: with the MP4, the render landed.
VIDEO_TRACKS = "video.tracks.pb"
#: What the video stage rendered its MP4 from (its backend and the plan's projection), written before the tracks.
VIDEO_STAMP = "video.stamp"
#: Still previews the lipsync stage makes of the deliverable (`jobs/<job id>/final.mp4`) beside it.
THUMBNAIL = "thumbnail.webp"
SPRITESHEET = "spritesheet.jpg"
#: A Videos API client's reference image, stored by the gateway beside the job before it is submitted.
INPUT_REFERENCE = "input_reference.png"


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def checked_key(key: str, field: str = "artifact key") -> str:
    """`key` when it is a relative, normalised path inside a store; else INVALID_ARGUMENT naming `field`."""
    parts = key.split("/")
    if key.startswith("/") or "\\" in key or "\x00" in key or any(part in ("", ".", "..") for part in parts):
        raise InvalidArgument(
            field,
            f"{key[:200]!r} is not a path inside the artifact store; use a relative path such as "
            "jobs/<job id>/video.mp4, without '..', '.', empty parts, backslashes or a leading '/'",
        )
    return key


def job_key(job_id: str, name: str) -> str:
    """The key of one of a job's objects; the job id must be a UUID (it names the job's folder)."""
    return f"jobs/{checked_uuid('job_id', job_id)}/{name}"


class ArtifactStore:
    """Objects under one root URL, addressed by relative keys like `jobs/<id>/video.mp4`."""

    def __init__(self, root_url: str) -> None:
        self.root_url = root_url.rstrip("/")
        self._fs, self._root = fsspec.core.url_to_fs(self.root_url)
        self._local = isinstance(self._fs, LocalFileSystem)
        if self._local:
            Path(self._root).mkdir(parents=True, exist_ok=True)
            self._real_root = os.path.realpath(self._root)

    def url_for(self, key: str) -> str:
        return f"{self.root_url}/{checked_key(key)}"

    def _target(self, key: str, field: str = "artifact key") -> str:
        """The filesystem path of a key, confined to the root (links included, on a local store)."""
        path = f"{self._root}/{checked_key(key, field)}"
        if self._local:
            real = os.path.realpath(path)  # resolves every link that exists on the way, even for a new object
            if real != self._real_root and not real.startswith(self._real_root + os.sep):
                raise InvalidArgument(field, f"{key[:200]!r} leads out of the artifact store through a symbolic link")
        return path

    def _path_of(self, uri: str) -> str:
        if not uri.startswith(self.root_url + "/"):
            raise InvalidArgument("artifact uri", f"{uri[:200]!r} is not in this store ({self.root_url})")
        return self._target(uri[len(self.root_url) + 1 :], "artifact uri")

    @contextlib.contextmanager
    def writer(self, key: str, media_type: str) -> Iterator[tuple[Path, list[common_pb2.ArtifactRef]]]:
        """Yields a local scratch path to write; on clean exit the object appears atomically.

        The second item is filled with the resulting ArtifactRef after the block.
        """
        self._target(key)  # refused before anything is rendered
        scratch = Path(tempfile.mkdtemp(prefix="cinemesh-"))
        local = scratch / Path(key).name
        result: list[common_pb2.ArtifactRef] = []
        try:
            yield local, result
            ref = common_pb2.ArtifactRef(
                uri=self.url_for(key),
                media_type=media_type,
                size_bytes=local.stat().st_size,
                sha256=_sha256_of(local),
            )
            target = self._target(key)
            if self._local:
                Path(target).parent.mkdir(parents=True, exist_ok=True)
                partial = f"{target}.partial-{uuid.uuid4().hex}"
                shutil.copyfile(local, partial)
                os.replace(partial, target)
            else:
                self._fs.put_file(str(local), target)
            result.append(ref)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def exists(self, key: str) -> bool:
        return bool(self._fs.exists(self._target(key)))

    def ref_for(self, key: str, media_type: str) -> common_pb2.ArtifactRef:
        """The reference of an object already in the store."""
        if not self._fs.exists(self._target(key)):
            raise NotFound(f"artifact {self.url_for(key)!r} does not exist")
        with self.local_copy(self.url_for(key)) as local:
            return common_pb2.ArtifactRef(
                uri=self.url_for(key),
                media_type=media_type,
                size_bytes=local.stat().st_size,
                sha256=_sha256_of(local),
            )

    @contextlib.contextmanager
    def local_copy(self, uri: str) -> Iterator[Path]:
        """A local file holding the object (the object itself for a local store)."""
        path = self._path_of(uri)
        if not self._fs.exists(path):
            raise NotFound(f"artifact {uri!r} does not exist")
        if self._local:
            yield Path(path)
            return
        scratch = Path(tempfile.mkdtemp(prefix="cinemesh-"))
        try:
            local = scratch / Path(path).name
            self._fs.get_file(path, str(local))
            yield local
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def iter_chunks(self, uri: str, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
        path = self._path_of(uri)
        if not self._fs.exists(path):
            raise NotFound(f"artifact {uri!r} does not exist")
        with self._fs.open(path, "rb") as f:
            while chunk := f.read(chunk_size):
                yield chunk

    def size_of(self, key: str) -> int:
        """Bytes of an object (NOT_FOUND if it does not exist)."""
        path = self._target(key)
        if not self._fs.exists(path):
            raise NotFound(f"artifact {self.url_for(key)!r} does not exist")
        return int(self._fs.size(path))

    def delete(self, key: str) -> None:
        """Removes an object; one that is already gone is no error."""
        path = self._target(key)
        if self._fs.exists(path):
            self._fs.rm_file(path)

    def list_keys(self, prefix: str) -> list[str]:
        base = self._target(prefix.rstrip("/"), "artifact prefix")
        if not self._fs.exists(base):
            return []
        found = self._fs.find(base)
        return sorted(p[len(self._root) + 1 :] for p in found if ".partial-" not in p)
