"""Wiring shared by every service process: settings, stores, bus, host."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import OperationalError, ProgrammingError

from cinemesh.runtime.aioserver import AioServiceHost
from cinemesh.runtime.artifacts import ArtifactStore
from cinemesh.runtime.bus import Publisher
from cinemesh.runtime.config import Settings
from cinemesh.runtime.consumer import Consumer
from cinemesh.runtime.jobstore import JobStore
from cinemesh.runtime.processing import Handler
from cinemesh.runtime.server import ServiceHost, configure_logging
from cinemesh.runtime.stage import StageRunner
from cinemesh.runtime.topics import ensure_topics

log = logging.getLogger(__name__)


class ServiceApp:
    """The parts one service process is made of, built from its environment."""

    def __init__(self, service: str, settings: Settings | None = None, asynchronous: bool = False) -> None:
        configure_logging(service)
        self.settings = settings or Settings.from_env(service)
        self.store = JobStore(self.settings.database_url)
        create_schema(self.store.create_schema)
        self.artifacts = ArtifactStore(self.settings.artifacts_url)
        ensure_topics(self.settings.kafka_bootstrap, self.settings.kafka_partitions, self.settings.kafka_security)
        self.publisher = Publisher(self.settings)
        # The gateway serves long-lived streams (WatchJob) on the asyncio host; the stages use the threaded one.
        self.host: ServiceHost | AioServiceHost = (
            AioServiceHost(self.settings) if asynchronous else ServiceHost(self.settings)
        )

    def stage_runner(self, job_state: str | None) -> StageRunner:
        return StageRunner(self.settings.service, self.store, self.publisher, job_state, self.settings.lease_seconds)

    def consume(self, topics: list[str], handler: Handler, runner: StageRunner) -> Consumer:
        consumer = Consumer(self.settings, topics, handler, self.publisher, runner.report_dead_letter)
        self.host.add_background(consumer)
        return consumer


def create_schema(create: Callable[[], None]) -> None:
    """Runs `create` (a metadata.create_all), retrying while other services create theirs at the same time."""
    for attempt in range(5):
        try:
            create()
            return
        except (OperationalError, ProgrammingError) as exc:
            log.info("schema creation raced another service (%s); retrying", exc.__class__.__name__)
            time.sleep(0.2 * (attempt + 1))
    create()
