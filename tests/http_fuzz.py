"""Schemathesis against a running HTTP front: every operation its OpenAPI document lists, fuzzed from that document.

Each operation is run twice, with schema-valid requests (positive) and with requests that break the schema
(negative: wrong types, missing or mangled parameters, headers and credentials), a fixed seed and a bounded
number of examples. Every answer must come within the request timeout, be no 5xx, and conform to the document:
a documented status, content type, headers and body schema; a negative request must be refused (4xx).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

#: The seed of every run: the same requests each time, so a failure reproduces.
SEED = 20261203
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@dataclass
class FuzzReport:
    """What the run saw: statuses per operation and mode, the slowest answer, and every failure."""

    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    slowest_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(sum(seen.values()) for seen in self.statuses.values())

    def summary(self) -> str:
        lines = [f"{name}: {dict(sorted(seen.items()))}" for name, seen in sorted(self.statuses.items())]
        return "\n".join([*lines, f"{self.requests} requests, slowest answer {self.slowest_seconds:.2f} s"])


def fuzz_openapi(
    base_url: str,
    authorization: Callable[[], str],
    examples_per_operation: int,
    request_timeout: float,
) -> FuzzReport:
    """Fuzzes every operation of `base_url`/v1/openapi.json; `authorization()` gives the header of each run
    (one run per operation and mode, so a fresh key per run keeps a per-key rate limit out of the way)."""
    schema = schemathesis.openapi.from_url(f"{base_url}/v1/openapi.json", timeout=request_timeout)
    report = FuzzReport()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the OpenAPI document lists no operation"
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(report, base_url, operation, mode, authorization(), examples_per_operation, request_timeout)
    return report


def _fuzz_operation(
    report: FuzzReport,
    base_url: str,
    operation: APIOperation,
    mode: GenerationMode,
    authorization: str,
    examples: int,
    request_timeout: float,
) -> None:
    name = f"{operation.label} [{mode.value}]"
    seen = report.statuses.setdefault(name, {})
    headers = {"authorization": authorization}

    @seed(SEED)
    @settings(max_examples=examples, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def exercise(case: schemathesis.Case) -> None:
        started = time.monotonic()
        try:
            response = case.call(base_url=base_url, headers=headers, timeout=request_timeout)
        except requests.Timeout:
            report.failures.append(f"{name}: no answer within {request_timeout:g} s to {case.as_curl_command()}")
            return
        report.slowest_seconds = max(report.slowest_seconds, time.monotonic() - started)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except BaseException as failure:  # schemathesis raises a FailureGroup naming every check that failed
            report.failures.append(f"{name}: {failure}")

    try:
        exercise()
    except Unsatisfiable:
        # Nothing to break: an operation without parameters or body has no negative request.
        assert mode is GenerationMode.NEGATIVE and not seen, name
        del report.statuses[name]
