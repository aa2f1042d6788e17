"""Generates the cinemesh Grafana dashboards (the JSON beside this file) with grafana-foundation-sdk.

    .venv/bin/python charts/cinemesh/dashboards/generate.py          # rewrite the JSON files
    .venv/bin/python charts/cinemesh/dashboards/generate.py --check  # exit 1 if they are stale

The JSON is never edited by hand: tests/chart/test_dashboards.py fails when it differs from
what this script writes, and tests/integration/test_prometheus.py runs every panel's PromQL
against a real Prometheus scraping the embedded mesh. The chart ships the files as ConfigMaps
for the Grafana sidecar (templates/dashboards.yaml).

Every query filters on `namespace=~"$namespace"` and rates over `$__rate_interval`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from grafana_foundation_sdk.builders import stat, timeseries
from grafana_foundation_sdk.builders.dashboard import Dashboard, DatasourceVariable, QueryVariable, Row
from grafana_foundation_sdk.builders.prometheus import Dataquery
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef, VariableRefresh

HERE = Path(__file__).resolve().parent
DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")
NS = 'namespace=~"$namespace"'
RATE = "$__rate_interval"

#: Stages in data-flow order (the gateway's row is its gRPC API and its outcome consumer).
STAGES = ("gateway", "prompt", "identity", "video", "audio", "lipsync")
MODEL_STAGES = ("video", "audio", "lipsync")
#: gRPC codes that are the server's fault (a user's mistake is INVALID_ARGUMENT & co.).
SERVER_ERROR_CODES = "INTERNAL|UNKNOWN|UNAVAILABLE|DEADLINE_EXCEEDED|DATA_LOSS|UNIMPLEMENTED"


class _Ids:
    def __init__(self) -> None:
        self.next = 0

    def __call__(self) -> int:
        self.next += 1
        return self.next


def _query(expr: str, legend: str, ref: str = "A") -> Dataquery:
    return Dataquery().expr(expr).legend_format(legend).ref_id(ref)


def _timeseries(ids: _Ids, title: str, description: str, unit: str, queries: list[tuple[str, str]], width: int = 8):
    panel = (
        timeseries.Panel()
        .id(ids())
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .height(8)
        .span(width)
    )
    for index, (expr, legend) in enumerate(queries):
        panel = panel.with_target(_query(expr, legend, chr(ord("A") + index)))
    return panel


def _stat(ids: _Ids, title: str, description: str, unit: str, expr: str, width: int = 4):
    return (
        stat.Panel()
        .id(ids())
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .height(4)
        .span(width)
        .with_target(_query(expr, title))
    )


def _base(title: str, uid: str, description: str) -> Dashboard:
    return (
        Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(["cinemesh"])
        .refresh("30s")
        .time("now-3h", "now")
        .timezone("browser")
        .with_variable(DatasourceVariable("datasource").label("Data source").type("prometheus"))
        .with_variable(
            QueryVariable("namespace")
            .label("Namespace")
            .datasource(DATASOURCE)
            .query("label_values(cinemesh_stage_records_total, namespace)")
            .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED)
            .multi(True)
            .include_all(True)
            .all_value(".*")
        )
    )


def _quantile(q: float, metric: str, selector: str) -> str:
    return f"histogram_quantile({q}, sum by (le) (rate({metric}_bucket{{{selector}}}[{RATE}])))"


def _quantile_by(q: float, metric: str, selector: str, labels: str) -> str:
    return f"histogram_quantile({q}, sum by (le, {labels}) (rate({metric}_bucket{{{selector}}}[{RATE}])))"


def _stage_row(dashboard: Dashboard, ids: _Ids, stage: str) -> Dashboard:
    dashboard = dashboard.with_row(
        Row(f"{stage} stage" if stage != "gateway" else "gateway (API and outcomes)").id(ids())
    )
    if stage == "gateway":
        api = f'{NS}, grpc_service="cinemesh.v1.JobService"'
        return (
            dashboard.with_panel(
                _timeseries(
                    ids,
                    "gateway: RPC rate",
                    "JobService RPCs per second by method and status code.",
                    "reqps",
                    [
                        (
                            f"sum by (grpc_method, grpc_code) (rate(grpc_server_handled_total{{{api}}}[{RATE}]))",
                            "{{grpc_method}} {{grpc_code}}",
                        )
                    ],
                )
            )
            .with_panel(
                _timeseries(
                    ids,
                    "gateway: server error ratio",
                    f"Share of JobService RPCs that ended {SERVER_ERROR_CODES} "
                    "(the server's fault; user errors excluded).",
                    "percentunit",
                    [
                        (
                            f'(sum(rate(grpc_server_handled_total{{{api}, grpc_code=~"{SERVER_ERROR_CODES}"}}[{RATE}]))'
                            f" or vector(0)) / sum(rate(grpc_server_handled_total{{{api}}}[{RATE}]))",
                            "error ratio",
                        )
                    ],
                )
            )
            .with_panel(
                _timeseries(
                    ids,
                    "gateway: unary RPC latency",
                    "p50 and p95 of unary JobService RPCs.",
                    "s",
                    [
                        (_quantile(0.5, "grpc_server_handling_seconds", f'{api}, grpc_type="unary"'), "p50"),
                        (_quantile(0.95, "grpc_server_handling_seconds", f'{api}, grpc_type="unary"'), "p95"),
                    ],
                )
            )
        )
    selector = f'{NS}, stage="{stage}"'
    duration = [
        (_quantile(0.5, "cinemesh_stage_processing_seconds", selector), "p50 record"),
        (_quantile(0.95, "cinemesh_stage_processing_seconds", selector), "p95 record"),
    ]
    if stage in MODEL_STAGES:
        duration.append((_quantile(0.95, "cinemesh_model_call_seconds", selector), "p95 model call"))
    return (
        dashboard.with_panel(
            _timeseries(
                ids,
                f"{stage}: records",
                f"Records the {stage} stage finished per second, by outcome.",
                "ops",
                [(f"sum by (outcome) (rate(cinemesh_stage_records_total{{{selector}}}[{RATE}]))", "{{outcome}}")],
            )
        )
        .with_panel(
            _timeseries(
                ids,
                f"{stage}: error ratio",
                f"Share of the {stage} stage's records that were dead-lettered or failed their job.",
                "percentunit",
                [
                    (
                        "sum(rate(cinemesh_stage_records_total"
                        f'{{{selector}, outcome=~"dead_lettered|job_failed"}}[{RATE}]))'
                        f" / sum(rate(cinemesh_stage_records_total{{{selector}}}[{RATE}]))",
                        "error ratio",
                    )
                ],
            )
        )
        .with_panel(
            _timeseries(
                ids,
                f"{stage}: duration",
                f"p50/p95 wall time of one {stage} record (retries included)"
                + (" and p95 of its model call." if stage in MODEL_STAGES else "."),
                "s",
                duration,
            )
        )
    )


def overview() -> Dashboard:
    ids = _Ids()
    dashboard = _base(
        "cinemesh / overview",
        "cinemesh-overview",
        "Jobs, credits and one RED row (rate, errors, duration) per stage in data-flow order.",
    ).with_row(Row("jobs").id(ids()))
    finished = f"cinemesh_jobs_finished_total{{{NS}}}"
    dashboard = (
        dashboard.with_panel(
            _stat(
                ids,
                "jobs submitted / s",
                "Jobs the gateway accepted per second.",
                "reqps",
                f"sum(rate(cinemesh_jobs_submitted_total{{{NS}}}[{RATE}]))",
            )
        )
        .with_panel(
            _stat(
                ids,
                "success ratio",
                "Completed jobs over all jobs that reached a terminal state.",
                "percentunit",
                f'sum(rate(cinemesh_jobs_finished_total{{{NS}, state="completed"}}[{RATE}]))'
                f" / sum(rate({finished}[{RATE}]))",
            )
        )
        .with_panel(
            _stat(
                ids,
                "end-to-end p50",
                "Median time from submission to completion.",
                "s",
                _quantile(0.5, "cinemesh_job_duration_seconds", f'{NS}, state="completed"'),
            )
        )
        .with_panel(
            _stat(
                ids,
                "end-to-end p95",
                "95th percentile time from submission to completion.",
                "s",
                _quantile(0.95, "cinemesh_job_duration_seconds", f'{NS}, state="completed"'),
            )
        )
        .with_panel(
            _stat(
                ids,
                "credits charged / h",
                "Credits charged on completed jobs over the last hour.",
                "none",
                f"sum(increase(cinemesh_credits_charged_total{{{NS}}}[1h]))",
            )
        )
        .with_panel(
            _stat(
                ids,
                "credits refunded / h",
                "Credits refunded for failed or cancelled jobs over the last hour.",
                "none",
                f"sum(increase(cinemesh_credits_refunded_total{{{NS}}}[1h]))",
            )
        )
        .with_panel(
            _timeseries(
                ids,
                "jobs finished",
                "Jobs reaching a terminal state per second, by state and tier.",
                "ops",
                [(f"sum by (state, tier) (rate({finished}[{RATE}]))", "{{state}} {{tier}}")],
            )
        )
        .with_panel(
            _timeseries(
                ids,
                "end-to-end latency",
                "p50 and p95 from submission to completion.",
                "s",
                [
                    (_quantile(0.5, "cinemesh_job_duration_seconds", f'{NS}, state="completed"'), "p50"),
                    (_quantile(0.95, "cinemesh_job_duration_seconds", f'{NS}, state="completed"'), "p95"),
                ],
            )
        )
        .with_panel(
            _timeseries(
                ids,
                "queue wait by tier",
                "p50 and p95 time a stage's input record waited from publication until the stage started it, over all "
                "stages, by tier: pro jobs ride the pro lanes and overtake standard (plus) ones under load.",
                "s",
                [
                    (_quantile_by(0.5, "cinemesh_queue_wait_seconds", NS, "tier"), "p50 {{tier}}"),
                    (_quantile_by(0.95, "cinemesh_queue_wait_seconds", NS, "tier"), "p95 {{tier}}"),
                ],
            )
        )
        .with_panel(
            _timeseries(
                ids,
                "drafts",
                "Finished videos still drafts (not saved, not downloaded in full, not expired), and the bytes per "
                "second the purge deletes with expired drafts (their rows and audit entries are kept).",
                "none",
                [
                    (f"sum(cinemesh_drafts_live{{{NS}}})", "live drafts"),
                    (f"sum(rate(cinemesh_drafts_purged_bytes_total{{{NS}}}[{RATE}]))", "purged bytes/s"),
                ],
            )
        )
        .with_panel(
            _timeseries(
                ids,
                "webhook deliveries",
                "Webhook delivery attempts per second by outcome (delivered; retried later; failed after the 24 h "
                "retry horizon; abandoned because the endpoint was deleted), and deliveries waiting for a (re)try.",
                "none",
                [
                    (
                        f"sum by (outcome) (rate(cinemesh_webhook_deliveries_total{{{NS}}}[{RATE}]))",
                        "{{outcome}}",
                    ),
                    (f"sum(cinemesh_webhook_deliveries_pending{{{NS}}})", "pending"),
                ],
            )
        )
        .with_panel(
            _timeseries(
                ids,
                "credits",
                "Credits reserved at submission, charged on completion and refunded on failure, per second by tier.",
                "none",
                [
                    (f"sum by (tier) (rate(cinemesh_credits_reserved_total{{{NS}}}[{RATE}]))", "reserved {{tier}}"),
                    (f"sum by (tier) (rate(cinemesh_credits_charged_total{{{NS}}}[{RATE}]))", "charged {{tier}}"),
                    (f"sum by (tier) (rate(cinemesh_credits_refunded_total{{{NS}}}[{RATE}]))", "refunded {{tier}}"),
                ],
            )
        )
    )
    for stage in STAGES:
        dashboard = _stage_row(dashboard, ids, stage)
    return dashboard


def capacity() -> Dashboard:
    ids = _Ids()
    return (
        _base(
            "cinemesh / capacity",
            "cinemesh-capacity",
            "Kafka consumer lag and dead letters, Ray Serve replicas and queues, model device seconds.",
        )
        .with_row(Row("Kafka").id(ids()))
        .with_panel(
            _timeseries(
                ids,
                "consumer lag",
                "Records between each stage's consumer position and the end of its topic.",
                "none",
                [
                    (
                        f"max by (stage, topic) (cinemesh_kafka_consumer_lag_records{{{NS}}})",
                        "{{stage}} ← {{topic}}",
                    )
                ],
            )
        )
        .with_panel(
            _timeseries(
                ids,
                "queue wait p95 by stage and tier",
                "95th percentile time a record waited from publication until its stage started it, per stage and "
                "tier (the pro lanes against the standard ones).",
                "s",
                [(_quantile_by(0.95, "cinemesh_queue_wait_seconds", NS, "stage, tier"), "{{stage}} {{tier}}")],
            )
        )
        .with_panel(
            _timeseries(
                ids,
                "dead-lettered records",
                "Records sent to <topic>.dlq per second, by original topic.",
                "ops",
                [(f"sum by (topic) (rate(cinemesh_dlq_records_total{{{NS}}}[{RATE}]))", "{{topic}}.dlq")],
            )
        )
        .with_panel(
            _timeseries(
                ids,
                "published records",
                "Records published per second, by topic.",
                "ops",
                [(f"sum by (topic) (rate(cinemesh_kafka_published_records_total{{{NS}}}[{RATE}]))", "{{topic}}")],
            )
        )
        .with_row(Row("Ray Serve").id(ids()))
        .with_panel(
            _timeseries(
                ids,
                "model replicas",
                "Healthy Ray Serve replicas and the autoscaler's target, per application.",
                "none",
                [
                    (f"sum by (application) (ray_serve_deployment_replica_healthy{{{NS}}})", "{{application}} healthy"),
                    (
                        f"max by (application) (ray_serve_autoscaling_target_replicas{{{NS}}})",
                        "{{application}} target",
                    ),
                ],
            )
        )
        .with_panel(
            _timeseries(
                ids,
                "model queue",
                "Requests queued at the Serve handles and being processed by replicas, per application.",
                "none",
                [
                    (f"sum by (application) (ray_serve_deployment_queued_queries{{{NS}}})", "{{application}} queued"),
                    (
                        f"sum by (application) (ray_serve_replica_processing_queries{{{NS}}})",
                        "{{application}} processing",
                    ),
                ],
            )
        )
        .with_panel(
            _timeseries(
                ids,
                "in-flight records",
                "Records each stage is working on right now.",
                "none",
                [(f"sum by (stage) (cinemesh_stage_inflight_records{{{NS}}})", "{{stage}}")],
            )
        )
        .with_row(Row("devices").id(ids()))
        .with_panel(
            _timeseries(
                ids,
                "device seconds per second",
                "Seconds model replicas computed per second of wall time, by stage and device (1 = one busy device).",
                "s",
                [
                    (
                        f"sum by (stage, device) (rate(cinemesh_model_device_seconds_total{{{NS}}}[{RATE}]))",
                        "{{stage}} {{device}}",
                    )
                ],
                width=12,
            )
        )
        .with_panel(
            _stat(
                ids,
                "GPU seconds / h",
                "GPU seconds the model replicas used over the last hour.",
                "s",
                f'sum(increase(cinemesh_model_device_seconds_total{{{NS}, device="gpu"}}[1h])) or vector(0)',
                width=6,
            )
        )
        .with_panel(
            _stat(
                ids,
                "CPU model seconds / h",
                "CPU seconds the models used over the last hour (in-process runtime or CPU replicas).",
                "s",
                f'sum(increase(cinemesh_model_device_seconds_total{{{NS}, device="cpu"}}[1h])) or vector(0)',
                width=6,
            )
        )
    )


DASHBOARDS = {"cinemesh-overview": overview, "cinemesh-capacity": capacity}


def _without_nulls(value: object) -> object:
    """Drops null fields (Grafana fills in its defaults; a null `options` breaks some panel plugins)."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def render() -> dict[str, str]:
    """File name → JSON text of every dashboard."""
    rendered = {}
    for name, build in DASHBOARDS.items():
        model = json.loads(json.dumps(build().build(), cls=JSONEncoder))
        rendered[f"{name}.json"] = json.dumps(_without_nulls(model), indent=2, sort_keys=True) + "\n"
    return rendered


def main(argv: list[str]) -> int:
    rendered = render()
    if "--check" in argv:
        stale = [name for name, text in rendered.items() if (HERE / name).read_text() != text]
        for name in stale:
            print(f"{HERE / name} is stale: run {Path(__file__).name}", file=sys.stderr)
        return 1 if stale else 0
    for name, text in rendered.items():
        (HERE / name).write_text(text)
        print(f"wrote {HERE / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
