"""Benchmark B5, projection replay: how many events per second the reporting service's
replay (services/reporting/projection/replay.py) rebuilds its projections from, against a
bare consumer reading the same events from the same broker in the same run.

One broker for the whole run (embedded Tansu on a free port unless --bootstrap), and one
history on it: N events on people.events, checkins.events, notifications.events and
resources.events, produced once before the first repetition (bench/replay_history.py;
setup, not timed). Every repetition reads those topics from the start with fresh consumer
groups, in alternating order:
  baseline: a bare kafka-python KafkaConsumer in a fresh group, subscribe() to the four
            topics (the replay's way, group join included), the replay's fetch settings,
            poll(500 ms, max_records=5000) until it has N records, doing nothing with them;
  replay:   a fresh, migrated reporting database, then Replay(engine, consumer, clock).run()
            with a consumer made as `python -m services.reporting replay` makes it
            (make_consumer, fresh group, not yet subscribed): fresh tables, every event
            decoded, validated, claimed and applied, a commit per poll batch, the swap.
Events/s = N / seconds, the replay's seconds being its own report's (run() start to the
swap's commit). After each replay, outside the timing, the database is checked: the report
counts N records, all applied; every projection table holds the rows the history implies.
Finally, one smaller replay (--replay-profile-events, 100,000 by default) runs under cProfile
on its own broker, to show where the replay's time goes.
"""
from __future__ import annotations

import cProfile
import dataclasses
import datetime as dt
import io
import os
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path

from kafka import KafkaConsumer
from sqlalchemy import func, select

from bench.infra import Databases, broker
from bench.replay_history import History, produce
from services.reporting.db import LIVE
from services.reporting.projection import handlers as projection_handlers
from services.reporting.projection import replay as replay_module
from services.reporting.projection import store as store_module
from services.reporting.projection.replay import TOPICS, Replay
from services.reporting.spec import SPEC
from shared.clock import FixedClock
from shared.db.migrations import upgrade
from shared.events import catalogue, envelope
from shared.messaging.kafka import bootstrap_list, make_consumer
from shared.runtime import Runtime
from shared.settings import load_settings

TARGET = 0.30
NOW = dt.datetime(2026, 11, 1, 6, tzinfo=dt.timezone.utc)  # the replay's clock (the swap's time)
# The replay command's consumer (replay_command in replay.py); the baseline fetches the same way.
FETCH = dict(max_poll_records=5000, fetch_max_bytes=64 * 1024 * 1024, max_partition_fetch_bytes=16 * 1024 * 1024)
POLL_RECORDS = 5000
# The code the replay runs, as imported (the files may be edited while the bench runs).
SOURCES = {Path(m.__file__): Path(m.__file__).read_bytes()
           for m in (replay_module, store_module, projection_handlers, envelope, catalogue)}


class VerificationError(AssertionError):
    """The replay left projections that do not match the history."""


@dataclasses.dataclass(frozen=True)
class Options:
    events: int
    repeat: int
    database_url: str | None
    bootstrap: str | None
    profile_events: int = 100000
    seed: int = 5

    @property
    def timeout(self) -> float:
        return 300 + self.events * 0.02


@dataclasses.dataclass
class Outcome:
    runs: list[dict[str, float]]
    dialect: str
    version: str
    history: dict  # production figures and the expected projection
    profile: dict | None
    problems: list[list[str]] = dataclasses.field(default_factory=list)  # per repetition: failed checks


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(options: Options) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="circles-bench-b5-") as tmp:
        tmp_dir = Path(tmp)
        databases = Databases(options.database_url, tmp_dir)
        version = databases.server_version()
        say(f"B5: replay of {options.events} events x {options.repeat} repetitions; databases: "
            f"{databases.dialect} ({version})")
        with broker(options.bootstrap, tmp_dir / "broker.log") as bootstrap:
            history = _produce(bootstrap, options.events, options.seed, options.timeout, "B5")
            runs, problems = [], []
            for index in range(options.repeat):
                result, found = repetition(options, index, databases, bootstrap, history)
                runs.append(result)
                problems.append(found)
        profile = None
        if options.profile_events:
            profile = profiled(options, databases, tmp_dir)
        return Outcome(runs, databases.dialect, version, history, profile, problems)


