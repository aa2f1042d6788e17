"""What operators and other clients touch: health, reflection, metrics, HTTP/JSON, consumer groups."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path

import pytest
import requests
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from support import records_of

from cinemesh.runtime import tracing
from cinemesh.runtime.bus import Publisher
from cinemesh.runtime.config import Settings
from cinemesh.runtime.consumer import Consumer
from cinemesh.runtime.topics import JOBS_FAILED, JOBS_SUBMITTED, PRO_LANE, lane_topic
from cinemesh.v1 import common_pb2, events_pb2

pytestmark = pytest.mark.integration

SERVICE_NAMES = {
    "gateway": "cinemesh.v1.JobService",
    "prompt": "cinemesh.v1.PromptService",
    "identity": "cinemesh.v1.IdentityService",
    "video": "cinemesh.v1.VideoService",
    "audio": "cinemesh.v1.AudioService",
    "lipsync": "cinemesh.v1.LipSyncService",
}


@pytest.mark.parametrize("service", list(SERVICE_NAMES))
def test_every_service_answers_health_reflection_and_metrics(mesh, service) -> None:
    endpoint = mesh.info.services[service]
    with mesh.info.channel(service) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for name in ("", SERVICE_NAMES[service]):
            reply = health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        (reply,) = list(reflection.ServerReflectionInfo(iter([request]), timeout=5))
        names = {s.name for s in reply.list_services_response.service}
        assert {SERVICE_NAMES[service], "grpc.health.v1.Health"} <= names
    body = requests.get(f"http://127.0.0.1:{endpoint.metrics_port}/metrics", timeout=5).text
    assert "grpc_server_handled_total" in body
    assert "cinemesh_stage_records_total" in body


def test_metrics_count_stage_work_without_job_ids(mesh, client) -> None:
    job_id = client.submit("Koi circling in a garden pond", duration_seconds=1.0, resolution="480p").job.job_id
    client.wait(job_id)
    body = requests.get(f"http://127.0.0.1:{mesh.info.services['video'].metrics_port}/metrics", timeout=5).text
    processed = [
        line
        for line in body.splitlines()
        if line.startswith("cinemesh_stage_records_total{") and 'outcome="processed"' in line
    ]
    assert processed and float(processed[0].rsplit(" ", 1)[1]) >= 1
    gateway = requests.get(f"http://127.0.0.1:{mesh.info.services['gateway'].metrics_port}/metrics", timeout=5).text
    assert 'grpc_server_handled_total{grpc_code="OK",grpc_method="SubmitJob"' in gateway
    assert "cinemesh_credits_charged_total" in gateway
    assert job_id not in body and job_id not in gateway


def test_http_json_front(mesh, client) -> None:
    base = f"http://127.0.0.1:{mesh.info.gateway_http_port}"
    auth = {"authorization": f"Bearer {mesh.info.api_key}"}
    assert requests.get(f"{base}/healthz", timeout=5).json() == {"status": "ok"}
    assert requests.get(f"{base}/v1/account", timeout=5).status_code == 401
    bad = requests.post(
        f"{base}/v1/jobs", headers=auth, timeout=5, data=json.dumps({"spec": {"prompt": "a cat", "resolution": "4k"}})
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "INVALID_ARGUMENT" and bad.json()["message"].startswith("spec.resolution")
    root = tracing.new_traceparent()
    created = requests.post(
        f"{base}/v1/jobs",
        headers={**auth, "traceparent": root},
        timeout=30,
        data=json.dumps(
            {
                "requestId": f"http-{uuid.uuid4()}",
                "spec": {"prompt": "Paper cranes on a windowsill", "durationSeconds": 1, "resolution": "480p"},
            }
        ),
    )
    assert created.status_code == 200, created.text
    job_id = created.json()["job"]["jobId"]
    assert client.wait(job_id).state == common_pb2.JOB_STATE_COMPLETED
    (submitted,) = records_of(mesh.info.kafka_bootstrap, lane_topic(JOBS_SUBMITTED, PRO_LANE), key=job_id)  # pro
    assert tracing.trace_id_of(dict(submitted.headers)["traceparent"].decode()) == tracing.trace_id_of(root)
    job = requests.get(f"{base}/v1/jobs/{job_id}", headers=auth, timeout=5).json()
    assert job["state"] == "JOB_STATE_COMPLETED"
    video = requests.get(f"{base}/v1/jobs/{job_id}:download", headers=auth, timeout=30)
    assert video.headers["content-type"] == "video/mp4" and video.content == client.download(job_id)
    assert requests.get(f"{base}/v1/jobs/{uuid.uuid4()}", headers=auth, timeout=5).status_code == 404
    assert requests.get(f"{base}/v1/jobs/nope", headers=auth, timeout=5).status_code == 400  # no job id (UUID)


def test_group_subscription_mode_consumes_with_a_fresh_group(mesh) -> None:
    """Production mode (consumer groups); on the embedded broker only with a fresh group id."""
    settings = Settings.from_env(
        "probe",
        {
            "CINEMESH_STATE_DIR": mesh.info.state_dir,
            "CINEMESH_KAFKA_BOOTSTRAP": mesh.info.kafka_bootstrap,
            "CINEMESH_KAFKA_ASSIGNMENT": "group",
            "CINEMESH_KAFKA_GROUP": f"probe-{uuid.uuid4()}",
        },
    )
    publisher = Publisher(settings)
    job_id = str(uuid.uuid4())  # a record's key must be a job id
    seen = threading.Event()

    def handle(delivery) -> None:  # type: ignore[no-untyped-def]
        if delivery.job_id == job_id:
            seen.set()

    consumer = Consumer(settings, [JOBS_FAILED], handle, publisher, lambda *_: None)
    consumer.start()
    try:
        publisher.publish(JOBS_FAILED, job_id, events_pb2.JobFailed(job_id=job_id, reason="probe"))
        assert seen.wait(60), "group consumer never received the record"
    finally:
        consumer.stop(5)
        publisher.close()


def test_no_secret_reaches_a_log(mesh, client) -> None:
    """After jobs have run, no service log (stages, gateway, Ray host, broker, supervisor) holds the API key,
    the cameo key, the C2PA signing key, the service token or a service's TLS key."""
    client.wait(client.submit("A lantern on a quiet pier", duration_seconds=1.0, resolution="480p").job.job_id)
    state = Path(mesh.info.state_dir)
    secrets = {"API key": mesh.info.api_key}
    if (state / "cameo.key").exists():
        secrets["cameo key"] = (state / "cameo.key").read_text().strip()
    c2pa_key = state / "c2pa" / "key.pem"
    assert c2pa_key.exists(), "the embedded mesh signs with a throwaway C2PA identity under its state dir"
    body = "".join(line for line in c2pa_key.read_text().splitlines() if not line.startswith("-----"))
    secrets["C2PA key"] = body[:48]  # any long stretch of the key would be a leak
    if mesh.info.service_token():
        secrets["service token"] = mesh.info.service_token()
    for key in sorted((state / "tls").glob("*.key")):
        pem = "".join(line for line in key.read_text().splitlines() if not line.startswith("-----"))
        secrets[f"TLS key {key.name}"] = pem[:48]
    logs = sorted((state / "logs").glob("*.log"))
    assert len(logs) >= 8
    for log in logs:
        text = log.read_text(errors="replace")
        for name, secret in secrets.items():
            assert secret not in text, f"{log.name} contains the {name}"
