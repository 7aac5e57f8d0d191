"""A service's worker process: its outbox relay plus its consumers, one thread each.

SIGTERM or SIGINT sets a stop flag; each loop finishes the record or batch in hand,
commits, and exits, and the process closes its Kafka clients before it ends.
"""
from __future__ import annotations

import dataclasses
import functools
import logging
import os
import signal
import threading

from kafka.errors import KafkaError
from prometheus_client import REGISTRY, start_http_server

from shared.db.housekeeping import housekeeping_job
from shared.events import catalogue, dlq_topic_for, topic_for
from shared.jobs import run_forever
from shared.logs import configure_logging
from shared.messaging.consumer import ConsumerLoop
from shared.messaging.kafka import broker_reachable, ensure_topics, make_consumer, make_producer
from shared.messaging.relay import OutboxRelay
from shared.privacy.sweep import sweep_job
from shared.runtime import Runtime
from shared.settings import require_real_secret

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, runtime: Runtime, stop: threading.Event | None = None):
        self.runtime = runtime
        self.stop = stop or threading.Event()
        settings = runtime.settings
        self.producer = make_producer(settings)
        self.relay = OutboxRelay(
            runtime.engine, runtime.spec.outbox, self.producer, runtime.clock, runtime.spec.name,
            batch_size=settings.relay_batch_size, idle_seconds=settings.relay_idle_seconds,
        )
        self.consumers = [
            ConsumerLoop(
                subscription, runtime.spec.name,
                consumer_factory=lambda group: make_consumer(settings, group),
                producer=self.producer, uow_factory=runtime.uow, processed=runtime.spec.processed,
                max_retries=settings.consumer_max_retries, backoff_seconds=settings.consumer_backoff_seconds,
            )
            for subscription in runtime.spec.subscriptions(runtime)
        ]
        spec = runtime.spec
        jobs = [*spec.jobs(runtime), sweep_job(spec.name, spec.outbox),
                housekeeping_job(spec.name, spec.outbox, spec.processed, settings)]
        self.jobs = [dataclasses.replace(job, every_seconds=settings.jobs_every_seconds or job.every_seconds)
                     for job in jobs]
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        loops = [("relay", self.relay.run)] + [(c.name, c.run) for c in self.consumers]
        loops += [(job.name, functools.partial(run_forever, job, self.runtime.uow)) for job in self.jobs]
        for name, target in loops:
            thread = threading.Thread(target=self._guarded, args=(name, target), name=name, daemon=True)
            thread.start()
            self.threads.append(thread)

    def _guarded(self, name: str, target) -> None:
        # A loop that dies unexpectedly is restarted after a pause rather than silently lost.
        while not self.stop.is_set():
            try:
                target(self.stop)
            except Exception:  # noqa: BLE001
                log.exception("%s loop crashed; restarting", name)
                self.stop.wait(2)

    def shutdown(self, timeout: float = 20) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)
        self.producer.close(timeout=5)
        self.runtime.dispose()


def _wait_for_broker(runtime: Runtime, stop: threading.Event) -> bool:
    """Workers may start before the broker (a fresh `make dev`, a Kafka restart)."""
    while not stop.is_set():
        if broker_reachable(runtime.settings.kafka_bootstrap_servers):
            return True
        log.info("waiting for the broker")
        stop.wait(1)
    return False


def worker_topics(worker: "Worker") -> list[str]:
    """The topics a worker writes or reads: its own, those it consumes, and their
    dead-letter twins (it dead-letters what it cannot consume)."""
    name = worker.runtime.spec.name
    own = {topic_for(name)} | {t.topic for t in catalogue.all_types() if t.service == name}
    consumed = {topic for consumer in worker.consumers for topic in consumer.subscription.topics}
    return sorted({t for topic in own | consumed for t in (topic, dlq_topic_for(topic))})


def _ensure_topics(worker: "Worker") -> None:
    """Create missing topics with the configured partitions and replication. Where the
    operator manages topics (a managed Kafka without create rights), say so and go on."""
    settings = worker.runtime.settings
    try:
        ensure_topics(settings.kafka_bootstrap_servers, worker_topics(worker), settings.kafka_topic_partitions,
                      settings.kafka_replication_factor)
    except KafkaError:
        log.warning("could not create topics; expecting them to exist", exc_info=True)


def serve_worker_metrics(registry=REGISTRY) -> None:
    """/metrics on WORKER_METRICS_PORT (address WORKER_METRICS_ADDR, default 127.0.0.1), when it is set."""
    port = os.environ.get("WORKER_METRICS_PORT")
    if port:
        start_http_server(int(port), addr=os.environ.get("WORKER_METRICS_ADDR", "127.0.0.1"), registry=registry)


def start_worker(runtime: Runtime, stop: threading.Event) -> Worker | None:
    """Wait for the broker, create the worker's topics and start its threads; None if `stop`
    was set while waiting."""
    if not _wait_for_broker(runtime, stop):
        return None
    worker = Worker(runtime, stop)
    _ensure_topics(worker)
    worker.start()
    log.info("worker started", extra={"fields": {"consumers": [c.name for c in worker.consumers],
                                                  "jobs": [job.name for job in worker.jobs]}})
    return worker


def stop_worker(worker: Worker) -> None:
    log.info("worker stopping")
    worker.shutdown()
    log.info("worker stopped")


def run_worker(runtime: Runtime) -> None:
    require_real_secret(runtime.settings)
    configure_logging(runtime.spec.name, runtime.settings.log_level)
    serve_worker_metrics()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    worker = start_worker(runtime, stop)
    if worker is None:
        return
    worker.stop.wait()
    stop_worker(worker)
