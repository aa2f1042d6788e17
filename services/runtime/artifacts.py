"""Artifact store: big payloads (frames, audio, MP4) live here; records carry references.

A local folder by default (`file://…`), any fsspec URL otherwise (s3://, gs://,
memory://). Writes are atomic: a reader never sees a half-written object, so a
stage killed mid-write leaves nothing that looks finished.
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

from cinemesh.runtime.errors import NotFound
from cinemesh.v1 import common_pb2

_CHUNK = 1 << 20


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ArtifactStore:
    """Objects under one root URL, addressed by relative keys like `jobs/<id>/video.mp4`."""

    def __init__(self, root_url: str) -> None:
        self.root_url = root_url.rstrip("/")
        self._fs, self._root = fsspec.core.url_to_fs(self.root_url)
        self._local = isinstance(self._fs, LocalFileSystem)
        if self._local:
            Path(self._root).mkdir(parents=True, exist_ok=True)

    def url_for(self, key: str) -> str:
        return f"{self.root_url}/{key}"

    def _path_of(self, uri: str) -> str:
        if not uri.startswith(self.root_url + "/"):
            raise NotFound(f"artifact {uri!r} is not in this store ({self.root_url})")
        return f"{self._root}/{uri[len(self.root_url) + 1 :]}"

    @contextlib.contextmanager
    def writer(self, key: str, media_type: str) -> Iterator[tuple[Path, list[common_pb2.ArtifactRef]]]:
        """Yields a local scratch path to write; on clean exit the object appears atomically.

        The second item is filled with the resulting ArtifactRef after the block.
        """
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
            target = f"{self._root}/{key}"
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
        return bool(self._fs.exists(f"{self._root}/{key}"))

    def ref_for(self, key: str, media_type: str) -> common_pb2.ArtifactRef:
        """The reference of an object already in the store."""
        path = f"{self._root}/{key}"
        if not self._fs.exists(path):
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

    def list_keys(self, prefix: str) -> list[str]:
        base = f"{self._root}/{prefix}".rstrip("/")
        if not self._fs.exists(base):
            return []
        found = self._fs.find(base)
        return sorted(p[len(self._root) + 1 :] for p in found if ".partial-" not in p)
