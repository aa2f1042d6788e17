"""Pricing: the USD table, what jobs of USD and credit accounts record, and the usage export that sums them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from support import job_store

from cinemesh.gateway.jobs import JobsApi
from cinemesh.gateway.pricing import PriceTable, format_usd, usage_report
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.auth import Keyring, Principal
from cinemesh.runtime.bus import OutboundRecord, Publisher
from cinemesh.runtime.config import ConfigError, Settings
from cinemesh.runtime.errors import InvalidArgument, PermissionDenied
from cinemesh.runtime.jobstore import JobStore
from cinemesh.runtime.topics import PLANS_PARSED, lane_of_tier, lane_topic
from cinemesh.v1 import common_pb2, events_pb2, gateway_pb2, plan_pb2

DAY = dt.timedelta(days=1)


class CapturingPublisher(Publisher):
    """Builds records as the real one does and keeps what would be sent (no broker in these tests)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.sent: list[OutboundRecord] = []

    def send(self, record: OutboundRecord, timeout: float = 30.0) -> None:
        self.sent.append(record)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    with job_store(request.param, tmp_path) as created:
        created.upsert_account("api", "pro", 0)
        created.upsert_account("app", "plus", 1000)
        created.upsert_account("ops", "pro", 0)
        created.set_account_billing("api", "usd")
        yield created


@pytest.fixture()
def api(store: JobStore, tmp_path: Path) -> JobsApi:
    settings = Settings.from_env("gateway", {"CINEMESH_STATE_DIR": str(tmp_path), "CINEMESH_RATE_LIMIT_RPS": "0"})
    return JobsApi(
        settings,
        store,
        ArtifactStore((tmp_path / "artifacts").as_uri()),
        CapturingPublisher(settings),
        Keyring(store, b"p" * 32),
    )


def _caller(store: JobStore, account_id: str, *scopes: str) -> Principal:
    keyring = Keyring(store, b"p" * 32)
    return keyring.authenticate("Bearer " + keyring.issue(account_id, scopes or ["jobs:read", "jobs:write"])[1])


def _submit(api: JobsApi, caller: Principal, seconds: float, resolution: str = "") -> gateway_pb2.Job:
    spec = common_pb2.GenerationSpec(prompt="A lighthouse at dusk", duration_seconds=seconds, resolution=resolution)
    return api.submit(caller, gateway_pb2.SubmitJobRequest(spec=spec)).job


def _store_plan(store: JobStore, publisher: Publisher, job_id: str, lines: int) -> None:
    """What the prompt stage stores when it finishes: its PlanParsed record on the job's lane, with `lines` lines."""
    plan = common_pb2.ScenePlan(prompt="p", dialogue=[plan_pb2.DialogueLine(text="Hello.") for _ in range(lines)])
    topic = lane_topic(PLANS_PARSED, lane_of_tier(store.get_job(job_id).tier))
    record = publisher.record(topic, job_id, events_pb2.PlanParsed(job_id=job_id, plan=plan))
    store.claim_stage(job_id, "prompt", 1.0, "prompt-1", 30.0)
    assert store.finish_stage(job_id, "prompt", "prompt-1", [record.to_json()])


def _complete(api: JobsApi, job_id: str) -> None:
    api.on_completed(
        events_pb2.JobCompleted(
            job_id=job_id, output=common_pb2.ArtifactRef(uri=f"jobs/{job_id}/out.mp4", size_bytes=9)
        )
    )


def test_the_default_table_spans_ten_to_fifty_cents_a_second() -> None:
    table = PriceTable.load()
    assert table.per_second("plus", "720p", dialogue=False) == 100_000
    assert table.per_second("pro", "1080p", dialogue=True) == 500_000
    assert min(table.micros_per_second.values()) == 100_000
    assert max(table.micros_per_second.values()) == 500_000
    assert table.price_micros("pro", "1080p", True, 7.5) == 3_750_000
    assert table.price_micros("plus", "", False, 4.0) == 400_000  # no resolution: 720p, as the spec's default
    assert format_usd(3_750_000) == "3.750000"


