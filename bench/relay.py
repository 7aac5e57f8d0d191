"""Benchmark B2, the outbox relay alone: how many events per second OutboxRelay ships from
the checkins outbox to the broker, against a bare KafkaProducer sending the same kind of
records (keys, headers, body size) with the same delivery settings.

Each repetition gets a fresh broker (when the benchmark owns it) and a fresh checkins
database. The outbox is filled first (not timed); then, in an order that alternates per
repetition, (a) the bare producer sends N records and flushes, and (b) the relay runs
publish_batch until the outbox is empty (each batch: claim, send, flush, mark published,
one transaction). Afterwards the bench reads the topic back and checks that every outbox
row arrived exactly once and every row is marked published.
"""
from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bench import baseline, circles, report, results
from bench.pipeline import Options, say
from bench.events import Population, kafka_records
from bench.infra import Databases, broker
from bench.tables import repetition_table
from services.checkins.spec import SPEC as CHECKINS
from shared.messaging.kafka import ensure_topics, make_producer
from shared.messaging.relay import OutboxRelay
from shared.settings import load_settings
from tests.support.kafka_read import read_topic

TARGET = 0.60
TOPIC = "checkins.events"
HEADLINE = [
    ("Baseline: bare KafkaProducer, send all + flush", "produce_s", "produce_eps"),
    ("Relay: OutboxRelay.publish_batch until the outbox is empty", "relay_s", "relay_eps"),
    ("Ratio: relay events/s / baseline events/s", None, "ratio"),
]


def run(options: Options) -> tuple[list[dict[str, float]], str, int]:
    with tempfile.TemporaryDirectory(prefix="circles-bench-b2-") as tmp:
        databases = Databases(options.database_url, Path(tmp))
        say(f"B2: {options.events} events x {options.repeat} repetitions; databases: {databases.dialect}")
        records = kafka_records(Population(options.seed), options.events)
        runs = [_repetition(options, i, databases, records, Path(tmp)) for i in range(options.repeat)]
        return runs, databases.dialect, load_settings(CHECKINS.name).relay_batch_size


def _repetition(options: Options, index: int, databases: Databases, records, tmp: Path) -> dict[str, float]:
    label = f"[{index + 1}/{options.repeat}]"
    with broker(options.bootstrap, tmp / "broker.log") as bootstrap:
        url = databases.fresh(f"checkins_b2_{index}")
        checkins = circles.runtime(CHECKINS, url, bootstrap)
        try:
            circles.write_outbox(checkins, Population(options.seed + 1 + index).checkins(options.events))
            timings = {}
            steps = [("produce_s", lambda: _baseline(bootstrap, records, options.timeout)),
                     ("relay_s", lambda: _relay(checkins))]
            for key, step in (steps if index % 2 == 0 else steps[::-1]):
                timings[key] = step()
            _check(checkins, bootstrap, options)
        finally:
            checkins.dispose()
            databases.drop(url)
    say(f"{label} baseline produce {timings['produce_s']:.2f}s, relay {timings['relay_s']:.2f}s")
    return timings


def _baseline(bootstrap: str, records, timeout: float) -> float:
    topic = f"bench.b2.{time.time_ns()}"
    ensure_topics(bootstrap, [topic], baseline.PARTITIONS)
    return baseline.produce(bootstrap, topic, records, timeout)


def _relay(checkins) -> float:
    producer = make_producer(checkins.settings)
    relay = OutboxRelay(checkins.engine, CHECKINS.outbox, producer, checkins.clock, CHECKINS.name,
                        batch_size=checkins.settings.relay_batch_size)
    try:
        started = time.perf_counter()
        while relay.publish_batch():
            pass
        return time.perf_counter() - started
    finally:
        producer.close(timeout=5)


def _check(checkins, bootstrap: str, options: Options) -> None:
    """Every outbox row published and on the topic exactly once (outside the timings)."""
    outbox = CHECKINS.outbox
    with checkins.engine.connect() as conn:
        ids = set(conn.scalars(select(outbox.c.event_id)))
        unpublished = conn.execute(select(func.count()).where(outbox.c.published_at.is_(None))).scalar_one()
    on_topic = [dict(r.headers).get("ce_id", b"").decode() for r in read_topic(bootstrap, TOPIC, options.timeout)]
    if options.bootstrap:  # a shared broker holds other runs' events too
        on_topic = [event_id for event_id in on_topic if event_id in ids]
    if unpublished or len(ids) != options.events or sorted(on_topic) != sorted(ids):
        raise RuntimeError(f"B2 check failed: {len(ids)} outbox rows, {unpublished} unpublished, "
                           f"{len(on_topic)} records on {TOPIC} ({len(set(on_topic))} distinct)")


def derive(run: dict[str, float], n: int) -> dict[str, float]:
    d = dict(run, produce_eps=n / run["produce_s"], relay_eps=n / run["relay_s"])
    d["ratio"] = d["relay_eps"] / d["produce_eps"]
    return d


def verdict(ratio: float) -> str:
    return "PASS" if ratio >= TARGET else "FAIL"


def _fmt(key: str, value: float) -> str:
    return f"{value:.2f}" if key.endswith("_s") else f"{value:.3f}" if key == "ratio" else f"{value:,.0f}"


def markdown(options: Options, command: str, info: dict[str, str], relay_batch: int, rows, median) -> str:
    lines = ["## B2: outbox relay", "",
             f"- Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
             f"- Command (from the repository root): `{command}`",
             f"- Events per repetition (N): {options.events}; repetitions: {len(rows)}; relay batch "
             f"(RELAY_BATCH_SIZE): {relay_batch}; figures below are medians unless per repetition",
             *[f"- {name}: {value}" for name, value in info.items()], "",
             "| metric | median |", "|---|---:|",
             *[f"| {t} | {_fmt(v, median[v])}{'' if v == 'ratio' else ' events/s'} |" for t, _, v in HEADLINE],
             "", f"**Ratio relay/baseline: {median['ratio']:.3f}; target >= {TARGET:.2f}: {verdict(median['ratio'])}** "
             "(median of the per-repetition ratios; every check passed)", "",
             "Both send with shared.messaging.kafka's producer settings (acks=all, one request in flight). The "
             "baseline sends every record and flushes once; the relay reads a batch from the database, sends it, "
             "waits for the broker's acknowledgements and marks the rows published before the next batch. The "
             "two alternate in order per repetition. Checked after each repetition, outside the timings: every "
             "outbox row is marked published and its event id is on the topic exactly once.", "",
             "### B2 per repetition", ""]
    for title, seconds, value in HEADLINE:
        lines += repetition_table(title, seconds, value, rows, median, _fmt, "events/s")
    return "\n".join(lines)


def write(options: Options, command: str, dialect: str, relay_batch: int, runs) -> str:
    rows = [derive(run, options.events) for run in runs]
    median = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
    results.update("b2", markdown(options, command, report.machine(dialect, options.bootstrap), relay_batch,
                                  rows, median))
    return (f"B2 outbox relay, N={options.events}: baseline {median['produce_eps']:,.0f} events/s, relay "
            f"{median['relay_eps']:,.0f} events/s, ratio {median['ratio']:.3f} vs target {TARGET:.2f}: "
            f"{verdict(median['ratio'])}\n  written to {results.RESULTS}")
