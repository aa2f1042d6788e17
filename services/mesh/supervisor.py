"""Keeps the embedded broker running: restarts it on the same address when it dies.

`python -m cinemesh.mesh.supervisor STATE_DIR`, started by `cinemesh up` and
stopped first by `cinemesh down`. The embedded broker keeps records in memory,
so a restarted one is empty: the supervisor creates the topics again and the
gateway's reconciler re-drives the jobs whose records were lost.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from cinemesh.mesh.launcher import MeshInfo, _alive, _wait_for_port, broker_argv
from cinemesh.runtime.topics import ensure_topics

log = logging.getLogger("cinemesh.supervisor")
CHECK_SECONDS = 0.5


def supervise(state_dir: Path) -> None:
    stopping = False

    def on_signal(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stopping:
        time.sleep(CHECK_SECONDS)
        info = MeshInfo.load(state_dir)
        if info is None:
            return  # `cinemesh down` removed the mesh
        if _alive(info.broker_pid):
            continue
        log.error("broker (pid %d) is gone; restarting it on %s", info.broker_pid, info.kafka_bootstrap)
        with (state_dir / "logs" / "broker.log").open("ab") as out:
            broker = subprocess.Popen(
                broker_argv(info.kafka_bootstrap),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                stdin=subprocess.DEVNULL,
            )
        port = int(info.kafka_bootstrap.rsplit(":", 1)[1])
        _wait_for_port(port, time.monotonic() + 30, "broker")
        ensure_topics(info.kafka_bootstrap, partitions=info.kafka_partitions)
        info.update(broker_pid=broker.pid)
        log.info("broker restarted as pid %d with its topics", broker.pid)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s supervisor %(levelname)s: %(message)s")
    logging.getLogger("kafka").setLevel(logging.WARNING)
    supervise(Path(sys.argv[1]))
    os._exit(0)


if __name__ == "__main__":
    main()
