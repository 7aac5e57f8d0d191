"""B7 results: derived figures, medians, the B7 section of bench/RESULTS.md and the stdout summary."""
from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from pathlib import Path

from bench import detector, report, results
from bench.tables import repetition_table

ROOT = Path(__file__).resolve().parent.parent

# (title, seconds key, value key); values are sessions/s unless the key is "ratio".
HEADLINE = [
    ("Real: detect_missed(uow) in a fresh runtime.uow() per call, until it returns 0", "real_s", "real_sps"),
    ("Naive baseline: ORM-load every session, filter in Python, per due session mark + streak upsert + "
     f"publish, commit every {detector.detector.BATCH}",
     "naive_s", "naive_sps"),
    ("Ratio: real sessions/s / naive sessions/s", None, "ratio"),
]
DETAILS = [
    ("Naive baseline, loading alone: ORM select of every session row", "naive_load_s", None),
    ("Naive baseline, the loop alone: N / (naive - loading)", "naive_loop_s", "naive_loop_sps"),
    ("Seeding: migrate, bulk insert, (VACUUM) ANALYZE, snapshot (not timed against anything)", "seed_s", None),
]


def derive(run: dict[str, float], n: int) -> dict[str, float]:
    d = dict(run, naive_loop_s=run["naive_s"] - run["naive_load_s"])
    for name in ("real", "naive", "naive_loop"):
        d[f"{name}_sps"] = n / d[f"{name}_s"]
    d["ratio"] = d["real_sps"] / d["naive_sps"]
    d["cpu_ratio"] = d["naive_cpu_s"] / d["real_cpu_s"]
    return d


def verdict(ratio: float) -> str:
    return "PASS" if ratio >= detector.TARGET else "FAIL"


def _fmt(key: str, value: float) -> str:
    return f"{value:.2f}x" if key == "ratio" else f"{value:,.0f}"


def _cell(key: str, value: float) -> str:
    return f"{value:.2f}" if key.endswith("_s") else _fmt(key, value)


def _table(title: str, seconds: str | None, value: str | None, rows, median) -> list[str]:
    return repetition_table(title, seconds, value, rows, median, _cell, "sessions/s")


def code_versions() -> list[str]:
    """Per file both paths run: its git blob id as imported by the bench, and how that relates
    to HEAD and to the file now (others may edit it while the bench runs)."""
    lines = []
    for path, data in detector.SOURCES.items():
        name, blob, notes = path.resolve().relative_to(ROOT).as_posix(), _blob(data), []
        try:
            notes.append("as at HEAD" if _git("rev-parse", f"HEAD:{name}") == blob else
                         f"uncommitted changes on HEAD {_git('rev-parse', '--short', 'HEAD')}")
        except (OSError, subprocess.SubprocessError):
            pass
        if path.read_bytes() != data:
            notes.append(f"edited during the run, now blob {_blob(path.read_bytes())[:12]}")
        lines.append(f"{name} git blob {blob[:12]}" + (f" ({'; '.join(notes)})" if notes else ""))
    return lines


def _blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10,
                          check=True).stdout.strip()