def test_a_table_can_be_replaced_by_a_file_or_yaml_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    text = (
        "usd_per_second:\n"
        "  plus: {480p: {silent: 0.01, dialogue: 0.02}, 720p: {silent: 0.03, dialogue: 0.04}}\n"
        "  pro:\n"
        "    480p: {silent: 1, dialogue: 1}\n"
        "    720p: {silent: 1, dialogue: 1}\n"
        "    1024p: {silent: 2, dialogue: 3}\n"
        "    1080p: {silent: '2.000001', dialogue: 3}\n"
    )
    path = tmp_path / "prices.yaml"
    path.write_text(text)
    assert PriceTable.load(str(path)).per_second("plus", "720p", True) == 40_000
    assert PriceTable.load(text).per_second("pro", "1080p", False) == 2_000_001
    # The chart passes the table as one line of JSON, longer than a file name may be.
    as_json = json.dumps({"currency": "USD", **yaml.safe_load(text)}, indent=1).replace("\n", "")
    assert len(as_json) > 255 and PriceTable.load(as_json).per_second("plus", "480p", False) == 10_000
    with pytest.raises(ConfigError, match="neither a YAML file's path nor a YAML table"):
        PriceTable.load(str(tmp_path / "missing.yaml"))
    with pytest.raises(ConfigError, match=r"pro\.1080p is missing"):
        PriceTable.load(text.replace("    1080p: {silent: '2.000001', dialogue: 3}\n", ""))
    with pytest.raises(ConfigError, match="at most 6 decimals"):
        PriceTable.load(text.replace("'2.000001'", "'2.0000001'"))
    with pytest.raises(ConfigError, match="non-negative"):
        PriceTable.load(text.replace("silent: 0.01", "silent: -0.01"))
    with pytest.raises(ConfigError, match="unknown tier"):
        PriceTable.load(text + "  gold: {}\n")


def test_usd_jobs_are_priced_on_completion_and_only_completed_jobs_cost_anything(store: JobStore, api: JobsApi) -> None:
    caller = _caller(store, "api")
    silent = _submit(api, caller, 4.0, "1080p")
    spoken = _submit(api, caller, 6.0, "720p")
    failed = _submit(api, caller, 5.0)
    cancelled = _submit(api, caller, 3.0)
    # An account billed in USD reserves no credits.
    assert (silent.credits_reserved, store.get_account("api").balance_credits) == (0, 0)
    _store_plan(store, api._publisher, silent.job_id, lines=0)
    _store_plan(store, api._publisher, spoken.job_id, lines=2)
    _complete(api, silent.job_id)
    _complete(api, spoken.job_id)
    _complete(api, silent.job_id)  # a redelivered outcome charges nothing more
    api.on_failed(events_pb2.JobFailed(job_id=failed.job_id, stage=common_pb2.STAGE_PROMPT, reason="blocked"))
    api.cancel(caller, cancelled.job_id)

    assert store.get_job(silent.job_id).price_micros == 4 * 450_000  # pro 1080p silent
    assert store.get_job(spoken.job_id).price_micros == 6 * 350_000  # pro 720p with dialogue
    assert store.get_job(failed.job_id).price_micros == 0
    assert store.get_job(cancelled.job_id).price_micros == 0

    report = usage_report(store, "api", dt.datetime.now(dt.UTC) - DAY, dt.datetime.now(dt.UTC) + DAY)
    by_job = {row.job_id: row for row in report.rows}
    assert set(by_job) == {silent.job_id, spoken.job_id, failed.job_id, cancelled.job_id}
    assert by_job[failed.job_id].price_micros == 0 and by_job[failed.job_id].state == "failed"
    assert by_job[cancelled.job_id].price_usd == "0.000000"
    recorded = sum(store.get_job(job_id).price_micros for job_id in by_job)
    assert report.total_price_micros == recorded == 3_900_000
    exported = report.to_json()
    assert exported["total_usd"] == "3.900000"
    assert sum(row["price_micros"] for row in exported["data"]) == recorded
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert sum(int(row["price_micros"]) for row in rows) == recorded
    assert {row["billing"] for row in rows} == {"usd"}


