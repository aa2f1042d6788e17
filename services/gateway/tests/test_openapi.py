"""The JSON Schemas generated from the protos accept what json_format writes and reject what it would not read."""

from __future__ import annotations

import jsonschema
import pytest
from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp

from cinemesh.gateway.openapi import proto_schemas
from cinemesh.v1 import common_pb2, gateway_pb2

SCHEMAS = proto_schemas(gateway_pb2.SubmitJobRequest.DESCRIPTOR, gateway_pb2.WatchJobResponse.DESCRIPTOR)


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": SCHEMAS}}
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_every_referenced_message_has_a_schema() -> None:
    assert {"SubmitJobRequest", "GenerationSpec", "StoryboardScene", "WatchJobResponse", "Job", "StageTiming"} <= set(
        SCHEMAS
    )
    assert "Timestamp" not in SCHEMAS  # written as an RFC 3339 string


def test_a_full_job_in_proto3_json_matches_its_schema() -> None:
    now = Timestamp(seconds=1_800_000_000, nanos=5)
    update = gateway_pb2.WatchJobResponse(
        job=gateway_pb2.Job(
            job_id="j-1",
            state=common_pb2.JOB_STATE_RENDERING,
            spec=common_pb2.GenerationSpec(
                prompt="a cat",
                duration_seconds=2.5,
                seed=2**63 + 1,
                storyboard=[common_pb2.StoryboardScene(prompt="a dog", duration_seconds=1)],
            ),
            tier=common_pb2.TIER_PRO,
            credits_reserved=80,
            stages=[gateway_pb2.StageTiming(stage=common_pb2.STAGE_VIDEO, started_at=now, attempts=2)],
            created_at=now,
            output_size_bytes=12345,
        ),
        current_stage=common_pb2.STAGE_VIDEO,
        progress_percent=42.5,
        eta_seconds=-1,
    )
    validator = _validator("WatchJobResponse")
    validator.validate(json_format.MessageToDict(update))
    validator.validate(json_format.MessageToDict(update, always_print_fields_with_no_presence=True))


@pytest.mark.parametrize(
    "body",
    [
        {"spec": {"prompt": "x", "resolution": 720}},
        {"spec": {"fps": -1}},
        {"spec": {"prompt": "x", "orientation": "SIDEWAYS"}},
        {"requestId": "r", "nope": 1},
    ],
)
def test_what_the_schema_refuses_json_format_refuses_too(body: dict) -> None:
    with pytest.raises(jsonschema.ValidationError):
        _validator("SubmitJobRequest").validate(body)
    with pytest.raises(json_format.ParseError):
        json_format.ParseDict(body, gateway_pb2.SubmitJobRequest())
