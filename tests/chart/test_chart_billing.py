"""The chart's billing values: the gateway gets the USD price table and the webhook settings, and reads them."""

from __future__ import annotations

from pathlib import Path

import yaml
from chart.chartkit import CHART, REQUIRED, helm, named, render

from cinemesh.gateway.pricing import DEFAULT_TABLE, PriceTable
from cinemesh.runtime.config import Settings


def _gateway_env(docs: tuple[dict, ...]) -> dict[str, str]:
    deployment = named(docs, "Deployment", "cm-cinemesh-gateway")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return {item["name"]: item.get("value", "") for item in container["env"]}


def test_the_gateway_gets_the_webhook_settings_and_no_table_by_default() -> None:
    env = _gateway_env(render("defaults"))
    assert "CINEMESH_PRICE_TABLE" not in env
    settings = Settings.from_env("gateway", {name: value for name, value in env.items() if "$(" not in value})
    assert settings.webhook_retry_horizon_seconds == 86400
    assert settings.webhook_allow_private_urls is False  # a cluster sends webhooks to public receivers only
    prompt = named(render("defaults"), "Deployment", "cm-cinemesh-prompt")
    assert not any(
        item["name"].startswith("CINEMESH_WEBHOOK")
        for item in prompt["spec"]["template"]["spec"]["containers"][0]["env"]
    )


def test_a_price_table_value_reaches_the_gateway_as_a_table_it_loads(tmp_path: Path) -> None:
    table = yaml.safe_load(DEFAULT_TABLE.read_text())
    table["usd_per_second"]["pro"]["1080p"]["dialogue"] = "0.75"
    values = tmp_path / "prices.yaml"
    values.write_text(yaml.safe_dump({"gateway": {"priceTable": table}}))
    out = helm("template", "cm", str(CHART), "--namespace", "media", "-f", str(REQUIRED), "-f", str(values)).stdout
    env = _gateway_env(tuple(doc for doc in yaml.safe_load_all(out) if doc))
    assert PriceTable.load(env["CINEMESH_PRICE_TABLE"]).per_second("pro", "1080p", True) == 750_000
    table["usd_per_second"]["pro"]["1080p"]["dialogue"] = "free"
    values.write_text(yaml.safe_dump({"gateway": {"priceTable": table}}))
    refused = helm("template", "cm", str(CHART), "-f", str(REQUIRED), "-f", str(values), check=False)
    assert refused.returncode != 0 and "priceTable" in refused.stderr