def markdown(n: int, command: str, info: dict[str, str], rows, median) -> str:
    first = rows[0]
    lines = ["## B7: missed-session detector", "",
             f"- Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
             f"- Command (from the repository root): `{command}`",
             f"- Due sessions per repetition (N): {n}, among {first['rows']:,.0f} session rows "
             f"(about {n // 4:,} people); repetitions: {len(rows)}; figures below are medians unless per repetition",
             f"- Code measured: {', '.join(code_versions())}",
             *[f"- {name}: {value}" for name, value in info.items()], "",
             "| metric | median |", "|---|---:|",
             *[f"| {t} | {_fmt(v, median[v])}{'' if v == 'ratio' else ' sessions/s'} |" for t, _, v in HEADLINE],
             "", f"**Ratio real/naive: {median['ratio']:.2f}x; target >= {detector.TARGET:.0f}x: "
             f"{verdict(median['ratio'])}** (median of the per-repetition ratios)", "",
             "Per repetition: one seeded, migrated database (N due sessions; 3N scheduled ones not yet due, "
             "some of them inside their grace period; N/2 completed, N/10 cancelled and N/10 already missed "
             "past sessions; N/10 sessions of rhythms expecting no record, missed_after NULL), "
             "VACUUM ANALYZE (ANALYZE on SQLite), then two identical copies of it, one per path; "
             "the order of the paths alternates. The clock is fixed at "
             f"{detector.NOW.isoformat()}.", "",
             "Real: `detect_missed` as found in the file (blob above): per call one transaction that claims "
             f"up to {detector.detector.BATCH} due sessions through ix_sessions_due with FOR UPDATE SKIP LOCKED, "
             "marks them, keeps miss_streaks and writes one outbox row per session through uow.publish. "
             "Naive: the same outcome (identical session rows, streaks and events, checked below) the "
             "straightforward way: one ORM select of every session row, a Python filter for scheduled and "
             "missed_after <= now (sorted by missed_after, id), then per due session status and missed_at, "
             "the streak bumped with the atomic upsert (shared.db.upsert.increment) and re-read into "
             f"consecutive_misses, and uow.publish of the same event; a commit every {detector.detector.BATCH} "
             "sessions, the "
             "detector's transaction size.", "",
             "Checked after every path, outside the timings: exactly the N due sessions are newly missed "
             "(missed_at = the clock), each person's consecutive_misses count on from their streak in "
             "session order (missed_after, id) and miss_streaks add up, exactly N checkin.missed outbox rows "
             "name the N sessions once each with the right key and count, and no other column of any session row changed. "
             f"Real path: {first['real_calls']:.0f} detect_missed calls per repetition "
             "(the last one returns 0).", "",
             "### B7 per repetition", ""]
    for title, seconds, value in HEADLINE + DETAILS:
        lines += _table(title, seconds, value, rows, median)
    lines += ["#### Python CPU time of the bench process per path (excludes the database server), "
              "and the machine's 1-minute load average around the repetition", "",
              "| repetition | real CPU s | naive CPU s | naive/real CPU | load before | load after |",
              "|---|---:|---:|---:|---:|---:|"]
    for index, row in enumerate(rows, 1):
        lines.append(f"| {index} | {row['real_cpu_s']:.2f} | {row['naive_cpu_s']:.2f} | {row['cpu_ratio']:.2f}x "
                     f"| {row['load_before']:.2f} | {row['load_after']:.2f} |")
    lines.append(f"| **median** | **{median['real_cpu_s']:.2f}** | **{median['naive_cpu_s']:.2f}** "
                 f"| **{median['cpu_ratio']:.2f}x** | | |")
    return "\n".join(lines) + "\n"


def write(n: int, command: str, dialect: str, version: str, runs: list[dict[str, float]]) -> str:
    rows = [derive(run, n) for run in runs]
    median = report.medians(rows)
    info = report.machine(dialect, None, broker=False, server_version=version)
    results.update("b7", markdown(n, command, info, rows, median))
    return summary(n, len(rows), median)


def summary(n: int, repeat: int, median: dict[str, float]) -> str:
    return "\n".join([
        f"B7 missed-session detector, N={n}, {repeat} repetition(s), medians:",
        f"  real (detect_missed)  {median['real_sps']:>10,.0f} sessions/s  ({median['real_s']:.2f}s)",
        f"  naive baseline        {median['naive_sps']:>10,.0f} sessions/s  ({median['naive_s']:.2f}s, "
        f"of which loading {median['naive_load_s']:.2f}s)",
        f"  ratio {median['ratio']:.2f}x vs target {detector.TARGET:.0f}x: {verdict(median['ratio'])}",
        f"  written to {results.RESULTS}",
    ])
