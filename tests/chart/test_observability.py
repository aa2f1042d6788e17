"""Alerts and dashboards, checked offline: promtool, generated-not-hand-edited dashboards, the panels
the issue asks for, runbook entries, and metric names that follow Prometheus conventions."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import yaml
from chart.chartkit import (
    DASHBOARDS,
    REPO,
    alert_rules,
    by_kind,
    dashboard_panels,
    render,
    system_tool,
)
from prometheus_client import REGISTRY
from prometheus_client.metrics import MetricWrapperBase

from cinemesh.runtime import metrics

ALERTS = {
    "CinemeshStageErrorRatioHigh",
    "CinemeshStageLatencyHigh",
    "CinemeshConsumerLagHigh",
    "CinemeshDeadLettersGrowing",
    "CinemeshJobFailureRatioHigh",
    "CinemeshCreditsRefundedHigh",
}
METRIC = re.compile(r"\b((?:cinemesh|grpc_server|ray_serve)_[a-z_]+)")


def _generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location("dashboards_generate", DASHBOARDS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_promtool_accepts_the_rendered_rules(tmp_path: Path) -> None:
    promtool = system_tool("promtool")
    (rule,) = by_kind(render("all-features"), "PrometheusRule")
    rules = tmp_path / "cinemesh.rules.yaml"
    rules.write_text(yaml.safe_dump(rule["spec"]))
    result = subprocess.run([promtool, "check", "rules", str(rules)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 6 rules found" in result.stdout


def test_the_issue_alerts_exist_with_runbooks() -> None:
    rules = {r["alert"]: r for r in alert_rules()}
    assert set(rules) == ALERTS
    runbook = (REPO / "docs" / "operations.md").read_text()
    for name, rule in rules.items():
        assert rule["labels"]["severity"] in ("info", "warning", "critical")
        anchor = rule["annotations"]["runbook_url"].rsplit("#", 1)[1]
        assert anchor == name.lower()
        assert f"### {name}" in runbook, f"docs/operations.md has no runbook entry for {name}"


def test_dashboards_are_generated_not_hand_edited() -> None:
    rendered = _generator().render()
    on_disk = {p.name: p.read_text() for p in DASHBOARDS.glob("*.json")}
    assert rendered == on_disk, "dashboard JSON differs from generate.py's output: run `make dashboards`"


def test_dashboards_ship_as_configmaps_for_the_grafana_sidecar() -> None:
    maps = [d for d in by_kind(render("all-features"), "ConfigMap") if "dashboard" in d["metadata"]["name"]]
    assert len(maps) == len(list(DASHBOARDS.glob("*.json"))) == 2
    for config_map in maps:
        assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
        ((name, text),) = config_map["data"].items()
        assert json.loads(text) == json.loads((DASHBOARDS / name).read_text())


def test_dashboards_hold_the_panels_operators_need() -> None:
    panels = dashboard_panels()
    titles = [p["title"] for _, p in panels]
    for wanted in ("jobs submitted / s", "success ratio", "end-to-end p50", "end-to-end p95", "credits"):
        assert wanted in titles
    for wanted in ("consumer lag", "dead-lettered records", "model replicas", "model queue", "GPU seconds / h"):
        assert wanted in titles
    overview = json.loads((DASHBOARDS / "cinemesh-overview.json").read_text())
    rows = [p["title"].split()[0] for p in overview["panels"] if p["type"] == "row"][1:]
    assert rows == ["gateway", "prompt", "identity", "video", "audio", "lipsync"]  # data-flow order
    for stage in rows:
        red = [t for t in titles if t.startswith(f"{stage}: ")]
        assert len(red) == 3, f"{stage} row is not rate/errors/duration: {red}"
    ids = [p["id"] for p in overview["panels"]]
    assert len(ids) == len(set(ids))
    for _, panel in panels:
        assert panel["datasource"]["uid"] == "${datasource}"
        for target in panel["targets"]:
            assert 'namespace=~"$namespace"' in target["expr"], target["expr"]


def test_every_metric_used_exists_and_follows_prometheus_naming() -> None:
    exprs = [t["expr"] for _, p in dashboard_panels() for t in p["targets"]] + [r["expr"] for r in alert_rules()]
    used = {m for e in exprs for m in METRIC.findall(e)}
    ours = {wrapper._name: wrapper for wrapper in vars(metrics).values() if isinstance(wrapper, MetricWrapperBase)}
    samples = {s.name for family in REGISTRY.collect() for s in family.samples} | set(ours)
    for name in used:
        if name.startswith("ray_serve_"):
            continue  # Ray's own metrics (checked end to end against a real Ray)
        base = re.sub(r"_(bucket|count|sum)$", "", name)
        assert base in ours or f"{base}_total" in samples or base.removesuffix("_total") in ours, name
    for name, wrapper in ours.items():
        kind = wrapper._type
        labels = set(wrapper._labelnames)
        assert not labels & {"job_id", "job", "prompt", "account_id", "request_id"}, name
        if name.startswith("cinemesh_"):
            if kind == "counter":
                assert not name.endswith("_total")  # prometheus_client appends _total itself
            if kind == "histogram":
                assert name.endswith("_seconds"), name
                assert max(wrapper._upper_bounds[:-1]) >= 600, f"{name} buckets stop before minutes"
            if kind == "gauge":
                assert not name.endswith("_total"), name