def test_credit_accounts_keep_paying_credits_and_no_dollars(store: JobStore, api: JobsApi) -> None:
    caller = _caller(store, "app")
    done = _submit(api, caller, 5.0)
    failed = _submit(api, caller, 2.0)
    assert done.credits_reserved == 5 * 16  # plus: 16 credits a second
    _store_plan(store, api._publisher, done.job_id, lines=1)
    _complete(api, done.job_id)
    api.on_failed(events_pb2.JobFailed(job_id=failed.job_id, stage=common_pb2.STAGE_VIDEO, reason="x"))
    assert store.get_job(done.job_id).price_micros == 0
    assert store.get_account("app").balance_credits == 1000 - 80
    report = usage_report(store, "app", dt.datetime.now(dt.UTC) - DAY, dt.datetime.now(dt.UTC) + DAY)
    assert [(row.state, row.credits, row.price_micros) for row in report.rows] == [
        ("completed", 80, 0),
        ("failed", 0, 0),
    ]
    assert report.total_credits == sum(store.get_job(row.job_id).credits_charged for row in report.rows) == 80


def test_the_export_covers_only_the_range_and_the_callers_account(store: JobStore, api: JobsApi) -> None:
    mine = _submit(api, _caller(store, "api"), 2.0)
    theirs = _submit(api, _caller(store, "app"), 2.0)
    for job in (mine, theirs):
        _store_plan(store, api._publisher, job.job_id, lines=0)
        _complete(api, job.job_id)
    now = dt.datetime.now(dt.UTC)
    assert [row.job_id for row in usage_report(store, "api", now - DAY, now + DAY).rows] == [mine.job_id]
    assert usage_report(store, "api", now + DAY, now + 2 * DAY).rows == []
    assert usage_report(store, "nobody", now - DAY, now + DAY).rows == []
    assert uuid.UUID(mine.job_id)


def test_only_an_admin_switches_billing_and_the_switch_is_audited(store: JobStore, api: JobsApi) -> None:
    with pytest.raises(PermissionDenied, match="'admin' scope"):
        api.set_billing(_caller(store, "ops"), "app", "usd")
    admin = _caller(store, "ops", "admin")
    with pytest.raises(InvalidArgument, match="billing"):
        api.set_billing(admin, "app", "gold")
    api.set_billing(admin, "app", "usd")
    assert store.account_billing("app") == "usd"
    job = _submit(api, _caller(store, "app"), 3.0)
    assert job.credits_reserved == 0 and store.get_job(job.job_id).billing == "usd"


def test_billing_settings_are_read_and_checked_at_start_up(tmp_path: Path) -> None:
    defaults = Settings.from_env("gateway", {})
    assert (defaults.price_table, defaults.webhook_retry_horizon_seconds, defaults.webhook_allow_private_urls) == (
        "",
        86400.0,
        True,
    )
    assert Settings.from_env("gateway", {"CINEMESH_DEPLOYMENT": "cluster"}).webhook_allow_private_urls is False
    with pytest.raises(ConfigError, match="CINEMESH_WEBHOOK_BACKOFF_SECONDS"):
        Settings.from_env("gateway", {"CINEMESH_WEBHOOK_BACKOFF_SECONDS": "soon"})
    with pytest.raises(ConfigError, match="CINEMESH_WEBHOOK_ALLOW_PRIVATE_URLS"):
        Settings.from_env("gateway", {"CINEMESH_WEBHOOK_ALLOW_PRIVATE_URLS": "maybe"})
    # A malformed price table stops the gateway where it is loaded: when the jobs API is built.
    settings = Settings.from_env("gateway", {"CINEMESH_PRICE_TABLE": "usd_per_second: {plus: {}}\n"})
    with pytest.raises(ConfigError, match=r"plus\.480p is missing"):
        JobsApi(settings, None, None, None, None)  # type: ignore[arg-type]


def test_an_earlier_database_gains_the_billing_columns(store: JobStore) -> None:
    record, _ = store.submit_job(
        job_id=str(uuid.uuid4()),
        account_id="app",
        request_id=None,
        tier="plus",
        spec=b"",
        seed=1,
        duration_seconds=1.0,
        credits=16,
    )
    with store.engine.begin() as conn:
        for table, column in (("jobs", "price_micros"), ("jobs", "billing"), ("accounts", "billing")):
            conn.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    store.create_schema()
    upgraded = store.get_job(record.job_id)
    assert (upgraded.billing, upgraded.price_micros) == ("credits", 0)
    assert store.account_billing("app") == "credits" and store.account_billing("api") == "credits"
