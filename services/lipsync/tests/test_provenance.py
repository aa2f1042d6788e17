"""C2PA provenance: sign a small MP4, read the manifest back, and catch tampering."""

from __future__ import annotations

import json
from pathlib import Path

import av
import c2pa
import numpy as np
import pytest

from cinemesh.lipsync import dev_signing, provenance
from cinemesh.lipsync.provenance import SigningIdentity, sign, verify
from cinemesh.runtime.config import ConfigError

CLAIM = {
    "generator": "cinemesh",
    "generator_version": "0.1.0",
    "seed": 1234567,
    "plan_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "backends": {"video": "embedded", "audio": "piper", "lipsync": "visemes"},
    "sync": [{"line_index": 0, "offset_ms": -12.5}, {"line_index": 1, "offset_ms": 4.0}],
    "effects_sync": [{"cue_index": 0, "offset_ms": 0.0}],
}


def _mp4(path: Path) -> Path:
    """16 frames 64×64 H.264 + 0.5 s stereo AAC at 48 kHz, faststart (moov before mdat)."""
    rate, samples = 48_000, 24_000
    with av.open(str(path), "w", options={"movflags": "+faststart"}) as out:
        video = out.add_stream("libx264", rate=24)
        video.width = video.height = 64
        video.pix_fmt = "yuv420p"
        audio = out.add_stream("aac", rate=rate, layout="stereo")
        for i in range(16):
            frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), i * 15, np.uint8), format="rgb24")
            out.mux(video.encode(frame))
        out.mux(video.encode())
        tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(samples) / rate)).astype(np.float32)
        stereo = np.stack([tone, tone])
        for start in range(0, samples, 1024):
            chunk = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(stereo[:, start : start + 1024]), format="fltp", layout="stereo"
            )
            chunk.sample_rate, chunk.pts = rate, start
            out.mux(audio.encode(chunk))
        out.mux(audio.encode())
    return path


def _boxes(data: bytes) -> dict[bytes, tuple[int, int]]:
    """Top-level BMFF boxes → (offset, size); our files use 32-bit sizes only."""
    boxes, offset = {}, 0
    while offset < len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        assert size >= 8, "64-bit or to-end box sizes are not expected in these small files"
        boxes[data[offset + 4 : offset + 8]] = (offset, size)
        offset += size
    return boxes


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, SigningIdentity]:
    root = tmp_path_factory.mktemp("provenance")
    identity = dev_signing.throwaway_identity(root / "keys")
    unsigned = _mp4(root / "unsigned.mp4")
    signed = root / "signed.mp4"
    sign(unsigned, signed, identity, CLAIM)
    return unsigned, signed, identity


def test_signed_file_verifies_and_the_claim_round_trips(files: tuple[Path, Path, SigningIdentity]) -> None:
    _, signed, _ = files
    result = verify(signed)
    assert result.present
    assert result.valid, result.errors
    assert result.errors == []
    assert not result.trusted  # a test root is on no trust list
    assert result.claim == CLAIM
    assert result.signer == "cinemesh test signer"


def test_manifest_has_the_created_action_title_and_generator(files: tuple[Path, Path, SigningIdentity]) -> None:
    _, signed, _ = files
    with signed.open("rb") as stream, c2pa.Reader("video/mp4", stream) as reader:
        store = json.loads(reader.json())
    manifest = store["manifests"][store["active_manifest"]]
    assert manifest["title"] == "signed.mp4"
    assert manifest["claim_generator_info"][0]["name"] == "cinemesh"
    assert manifest["claim_generator_info"][0]["version"] == "0.1.0"
    actions = next(a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))["data"]["actions"]
    assert actions == [{"action": "c2pa.created", "digitalSourceType": provenance.TRAINED_ALGORITHMIC_MEDIA}]


def test_signed_file_still_decodes(files: tuple[Path, Path, SigningIdentity]) -> None:
    _, signed, _ = files
    with av.open(str(signed)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == 16


def test_flipped_media_byte_breaks_the_hash(files: tuple[Path, Path, SigningIdentity], tmp_path: Path) -> None:
    _, signed, _ = files
    data = bytearray(signed.read_bytes())
    boxes = _boxes(bytes(data))
    assert boxes[b"uuid"][0] < boxes[b"mdat"][0]  # the manifest box is elsewhere: we only touch media
    offset, size = boxes[b"mdat"]
    data[offset + size // 2] ^= 0x01
    tampered = tmp_path / "tampered.mp4"
    tampered.write_bytes(data)

    result = verify(tampered)
    assert result.present
    assert not result.valid
    assert "assertion.bmffHash.mismatch" in result.errors
    assert "signingCredential.untrusted" not in result.errors
    assert result.claim == CLAIM  # the claim is readable; it just no longer matches the media


def test_unsigned_file_has_no_manifest(files: tuple[Path, Path, SigningIdentity]) -> None:
    unsigned, _, _ = files
    result = verify(unsigned)
    assert not result.present
    assert not result.valid
    assert result.errors == []
    assert result.claim == {}


def test_file_that_is_not_mp4_is_reported_unreadable(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all, " * 50)
    result = verify(junk)
    assert not result.present
    assert not result.valid
    assert len(result.errors) == 1
    assert result.errors[0].startswith("unreadable: ")


def test_identity_files_load_back(tmp_path: Path) -> None:
    identity = dev_signing.throwaway_identity(tmp_path)
    assert SigningIdentity.from_files(tmp_path / "chain.pem", tmp_path / "key.pem") == identity
    assert (tmp_path / "key.pem").stat().st_mode & 0o077 == 0


def test_key_from_another_identity_is_refused(files: tuple[Path, Path, SigningIdentity], tmp_path: Path) -> None:
    _, _, identity = files
    other = dev_signing.throwaway_identity(tmp_path)
    with pytest.raises(ConfigError, match="does not match the first certificate"):
        SigningIdentity(certificate_chain_pem=identity.certificate_chain_pem, private_key_pem=other.private_key_pem)


def test_failed_signing_leaves_no_output(files: tuple[Path, Path, SigningIdentity], tmp_path: Path) -> None:
    _, _, identity = files
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all, " * 50)
    destination = tmp_path / "out.mp4"
    with pytest.raises(c2pa.C2paError):
        sign(junk, destination, identity, CLAIM)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.mp4"]
