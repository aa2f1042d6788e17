"""The openai-compatible planner backend against a real HTTP server that answers like chat completions."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from cinemesh.prompt.llm import OpenAICompatiblePlanner, schema
from cinemesh.prompt.planner import plan
from cinemesh.prompt.server import plan_with, planner_backend
from cinemesh.runtime.config import ConfigError, Settings
from cinemesh.v1 import common_pb2

RATES = {"plus": 16, "pro": 40}
# the rules time the balloon; the robot's "bzzrt" has no time and no sound word they know, so only the draft times it
PROMPT = "A balloon pops at 2 seconds. Then bzzrt from the little robot."
ROBOT = {
    "text": "bzzrt from the little robot",
    "time_seconds": 4.0,
    "source_object": "robot",
    "material": "plastic",
    "sound_action": "electronic",
    "audioset_label": "Buzzer",
    "every_seconds": 0,
    "repeat_count": 0,
}
BALLOON = {
    "text": "A balloon pops",
    "time_seconds": 2.0,
    "source_object": "balloon",
    "material": "rubber",
    "sound_action": "pop",
    "audioset_label": "Burst, pop",
    "every_seconds": 0,
    "repeat_count": 0,
}


class Endpoint:
    """What the fake endpoint answers next, and every request body it received."""

    def __init__(self) -> None:
        self.status = 200
        self.content: str = ""
        self.delay = 0.0
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []


@pytest.fixture
def endpoint() -> Iterator[tuple[Endpoint, str]]:
    state = Endpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            state.requests.append(json.loads(self.rfile.read(length)))
            state.headers.append(dict(self.headers))
            time.sleep(state.delay)
            body = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": state.content}}]})
            try:
                self.send_response(state.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first: what the timeout case is about

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _plan(url: str, timeout: float = 5.0) -> common_pb2.ScenePlan:
    backend = OpenAICompatiblePlanner(url, "test-model", "secret", timeout)
    return plan_with(common_pb2.GenerationSpec(prompt=PROMPT, duration_seconds=6), "pro", 1, RATES, backend)


def _rules() -> common_pb2.ScenePlan:
    return plan(common_pb2.GenerationSpec(prompt=PROMPT, duration_seconds=6), "pro", 1, RATES)


def test_the_request_carries_the_prompt_and_the_schema_as_strict_structured_output(
    endpoint: tuple[Endpoint, str],
) -> None:
    state, url = endpoint
    state.content = json.dumps({"subject": "balloon", "sound_cues": [BALLOON, ROBOT]})
    _plan(url)
    (body,) = state.requests
    assert body["model"] == "test-model"
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "scene_plan_draft", "strict": True, "schema": schema()},
    }
    assert json.loads(body["messages"][-1]["content"]) == {"prompt": PROMPT, "duration_seconds": 6.0}
    assert state.headers[0]["Authorization"] == "Bearer secret"


def test_a_good_answer_fills_what_the_rules_missed(endpoint: tuple[Endpoint, str]) -> None:
    state, url = endpoint
    state.content = json.dumps({"subject": "balloon", "sound_cues": [BALLOON, ROBOT]})
    scene_plan = _plan(url)
    rules = _rules()
    assert [c.time_seconds for c in rules.sound_cues] == [2.0]  # the rules hear no "bzzrt" (a note says so)
    assert [(c.time_seconds, c.text) for c in scene_plan.sound_cues] == [
        (2.0, rules.sound_cues[0].text),
        (4.0, "bzzrt from the little robot"),
    ]
    robot = scene_plan.sound_cues[1]
    assert (robot.frame, robot.source_object, robot.sound_action, robot.audioset_label) == (
        96,
        "robot",
        "electronic",
        "Buzzer",
    )
    assert robot.audioset_mid
    assert scene_plan.notes[-1] == "the openai-compatible planner added 1 sound cue(s) the rules did not find"


@pytest.mark.parametrize(
    ("status", "content", "note"),
    [
        (200, "this is not JSON", "malformed answer"),
        (200, json.dumps({"subject": "balloon"}), "answer does not follow the schema: 'sound_cues' is a required"),
        (
            200,
            json.dumps({"subject": "x", "sound_cues": [{**ROBOT, "sound_action": "dance"}]}),
            "answer does not follow the schema: 'dance' is not one of",
        ),
        (500, "", "HTTP 500"),
    ],
)
def test_a_bad_answer_falls_back_to_the_rules_with_a_note(
    endpoint: tuple[Endpoint, str], status: int, content: str, note: str
) -> None:
    state, url = endpoint
    state.status, state.content = status, content
    scene_plan = _plan(url)
    assert list(scene_plan.sound_cues) == list(_rules().sound_cues)
    assert note in scene_plan.notes[-1]
    assert scene_plan.notes[-1].endswith("the rule planner's plan stands")


def test_a_slow_endpoint_times_out_and_the_rules_plan(endpoint: tuple[Endpoint, str]) -> None:
    state, url = endpoint
    state.delay = 1.0
    state.content = json.dumps({"subject": "balloon", "sound_cues": [ROBOT]})
    started = time.monotonic()
    scene_plan = _plan(url, timeout=0.2)
    assert time.monotonic() - started < 1.0
    assert list(scene_plan.sound_cues) == list(_rules().sound_cues)
    assert scene_plan.notes[-1].startswith("the openai-compatible planner was not used (ReadTimeout)")


def test_the_rules_stay_the_default_and_the_endpoint_must_be_configured() -> None:
    assert planner_backend(Settings.from_env("prompt", {})) is None
    with pytest.raises(ConfigError, match="CINEMESH_PLANNER_BASE_URL must be set"):
        Settings.from_env("prompt", {"CINEMESH_PLANNER_BACKEND": "openai-compatible"})
    settings = Settings.from_env(
        "prompt",
        {
            "CINEMESH_PLANNER_BACKEND": "openai-compatible",
            "CINEMESH_PLANNER_BASE_URL": "http://vllm:8000/v1/",
            "CINEMESH_PLANNER_MODEL": "qwen",
            "CINEMESH_PLANNER_TIMEOUT_SECONDS": "3",
        },
    )
    assert planner_backend(settings) == OpenAICompatiblePlanner("http://vllm:8000/v1", "qwen", "", 3.0)
