"""Dashboards and alerts against a real Prometheus scraping the embedded mesh.

A Prometheus server (Debian package) scrapes every service's metrics port and Ray's metrics
export port every second while jobs run: completed ones, one failed by the identity stage
(refunded) and one poisoned record that goes to a DLQ. Then every dashboard panel's PromQL and
every alert's expression run through the HTTP API: each must parse, and each panel (and each
alert's measured side, without its threshold) must return data. The same run checks that a
job's traceparent crosses every Kafka hop, the failure paths included.
"""

from __future__ import annotations

import re
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest
import requests
import yaml
from chart.chartkit import alert_rules, dashboard_panels, instantiate, system_tool
from kafka import KafkaProducer
from support import records_of

from cinemesh.mesh.launcher import free_port
from cinemesh.runtime import tracing
from cinemesh.runtime.topics import (
    JOBS_COMPLETED,
    JOBS_FAILED,
    JOBS_SUBMITTED,
    PLANS_CAST,
    PLANS_PARSED,
    PRO_LANE,
    RENDERS_AUDIO,
    RENDERS_VIDEO,
    lane_topic,
)
from cinemesh.v1 import common_pb2, gateway_pb2

pytestmark = pytest.mark.integration

NAMESPACE = "cinemesh-e2e"
THRESHOLD = re.compile(r"\s*>\s*[0-9.e+-]+\s*$")


