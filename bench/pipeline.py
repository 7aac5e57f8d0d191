"""Benchmark B1, the event pipeline: how many check-in events per second Circles moves
from the checkins outbox into the reporting projection, against a bare-Kafka ceiling.

Each repetition gets a fresh broker (when the benchmark owns it) and fresh databases:
  (a) baseline: bare KafkaProducer -> topic (3 partitions) -> bare KafkaConsumer (assign());
  (b) Circles: outbox write (timed alone), then relay + consumer loop until the projection
      holds all N events (timed together, consumer group join included).
"""
from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

from bench import baseline, circles
from bench.events import Population, kafka_records
from bench.infra import Databases, broker


@dataclasses.dataclass(frozen=True)
class Options:
    events: int
    repeat: int
    database_url: str | None
    bootstrap: str | None
    seed: int = 1

    @property
    def timeout(self) -> float:
        """Per phase: generous, so only a stuck pipeline times out."""
        return 120 + self.events * 0.05


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(options: Options) -> tuple[list[dict[str, float]], str]:
    """Run every repetition; return the raw timings per repetition and the database dialect."""
    with tempfile.TemporaryDirectory(prefix="circles-bench-") as tmp:
        tmp_dir = Path(tmp)
        databases = Databases(options.database_url, tmp_dir)
        say(f"B1: {options.events} events x {options.repeat} repetitions; databases: {databases.dialect}")
        records = kafka_records(Population(options.seed), options.events)
        runs = [repetition(options, index, databases, records, tmp_dir) for index in range(options.repeat)]
        return runs, databases.dialect


def repetition(options: Options, index: int, databases: Databases, records, tmp_dir: Path) -> dict[str, float]:
    label = f"{index + 1}/{options.repeat}"
    started = time.perf_counter()
    with broker(options.bootstrap, tmp_dir / "broker.log") as bootstrap:
        say(f"[{label}] broker {bootstrap} ready after {time.perf_counter() - started:.1f}s; baseline")
        result = baseline.run(bootstrap, records, options.timeout)
        say(f"[{label}] baseline produce {result['produce_s']:.2f}s, consume {result['consume_s']:.2f}s; "
            "Circles pipeline")
        result.update(_circles(options, index, databases, bootstrap))
    say(f"[{label}] outbox write {result['outbox_s']:.2f}s, pipeline {result['pipeline_s']:.2f}s "
        f"(first event projected after {result['first_projected_s']:.2f}s, relay drained after "
        f"{result['relay_s']:.2f}s)")
    return result


def _circles(options: Options, index: int, databases: Databases, bootstrap: str) -> dict[str, float]:
    urls = []
    try:
        urls.append(databases.fresh(f"checkins_{index}"))
        urls.append(databases.fresh(f"reporting_{index}"))
        return circles.run(bootstrap, urls[0], urls[1], options.events, options.seed + 1 + index,
                           external_broker=options.bootstrap is not None, timeout=options.timeout)
    finally:
        for url in urls:
            databases.drop(url)
