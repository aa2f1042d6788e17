"""Pricing of API (USD) accounts and the usage export.

Accounts on credits keep paying credits (`CINEMESH_CREDITS_PER_SECOND`). An account billed in USD
(`accounts.billing = "usd"`) reserves no credits; when its job completes, the gateway prices it from the USD
table (tier × resolution × whether the plan has spoken dialogue, per second of video) and stores the price
with the completion, in integer micro-dollars. A failed, cancelled or blocked job never completes, so its
price stays 0. `usage_report` lists an account's finished jobs over a time range with what each cost.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from cinemesh.runtime.bus import OutboundRecord
from cinemesh.runtime.config import ConfigError
from cinemesh.runtime.jobstore import JobRecord, JobStore
from cinemesh.runtime.specs import RESOLUTIONS, TIER_LIMITS
from cinemesh.runtime.topics import PLANS_PARSED, base_topic
from cinemesh.v1 import common_pb2, events_pb2

log = logging.getLogger(__name__)

#: The built-in table; CINEMESH_PRICE_TABLE replaces it.
DEFAULT_TABLE = Path(__file__).with_name("data") / "prices.yaml"
MICROS_PER_USD = 1_000_000
#: The resolution of a spec that names none (as `specs.resolve`).
DEFAULT_RESOLUTION = "720p"
_VARIANTS = {"silent": False, "dialogue": True}


def format_usd(micros: int) -> str:
    """Micro-dollars as an exact decimal string of dollars, e.g. 1250000 → "1.250000"."""
    return str((Decimal(micros) / MICROS_PER_USD).quantize(Decimal("0.000001")))


@dataclass(frozen=True)
class PriceTable:
    """Micro-dollars per second of video, by (tier, resolution, has dialogue)."""

    micros_per_second: dict[tuple[str, str, bool], int]

    @classmethod
    def load(cls, source: str = "") -> PriceTable:
        """The built-in table (`source` empty), a YAML file (a path), or YAML text; ConfigError if malformed."""
        where = "CINEMESH_PRICE_TABLE"
        if not source:
            text, where = DEFAULT_TABLE.read_text(), str(DEFAULT_TABLE)
        elif _is_file(source):
            text, where = Path(source).read_text(), f"CINEMESH_PRICE_TABLE ({source})"
        else:
            text = source
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{where}: not YAML: {exc}") from None
        if text is source and not isinstance(data, dict):
            raise ConfigError(f"CINEMESH_PRICE_TABLE={source[:200]!r}: neither a YAML file's path nor a YAML table")
        return cls.parse(data, where)

    @classmethod
    def parse(cls, data: Any, where: str) -> PriceTable:
        if not isinstance(data, dict) or not isinstance(data.get("usd_per_second"), dict):
            raise ConfigError(f"{where}: expected a mapping with `usd_per_second: {{tier: {{resolution: ...}}}}`")
        if data.get("currency", "USD") != "USD":
            raise ConfigError(f"{where}: currency {data['currency']!r} is not supported; prices are in USD")
        table: dict[tuple[str, str, bool], int] = {}
        tiers = data["usd_per_second"]
        for tier, (_, max_resolution) in TIER_LIMITS.items():
            allowed = [name for name, (_, height) in RESOLUTIONS.items() if height <= RESOLUTIONS[max_resolution][1]]
            for resolution in allowed:
                prices = (tiers.get(tier) or {}).get(resolution)
                if not isinstance(prices, dict):
                    raise ConfigError(f"{where}: usd_per_second.{tier}.{resolution} is missing")
                for variant, dialogue in _VARIANTS.items():
                    table[tier, resolution, dialogue] = _micros(
                        prices.get(variant), f"{where}: {tier}.{resolution}.{variant}"
                    )
        unknown = sorted(set(tiers) - set(TIER_LIMITS))
        if unknown:
            raise ConfigError(
                f"{where}: unknown tier(s) {', '.join(map(str, unknown))}; expected {', '.join(TIER_LIMITS)}"
            )
        return cls(table)

    def per_second(self, tier: str, resolution: str, dialogue: bool) -> int:
        """Micro-dollars per second of video."""
        return self.micros_per_second[tier, resolution or DEFAULT_RESOLUTION, dialogue]

    def price_micros(self, tier: str, resolution: str, dialogue: bool, seconds: float) -> int:
        """A clip's price in micro-dollars, rounded half up to the micro-dollar."""
        exact = Decimal(self.per_second(tier, resolution, dialogue)) * Decimal(repr(seconds))
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _is_file(source: str) -> bool:
    """Whether the setting names a file (YAML text, e.g. a one-line JSON table, is no valid path: False)."""
    try:
        return "\n" not in source and Path(source).is_file()
    except OSError:  # a name too long to be a path
        return False


