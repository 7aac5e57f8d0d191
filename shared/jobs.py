"""Scheduled jobs run by a service's worker: a function called every N seconds, and again
at once while it still finds work (so a backlog drains at full speed).

Jobs read the time from the runtime's injectable clock, so a test can move the clock by
days and call `run_once` instead of waiting. A job must be safe to run twice at once
(two worker replicas): make it claim its rows in the same transaction it acts in.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Callable

from shared.db.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    # Called with a fresh unit of work; returns how many things it acted on.
    run_once: Callable[[UnitOfWork], int]


def run_forever(job: Job, uow_factory: Callable[[], UnitOfWork], stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            with uow_factory() as uow:
                done = job.run_once(uow)
            if done:
                log.info("job %s acted on %d item(s)", job.name, done)
                continue  # a backlog (say, after downtime) drains at full speed, not a batch a tick
        except Exception:  # noqa: BLE001 - the next tick retries; the rows are still there
            log.exception("job %s failed; retrying next tick", job.name)
        stop.wait(job.every_seconds)