def _produce(bootstrap: str, events: int, seed: int, timeout: float, label: str) -> dict:
    history = History(events, seed)
    say(f"{label}: producing the history ({history.expected.persons} people) to {bootstrap}")
    started = time.perf_counter()
    produced = produce(bootstrap, history, timeout)
    expected = history.expected
    if expected.events != events:
        raise VerificationError(f"the history has {expected.events} events, not {events}")
    say(f"{label}: produced {events} events in {produced['produce_s']:.1f}s "
        f"({events / produced['produce_s']:,.0f} events/s, generation included; "
        f"{time.perf_counter() - started:.1f}s with the checks)")
    return {**produced, "expected": expected}


def repetition(options: Options, index: int, databases: Databases, bootstrap: str,
               history: dict) -> tuple[dict[str, float], list[str]]:
    """The repetition's figures, and the checks the replay failed (reported, not raised, so a
    long run keeps its figures)."""
    label = f"[{index + 1}/{options.repeat}]"
    result: dict[str, float] = {"load_before": os.getloadavg()[0]}
    problems: list[str] = []
    order = ("baseline", "replay") if index % 2 == 0 else ("replay", "baseline")
    for path in order:
        if path == "baseline":
            result.update(baseline(bootstrap, options.events, options.timeout, label))
            say(f"{label} baseline: {options.events} records in {result['baseline_s']:.2f}s "
                f"({options.events / result['baseline_s']:,.0f} events/s; first records after "
                f"{result['baseline_first_s']:.2f}s)")
        else:
            figures, problems = replay(databases, f"b5_{index}", bootstrap, history["expected"], label)
            result.update(figures)
            say(f"{label} replay: {options.events} events in {result['replay_s']:.2f}s "
                f"({options.events / result['replay_s']:,.0f} events/s; {result['replay_poll_s']:.2f}s of it "
                f"in consumer.poll); " + ("verified" if not problems else "CHECKS FAILED: " + "; ".join(problems)))
    result["load_after"] = os.getloadavg()[0]
    result["baseline_first"] = float(order[0] == "baseline")
    return result, problems


PROGRESS_EVERY = 250000


def baseline(bootstrap: str, expected: int, timeout: float, label: str = "") -> dict[str, float]:
    """A bare consumer in a fresh group reads the four topics from the start until it has N."""
    settings = load_settings(SPEC.name)
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_list(bootstrap), client_id="bench-b5-baseline",
        group_id=f"bench.b5.baseline.{uuid.uuid4().hex[:8]}", enable_auto_commit=False,
        auto_offset_reset="earliest", session_timeout_ms=settings.kafka_session_timeout_ms,
        heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms, fetch_max_wait_ms=200, **FETCH)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        deadline = started + timeout
        consumer.subscribe(TOPICS)
        seen, first = 0, None
        while seen < expected:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"B5 baseline: read {seen} of {expected} records")
            batch = consumer.poll(timeout_ms=500, max_records=POLL_RECORDS)
            got = sum(len(records) for records in batch.values())
            if got and first is None:
                first = time.perf_counter() - started
            if seen // PROGRESS_EVERY != (seen + got) // PROGRESS_EVERY:
                say(f"{label} baseline: {seen + got:,} records after {time.perf_counter() - started:.0f}s")
            seen += got
        elapsed = time.perf_counter() - started
        if seen != expected:
            raise VerificationError(f"B5 baseline read {seen} records, the history has {expected}")
        return {"baseline_s": elapsed, "baseline_cpu_s": time.process_time() - cpu, "baseline_first_s": first}
    finally:
        consumer.close(autocommit=False)