@pytest.fixture(scope="module")
def prometheus(mesh, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = system_tool("prometheus")
    info = mesh.info
    targets = [f"127.0.0.1:{endpoint.metrics_port}" for endpoint in info.services.values()]
    folder = tmp_path_factory.mktemp("prometheus")
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [
            {
                "job_name": "cinemesh",
                "static_configs": [{"targets": list(targets), "labels": {"namespace": NAMESPACE}}],
            }
        ],
    }
    if info.ray_metrics_port:
        # Ray's exporter can take over a second to answer on a busy machine: at the 1 s interval (and so a 1 s
        # timeout) one slow scrape marks every ray_serve series stale and the panels come back empty. Its own job
        # scrapes it every 5 s with a 5 s timeout (the chart scrapes every 30 s, with Prometheus's 10 s timeout).
        targets.append(f"127.0.0.1:{info.ray_metrics_port}")
        config["scrape_configs"].append(
            {
                "job_name": "ray",
                "scrape_interval": "5s",
                "scrape_timeout": "5s",
                "static_configs": [{"targets": [targets[-1]], "labels": {"namespace": NAMESPACE}}],
            }
        )
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    log = (folder / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={folder / 'prometheus.yml'}",
            f"--storage.tsdb.path={folder / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Prometheus did not start:\n{(folder / 'prometheus.log').read_text()[-3000:]}")
            time.sleep(0.2)
        # Counters must be seen at their start value before traffic, or increase() has nothing to compare.
        _wait_for_series(url, f'count(up{{namespace="{NAMESPACE}"}} == 1) == {len(targets)}', 30)
        time.sleep(2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _query(url: str, expr: str) -> dict:
    reply = requests.get(f"{url}/api/v1/query", params={"query": expr}, timeout=10)
    body = reply.json()
    assert body["status"] == "success", f"{expr}\n→ {body.get('errorType')}: {body.get('error')}"
    return body["data"]


def _wait_for_series(url: str, expr: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _query(url, expr)["result"]:
            return
        time.sleep(1)
    raise TimeoutError(f"no data for {expr} after {timeout} s")


@pytest.fixture(scope="module")
def traffic(mesh, client, store, prometheus) -> dict[str, str]:
    """Jobs that exercise every series: completed, failed at identity (refund), poisoned (DLQ)."""
    root = tracing.new_traceparent()
    request = gateway_pb2.SubmitJobRequest(
        spec=common_pb2.GenerationSpec(prompt="Gulls over a harbour at dawn", duration_seconds=1.0, resolution="480p")
    )
    good = client.stub.SubmitJob(request, metadata=[*client.metadata, ("traceparent", root)]).job.job_id
    second = client.submit("A kettle steaming on a stove", duration_seconds=1.0, resolution="480p").job.job_id
    failed_root = tracing.new_traceparent()
    request = gateway_pb2.SubmitJobRequest(
        spec=common_pb2.GenerationSpec(prompt="@nobody_at_all waves on a pier", duration_seconds=1.0, resolution="480p")
    )
    failed = client.stub.SubmitJob(request, metadata=[*client.metadata, ("traceparent", failed_root)]).job.job_id
    spec = common_pb2.GenerationSpec(prompt="a poisoned job", duration_seconds=1.0)
    poisoned, _ = store.submit_job(
        job_id=str(uuid.uuid4()),
        account_id="local",
        request_id=None,
        tier="pro",
        spec=spec.SerializeToString(),
        seed=1,
        duration_seconds=1.0,
        credits=40,
    )
    poison_root = tracing.new_traceparent()
    producer = KafkaProducer(bootstrap_servers=mesh.info.kafka_bootstrap)
    producer.send(
        PLANS_CAST,
        key=poisoned.job_id.encode(),
        value=b"\xff\xfe not a protobuf",
        headers=[("ce_type", b"cinemesh.v1.PlanCast"), ("traceparent", poison_root.encode())],
    ).get(10)
    producer.close()
    for job_id in (good, second, failed, poisoned.job_id):
        client.wait(job_id, timeout=180)
    assert client.get(good).state == common_pb2.JOB_STATE_COMPLETED
    assert client.get(failed).state == common_pb2.JOB_STATE_FAILED
    assert client.get(poisoned.job_id).state == common_pb2.JOB_STATE_FAILED
    # Everything above is scraped (and Ray's metrics exported, which it does every few seconds).
    _wait_for_series(prometheus, f'cinemesh_jobs_finished_total{{namespace="{NAMESPACE}", state="failed"}} > 0', 30)
    _wait_for_series(prometheus, f'cinemesh_dlq_records_total{{namespace="{NAMESPACE}"}} > 0', 30)
    if mesh.info.ray_metrics_port:
        _wait_for_series(prometheus, f'ray_serve_deployment_replica_healthy{{namespace="{NAMESPACE}"}}', 60)
    time.sleep(3)  # a few more samples, so every rate has two points after the last change
    return {
        "good": good,
        "root": root,
        "failed": failed,
        "failed_root": failed_root,
        "poisoned": poisoned.job_id,
        "poison_root": poison_root,
    }


def test_every_dashboard_panel_returns_data(mesh, prometheus, traffic) -> None:
    if not mesh.info.ray_metrics_port:
        pytest.skip("the Ray Serve panels need the mesh's Ray host (CINEMESH_TEST_MODEL_RUNTIME=ray)")
    empty = []
    panels = dashboard_panels()
    for uid, panel in panels:
        for target in panel["targets"]:
            expr = instantiate(target["expr"], NAMESPACE)
            if not _query(prometheus, expr)["result"]:
                empty.append(f"{uid} / {panel['title']} [{target['refId']}]: {expr}")
    # a target that stopped answering empties every panel fed from it: say which, with its last scrape
    targets = _query(prometheus, f'up{{namespace="{NAMESPACE}"}}')["result"]
    health = "\n".join(f"{t['metric'].get('job')} {t['metric'].get('instance')}: up={t['value'][1]}" for t in targets)
    assert not empty, "panels without data:\n" + "\n".join(empty) + "\ntargets:\n" + health
    assert len(panels) >= 30


def test_every_alert_parses_and_measures_something(prometheus, traffic) -> None:
    rules = alert_rules()
    empty = []
    for rule in rules:
        expr = rule["expr"].strip()
        _query(prometheus, expr)  # parses and evaluates
        measured = THRESHOLD.sub("", expr)
        assert measured != expr, f"{rule['alert']} has no threshold to strip"
        if not _query(prometheus, measured)["result"]:
            empty.append(f"{rule['alert']}: {measured}")
    assert not empty, "alerts measuring nothing:\n" + "\n".join(empty)
    # The poisoned record really is what CinemeshDeadLettersGrowing is for.
    (dlq,) = [r for r in rules if r["alert"] == "CinemeshDeadLettersGrowing"]
    firing = _query(prometheus, dlq["expr"])["result"]
    assert {s["metric"]["topic"] for s in firing} == {PLANS_CAST}


def test_model_device_seconds_are_counted_per_stage(prometheus, traffic) -> None:
    expr = f'sum by (stage, device) (cinemesh_model_device_seconds_total{{namespace="{NAMESPACE}"}})'
    result = _query(prometheus, expr)
    seen = {(s["metric"]["stage"], s["metric"]["device"]) for s in result["result"] if float(s["value"][1]) > 0}
    assert {"video", "audio", "lipsync"} <= {stage for stage, _ in seen}
    assert {device for _, device in seen} <= {"cpu", "gpu"}


def test_traceparent_crosses_every_kafka_hop(mesh, traffic) -> None:
    bootstrap = mesh.info.kafka_bootstrap
    # The local account is pro: its jobs ride the pro lanes; the poisoned record was published by hand.
    hops = [lane_topic(t, PRO_LANE) for t in (JOBS_SUBMITTED, PLANS_PARSED, PLANS_CAST, RENDERS_VIDEO, RENDERS_AUDIO)]
    for job, root, topics in (
        ("good", "root", (*hops, JOBS_COMPLETED)),
        ("failed", "failed_root", (*hops[:2], JOBS_FAILED)),
        ("poisoned", "poison_root", (f"{PLANS_CAST}.dlq", JOBS_FAILED)),
    ):
        trace_id = tracing.trace_id_of(traffic[root])
        for topic in topics:
            records = records_of(bootstrap, topic, key=traffic[job])
            assert records, f"{job} job has no record on {topic}"
            for record in records:
                traceparent = dict(record.headers)["traceparent"].decode()
                assert tracing.trace_id_of(traceparent) == trace_id, f"{job} job lost its trace on {topic}"
