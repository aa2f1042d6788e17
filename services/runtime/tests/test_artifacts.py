"""ArtifactStore on a local folder (file://) and on fsspec's memory:// filesystem."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest

from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.errors import InvalidArgument, NotFound

PAYLOAD = bytes(range(256)) * 40  # 10 KiB


@pytest.fixture(params=["file", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ArtifactStore]:
    if request.param == "file":
        yield ArtifactStore((tmp_path / "artifacts").as_uri())
        return
    root = f"memory://cinemesh-test-{uuid.uuid4().hex}"
    yield ArtifactStore(root)
    fs = fsspec.filesystem("memory")
    if fs.exists(root):
        fs.rm(root, recursive=True)


def put(store: ArtifactStore, key: str, data: bytes = PAYLOAD, media_type: str = "video/mp4"):
    with store.writer(key, media_type) as (path, result):
        assert result == []  # filled only after the block
        path.write_bytes(data)
    return result[0]


def test_writer_returns_a_complete_ref(store: ArtifactStore) -> None:
    ref = put(store, "jobs/j1/video.mp4")
    assert ref.uri == store.url_for("jobs/j1/video.mp4")
    assert ref.uri.startswith(store.root_url + "/")
    assert ref.media_type == "video/mp4"
    assert ref.size_bytes == len(PAYLOAD)
    assert ref.sha256 == hashlib.sha256(PAYLOAD).hexdigest()
    assert store.exists("jobs/j1/video.mp4")


def test_writer_scratch_path_is_named_after_the_key_and_removed(store: ArtifactStore) -> None:
    with store.writer("jobs/j1/audio.wav", "audio/wav") as (path, _):
        assert path.name == "audio.wav"
        assert not path.exists()
        path.write_bytes(b"RIFF")
        scratch = path.parent
    assert not scratch.exists()


def test_writer_is_atomic_on_error(store: ArtifactStore) -> None:
    with (
        pytest.raises(RuntimeError, match="render crashed"),
        store.writer("jobs/j1/video.mp4", "video/mp4") as (path, result),
    ):
        path.write_bytes(PAYLOAD[:100])
        scratch = path.parent
        raise RuntimeError("render crashed")
    assert result == []
    assert not store.exists("jobs/j1/video.mp4")
    assert store.list_keys("jobs") == []
    assert not scratch.exists()


def test_failed_rewrite_keeps_the_previous_object(store: ArtifactStore) -> None:
    first = put(store, "jobs/j1/video.mp4")
    with pytest.raises(OSError), store.writer("jobs/j1/video.mp4", "video/mp4") as (path, _):
        path.write_bytes(b"half")
        raise OSError("disk full")
    assert store.ref_for("jobs/j1/video.mp4", "video/mp4") == first
    assert b"".join(store.iter_chunks(first.uri)) == PAYLOAD


def test_file_store_leaves_no_partial_files(tmp_path: Path) -> None:
    store = ArtifactStore((tmp_path / "artifacts").as_uri())
    put(store, "jobs/j1/video.mp4")
    put(store, "jobs/j1/video.mp4", b"replaced")
    files = sorted(p.relative_to(tmp_path / "artifacts").as_posix() for p in (tmp_path / "artifacts").rglob("*"))
    assert files == ["jobs", "jobs/j1", "jobs/j1/video.mp4"]
    assert (tmp_path / "artifacts" / "jobs" / "j1" / "video.mp4").read_bytes() == b"replaced"


def test_file_store_creates_its_root(tmp_path: Path) -> None:
    ArtifactStore((tmp_path / "a" / "b").as_uri() + "/")
    assert (tmp_path / "a" / "b").is_dir()


def test_local_copy(store: ArtifactStore) -> None:
    ref = put(store, "jobs/j1/video.mp4")
    with store.local_copy(ref.uri) as local:
        assert local.read_bytes() == PAYLOAD
        assert local.name == "video.mp4"
        copied = local
    if store.root_url.startswith("memory://"):
        assert not copied.exists()  # the scratch copy is cleaned up
    else:
        assert copied.exists()  # a local store hands out the object itself


def test_iter_chunks(store: ArtifactStore) -> None:
    ref = put(store, "jobs/j1/final.mp4")
    chunks = list(store.iter_chunks(ref.uri, chunk_size=4096))
    assert [len(c) for c in chunks] == [4096, 4096, len(PAYLOAD) - 8192]
    assert b"".join(chunks) == PAYLOAD
    assert b"".join(store.iter_chunks(ref.uri)) == PAYLOAD


def test_ref_for_an_existing_object(store: ArtifactStore) -> None:
    written = put(store, "jobs/j1/video.mp4")
    assert store.ref_for("jobs/j1/video.mp4", "video/mp4") == written
    with pytest.raises(NotFound, match="does not exist"):
        store.ref_for("jobs/j1/missing.mp4", "video/mp4")


def test_list_keys(store: ArtifactStore) -> None:
    put(store, "jobs/j2/video.mp4")
    put(store, "jobs/j1/video.mp4")
    put(store, "jobs/j1/audio.wav")
    put(store, "other/x.bin")
    assert store.list_keys("jobs") == ["jobs/j1/audio.wav", "jobs/j1/video.mp4", "jobs/j2/video.mp4"]
    assert store.list_keys("jobs/j1/") == ["jobs/j1/audio.wav", "jobs/j1/video.mp4"]
    assert store.list_keys("nothing") == []


def test_missing_object_is_not_found(store: ArtifactStore) -> None:
    uri = store.url_for("jobs/nope/video.mp4")
    assert not store.exists("jobs/nope/video.mp4")
    with pytest.raises(NotFound, match="does not exist"), store.local_copy(uri):
        pass
    with pytest.raises(NotFound, match="does not exist"):
        list(store.iter_chunks(uri))


@pytest.mark.parametrize(
    "foreign",
    ["file:///etc/passwd", "s3://bucket/jobs/j1/video.mp4", "memory://elsewhere/jobs/j1/video.mp4", ""],
)
def test_foreign_uri_is_invalid_argument(store: ArtifactStore, foreign: str) -> None:
    put(store, "jobs/j1/video.mp4")
    with pytest.raises(InvalidArgument, match="is not in this store"), store.local_copy(foreign):
        pass
    with pytest.raises(InvalidArgument, match="is not in this store"):
        list(store.iter_chunks(foreign))


def test_sibling_root_with_shared_prefix_is_foreign(store: ArtifactStore) -> None:
    put(store, "jobs/j1/video.mp4")
    sibling = store.root_url + "-other/jobs/j1/video.mp4"
    with pytest.raises(InvalidArgument, match="is not in this store"), store.local_copy(sibling):
        pass


OUT_OF_ROOT_KEYS = [
    "../outside.bin",
    "jobs/../../outside.bin",
    "jobs/j1/../../../outside.bin",
    "/etc/passwd",
    "jobs//j1/video.mp4",
    "jobs/./j1/video.mp4",
    "jobs/j1/",
    "",
    "jobs\\..\\outside.bin",
    "jobs/j1/video.mp4\x00.txt",
]


@pytest.mark.parametrize("key", OUT_OF_ROOT_KEYS)
def test_a_key_that_is_not_a_normalised_relative_path_is_refused(store: ArtifactStore, key: str) -> None:
    with pytest.raises(InvalidArgument, match="is not a path inside the artifact store"):
        put(store, key)
    for refused in (store.exists, store.url_for, lambda k: store.ref_for(k, "video/mp4")):
        with pytest.raises(InvalidArgument):
            refused(key)
    assert store.list_keys("jobs") == []


@pytest.mark.parametrize("key", ["../outside.bin", "jobs/../../outside.bin", "jobs/j1/../../../outside.bin"])
def test_a_uri_that_climbs_out_of_the_root_is_refused(store: ArtifactStore, key: str) -> None:
    uri = f"{store.root_url}/{key}"
    with pytest.raises(InvalidArgument, match="artifact uri"), store.local_copy(uri):
        pass
    with pytest.raises(InvalidArgument, match="artifact uri"):
        list(store.iter_chunks(uri))


def test_links_out_of_a_local_root_are_not_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "artifacts", tmp_path / "outside"
    store = ArtifactStore(root.as_uri())
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_bytes(b"not yours")
    (root / "jobs").mkdir()
    (root / "jobs" / "j1").symlink_to(outside, target_is_directory=True)
    (root / "jobs" / "j2").mkdir()
    (root / "jobs" / "j2" / "video.mp4").symlink_to(secret)
    with pytest.raises(InvalidArgument, match="symbolic link"):
        put(store, "jobs/j1/video.mp4")
    with pytest.raises(InvalidArgument, match="symbolic link"), store.local_copy(store.url_for("jobs/j2/video.mp4")):
        pass
    with pytest.raises(InvalidArgument, match="symbolic link"):
        list(store.iter_chunks(store.url_for("jobs/j1/secret.txt")))
    with pytest.raises(InvalidArgument, match="symbolic link"):
        store.ref_for("jobs/j2/video.mp4", "video/mp4")
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert secret.read_bytes() == b"not yours"


def test_a_root_reached_through_a_link_still_works(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real", target_is_directory=True)
    store = ArtifactStore((tmp_path / "linked").as_uri())
    ref = put(store, "jobs/j1/video.mp4")
    assert b"".join(store.iter_chunks(ref.uri)) == PAYLOAD
    assert (tmp_path / "real" / "jobs" / "j1" / "video.mp4").read_bytes() == PAYLOAD