class TimedConsumer:
    """The replay's consumer, unchanged, with the time spent in poll() (fetching and parsing
    records in kafka-python, waiting for the broker) and the time of the first records."""

    def __init__(self, consumer: KafkaConsumer, label: str = ""):
        self._consumer = consumer
        self.label = label
        self.poll_s = 0.0
        self.records = 0
        self.started = time.perf_counter()
        self.first_at: float | None = None

    def poll(self, *args, **kwargs):
        started = time.perf_counter()
        batch = self._consumer.poll(*args, **kwargs)
        now = time.perf_counter()
        self.poll_s += now - started
        if batch:
            if self.first_at is None:
                self.first_at = now
            got = sum(len(records) for records in batch.values())
            if self.records // PROGRESS_EVERY != (self.records + got) // PROGRESS_EVERY:
                say(f"{self.label} replay: {self.records + got:,} records polled after {now - self.started:.0f}s")
            self.records += got
        return batch

    def __getattr__(self, name):
        return getattr(self._consumer, name)


def _runtime(databases: Databases, label: str, bootstrap: str) -> Runtime:
    url = databases.fresh(label)
    upgrade(SPEC.migrations_dir, url)
    settings = load_settings(SPEC.name).with_overrides(database_url=url, kafka_bootstrap_servers=bootstrap)
    runtime = Runtime(SPEC, settings, clock=FixedClock(NOW))
    with runtime.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    return runtime


def _replay_consumer(runtime: Runtime) -> KafkaConsumer:
    """As replay_command makes it: a fresh group, the replay's fetch sizes, not yet subscribed."""
    return make_consumer(runtime.settings, f"reporting.replay.{uuid.uuid4().hex[:8]}", **FETCH)


def replay(databases: Databases, label: str, bootstrap: str, expected,
           progress: str = "") -> tuple[dict[str, float], list[str]]:
    runtime = _runtime(databases, label, bootstrap)
    try:
        consumer = TimedConsumer(_replay_consumer(runtime), progress)
        cpu = time.process_time()
        consumer.started = time.perf_counter()
        report = Replay(runtime.engine, consumer, runtime.clock).run()
        cpu = time.process_time() - cpu
        problems = verify(runtime, report, expected)
        return {"replay_s": report.seconds, "replay_cpu_s": cpu, "replay_poll_s": consumer.poll_s,
                "replay_first_s": (consumer.first_at or consumer.started) - consumer.started,
                "replay_records": report.records, "replay_applied": report.applied,
                "replay_duplicates": report.duplicates, "replay_generation": report.generation}, problems
    finally:
        runtime.dispose()
        databases.drop(runtime.settings.database_url)


def verify(runtime: Runtime, report, expected) -> list[str]:
    """What does not match the history (empty when everything does)."""
    problems = []
    n = expected.events
    if report.records != n or report.applied + report.duplicates + report.ignored != n:
        problems.append(f"report: {report.records} records, {report.applied} applied + {report.duplicates} "
                        f"duplicates + {report.ignored} ignored, expected {n} all applied")
    if report.generation != 2:
        problems.append(f"report: generation {report.generation}, expected 2 (the first swap on a fresh database)")
    if report.duplicates or report.ignored or report.poison:
        problems.append(f"report: {report.duplicates} duplicates, {report.ignored} ignored, {report.poison} poison; "
                        "the history has none")
    with runtime.engine.connect() as conn:
        for name, rows in expected.rows.items():
            found = conn.scalar(select(func.count()).select_from(LIVE.by_name(name)))
            if found != rows:
                problems.append(f"{LIVE.by_name(name).name}: {found} rows, the history implies {rows}")
        daily = LIVE.daily_counts
        sums = dict(conn.execute(select(daily.c.metric, func.sum(daily.c.value)).group_by(daily.c.metric)).all())
        if sums != dict(expected.daily_sums):
            problems.append(f"rp_daily_counts sums {sums}, the history implies {dict(expected.daily_sums)}")
    return problems


# --- the profile -------------------------------------------------------------------------