def _micros(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ConfigError(f'{where}: expected a price in USD per second such as "0.10", got {value!r}')
    try:
        usd = Decimal(str(value))
    except InvalidOperation:
        raise ConfigError(f"{where}: {value!r} is not a decimal number") from None
    micros = usd * MICROS_PER_USD
    if not usd.is_finite() or usd < 0 or micros != micros.to_integral_value():
        raise ConfigError(f"{where}: {value!r} must be a non-negative price with at most 6 decimals")
    return int(micros)


def plan_of(store: JobStore, job_id: str) -> common_pb2.ScenePlan | None:
    """The job's plan, from the prompt stage's stored PlanParsed record (None before the prompt stage is done)."""
    for run in store.stage_runs(job_id):
        if run.stage != "prompt" or run.status != "done":
            continue
        for stored in run.outputs:
            if base_topic(stored.get("topic", "")) == PLANS_PARSED:  # either lane (a pro job's is plans.parsed.pro)
                return events_pb2.PlanParsed.FromString(OutboundRecord.from_json(stored).value).plan
    return None


def job_price_micros(table: PriceTable, store: JobStore, record: JobRecord) -> int:
    """What a completed job of a "usd" account costs: its tier, resolution and dialogue, per second."""
    if record.billing != "usd":
        return 0
    spec = common_pb2.GenerationSpec.FromString(record.spec)
    plan = plan_of(store, record.job_id)
    if plan is None:
        log.warning("job %s completed without a stored plan; priced as a silent clip", record.job_id)
    dialogue = plan is not None and len(plan.dialogue) > 0
    return table.price_micros(record.tier, spec.resolution, dialogue, record.duration_seconds)


# usage export ---------------------------------------------------------------

#: Columns of the CSV export, in order (also the keys of each JSON row).
USAGE_COLUMNS = (
    "job_id",
    "state",
    "tier",
    "resolution",
    "seconds",
    "billing",
    "credits",
    "price_micros",
    "price_usd",
    "created_at",
    "finished_at",
)


@dataclass(frozen=True)
class UsageRow:
    """One finished job and what it cost: credits charged, and USD for an API account (0 unless completed)."""

    job_id: str
    state: str
    tier: str
    resolution: str
    seconds: float
    billing: str
    credits: int
    price_micros: int
    price_usd: str
    created_at: str
    finished_at: str


@dataclass(frozen=True)
class UsageReport:
    account_id: str
    start: dt.datetime
    end: dt.datetime
    rows: list[UsageRow]

    @property
    def total_credits(self) -> int:
        return sum(row.credits for row in self.rows)

    @property
    def total_price_micros(self) -> int:
        return sum(row.price_micros for row in self.rows)

    def to_json(self) -> dict[str, Any]:
        return {
            "object": "usage",
            "account_id": self.account_id,
            "start": _iso(self.start),
            "end": _iso(self.end),
            "total_seconds": sum(row.seconds for row in self.rows if row.state == "completed"),
            "total_credits": self.total_credits,
            "total_price_micros": self.total_price_micros,
            "total_usd": format_usd(self.total_price_micros),
            "data": [asdict(row) for row in self.rows],
        }

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=USAGE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in self.rows:
            writer.writerow(asdict(row))
        return out.getvalue()


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def usage_report(store: JobStore, account_id: str, start: dt.datetime, end: dt.datetime) -> UsageReport:
    """The account's jobs that ended in [start, end) with what each cost."""
    rows = []
    for record in store.finished_jobs(account_id, start, end):
        spec = common_pb2.GenerationSpec.FromString(record.spec)
        completed = record.state == "completed"
        rows.append(
            UsageRow(
                job_id=record.job_id,
                state=record.state,
                tier=record.tier,
                resolution=spec.resolution or DEFAULT_RESOLUTION,
                seconds=record.duration_seconds,
                billing=record.billing,
                credits=record.credits_charged if completed else 0,
                price_micros=record.price_micros if completed else 0,
                price_usd=format_usd(record.price_micros if completed else 0),
                created_at=_iso(record.created_at),
                finished_at=_iso(record.finished_at) if record.finished_at else "",
            )
        )
    return UsageReport(account_id, start, end, rows)