# (category, how to find its functions in the profile: file name ending, function names)
CATEGORIES = [
    ("kafka: consumer.poll (fetch, parse records; waiting for the broker)", "replay.py", None, "poll"),
    ("of which CRC-32C checks of the record batches (kafka-python's validate_crc)", "default_records.py",
     ("validate_crc",), None),
    ("decode: envelope from_kafka (headers, JSON body)", "envelope.py", ("from_kafka",), None),
    ("validate: load_data (marshmallow schema.load)", "catalogue.py", ("load_data",), None),
    ("claim: SqlStore.claim (select seen ids, insert applied_events)", "store.py", ("claim",), None),
    ("handlers: the projection functions (store.put/bump buffering)", "handlers.py", "HANDLERS", None),
    ("SQL flush: SqlStore.flush (upserts, executemany per table and shape)", "store.py", ("flush",), None),
    ("commit: Session.commit per poll batch", "session.py", ("commit",), None),
    ("swap: lock the generation row, catch up, rename tables", "replay.py", ("_swap",), None),
    ("create fresh tables", "schema.py", ("create",), None),
]


def profiled(options: Options, databases: Databases, tmp_dir: Path) -> dict:
    """One replay under cProfile: its own broker and history of min(N, profile_events) events
    (the run's broker and history when --bootstrap names an external one)."""
    events = min(options.events, options.profile_events)
    own_broker = options.bootstrap is None
    if not own_broker:
        events = options.events
    with broker(options.bootstrap, tmp_dir / "broker-profile.log") as bootstrap:
        if own_broker:
            _produce(bootstrap, events, options.seed, options.timeout, "B5 profile")
        runtime = _runtime(databases, "b5_profile", bootstrap)
        try:
            consumer = _replay_consumer(runtime)
            profiler = cProfile.Profile()
            profiler.enable()
            report = Replay(runtime.engine, consumer, runtime.clock).run()
            profiler.disable()
        finally:
            runtime.dispose()
            databases.drop(runtime.settings.database_url)
    say(f"B5 profile: {events} events in {report.seconds:.2f}s under cProfile "
        f"({events / report.seconds:,.0f} events/s)")
    return {"events": events, "seconds": report.seconds, **summarise(profiler)}


def summarise(profiler: cProfile.Profile, top: int = 18) -> dict:
    stats = pstats.Stats(profiler)
    entries = stats.stats  # {(file, line, function): (primitive calls, calls, own s, cumulative s, callers)}
    run_key = next((k for k in entries if k[0].endswith("projection/replay.py") and k[2] == "run"), None)
    total = entries[run_key][3] if run_key else sum(tt for _, _, tt, _, _ in entries.values())
    handler_codes = {(h.__code__.co_filename, h.__code__.co_firstlineno, h.__code__.co_name)
                     for h in projection_handlers.HANDLERS.values()}
    categories = []
    for title, file_end, names, caller_name in CATEGORIES:
        if names == "HANDLERS":
            seconds = sum(entries[k][3] for k in handler_codes if k in entries)
            calls = sum(entries[k][1] for k in handler_codes if k in entries)
        elif caller_name == "poll":  # KafkaConsumer.poll as called by the replay
            keys = [k for k in entries if k[2] == "poll" and k[0].endswith(("kafka/consumer/group.py",))]
            seconds = sum(entries[k][3] for k in keys)
            calls = sum(entries[k][1] for k in keys)
        else:
            keys = [k for k in entries if k[0].endswith(file_end) and k[2] in names
                    and ("sqlalchemy" in k[0]) == (file_end in ("session.py", "schema.py"))]
            seconds = sum(entries[k][3] for k in keys)
            calls = sum(entries[k][1] for k in keys)
        categories.append({"title": title, "seconds": seconds, "calls": calls})
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    root = str(Path(__file__).resolve().parent.parent) + "/"
    listing = [line.replace(root, "").replace(sys.prefix + "/", "").replace(sys.base_prefix + "/", "")
               for line in lines[start:]]
    return {"total_s": total, "categories": categories, "listing": listing}
