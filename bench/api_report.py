"""B3 results: the saturation knee, medians, the verdict, the B3 section of bench/RESULTS.md
and the stdout summary. Pure functions of the figures bench/api.py gathered."""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import statistics
import subprocess
from pathlib import Path

from bench import report, results  # noqa: F401 - bench/api.py writes through api_report.results
from bench.tables import repetition_table

TARGET = 0.40
GAIN = 0.10  # requests/s that rise by less than this from one tried count to the next have stopped rising
ROOT = Path(__file__).resolve().parents[1]
# The request's path through Circles code: recorded per run, as others may be editing them.
SOURCES = ("services/checkins/api/checkins.py", "services/checkins/api/schemas.py",
           "services/checkins/usecases/checkins.py", "services/checkins/usecases/sessions.py",
           "shared/web/app.py", "shared/web/auth.py", "shared/db/uow.py", "shared/db/engine.py",
           "shared/web/gunicorn_conf.py")


def snapshot() -> dict[str, bytes]:
    """The measured files as the run starts (gunicorn imports them from disk at each start)."""
    return {name: (ROOT / name).read_bytes() for name in SOURCES}


def code_versions(before: dict[str, bytes]) -> str:
    """Each file's git blob id at the start, how it relates to HEAD, and whether it changed during the run."""
    parts = []
    for name, data in before.items():
        blob = _blob(data)
        head = subprocess.run(["git", "rev-parse", f"HEAD:{name}"], cwd=ROOT, capture_output=True, text=True).stdout
        notes = ["as at HEAD" if head.strip() == blob else "uncommitted changes"]
        if (ROOT / name).read_bytes() != data:
            notes.append(f"edited during the run, now {_blob((ROOT / name).read_bytes())[:12]}")
        parts.append(f"{name} {blob[:12]} ({'; '.join(notes)})")
    return ", ".join(parts)


def _blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def knee(points: dict[int, dict]) -> int:
    """The connection count where requests/s stops rising: the first whose next (larger) count
    adds less than GAIN; the largest tried if each one still added more."""
    counts = sorted(points)
    for count, following in zip(counts, counts[1:]):
        if points[following]["rps"] < (1 + GAIN) * points[count]["rps"]:
            return count
    return counts[-1]


def verdict(ratio: float) -> str:
    return "PASS" if ratio >= TARGET else "FAIL"


def rows(runs: list[dict]) -> list[dict]:
    """Per repetition: requests/s, p50 and p99 (ms) of both sides and their ratio."""
    return [{"real_rps": r["real"]["rps"], "real_p50": r["real"]["p50"] * 1000, "real_p99": r["real"]["p99"] * 1000,
             "bare_rps": r["bare"]["rps"], "bare_p50": r["bare"]["p50"] * 1000, "bare_p99": r["bare"]["p99"] * 1000,
             "ratio": r["real"]["rps"] / r["bare"]["rps"]} for r in runs]


def medians(table: list[dict]) -> dict:
    """Medians per column; the ratio is the median of the per-repetition ratios."""
    return {key: statistics.median(row[key] for row in table) for key in table[0]}


def _cell(key: str, value: float) -> str:
    return f"{value:.3f}" if key == "ratio" else f"{value:,.1f}" if key.endswith(("_p50", "_p99")) else f"{value:,.0f}"


def markdown(args, command: str, connections: int, found: dict | None, runs: list[dict], profile: dict | None,
             wrk_version: str, dialect: str, server_version: str, sources: dict[str, bytes]) -> str:
    table = rows(runs)
    med = medians(table)
    config = runs[0]["config"]
    threads = min(args.threads, connections)
    info = report.machine(dialect, None, broker=False, server_version=server_version)
    lines = [
        "## B3: check-in write API", "",
        f"- Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- Command (from the repository root): `{command}`",
        "- Real: `POST /checkins` of the check-ins app (services/checkins/api/checkins.py): JWT bearer auth "
        "(a peer worker's token from shared.auth.mint_token), CheckinIn schema validation, then in one transaction "
        "the check-in row and its checkin.completed outbox row; answered 201 with the record. Fresh migrated "
        "database per repetition, 200 persons seeded through check-ins' people-feed handlers, each request "
        "about the next person",
        "- Baseline: bench/bare_app.py, one Flask route answering the same POST with a constant JSON (201)",
        f"- gunicorn {importlib.metadata.version('gunicorn')}, for both: `gunicorn -c python:shared.web.gunicorn_conf "
        f"--bind 127.0.0.1:<free port> '<app>'` (the web command of the Dockerfile and deploy/k8s, bound to a "
        "free loopback port); from shared/web/gunicorn_conf.py: "
        f"workers {config['workers']}, threads {config['threads']}, worker_class {config['worker_class']}, "
        f"keepalive {config['keepalive']} s; LOG_LEVEL INFO (the app's JSON access line to a file), "
        "Prometheus multiprocess files in a temp folder; no broker (the web app only writes the outbox)",
        f"- Load tool: {wrk_version}, for both: `wrk -t{threads} -c{connections} -d{args.duration}s --latency "
        f"--timeout 10s -s b3.lua http://127.0.0.1:<port>/checkins` after a {args.warmup} s warm-up with the "
        "same settings; the same Lua script (POST, Content-Type and Authorization headers, a valid check-in body)",
        f"- Repetitions: {len(runs)}, each starting both apps afresh, the order alternating (real first in odd "
        "repetitions, baseline first in even ones); figures are medians unless per repetition",
        f"- Code measured (git blob): {code_versions(sources)}",
        *[f"- {name}: {value}" for name, value in info.items()],
        "- Load average (1 min) before/after each repetition: "
        + ", ".join(f"{r['load_before']:.1f}/{r['load_after']:.1f}" for r in runs)
        + " (the machine is shared: other work running at the same time shows here)", "",
        *_saturation(found, connections, args), "",
        "| side | requests/s | p50 ms | p99 ms |", "|---|---:|---:|---:|",
        f"| Real: POST /checkins (auth, validation, check-in row + outbox row) | {med['real_rps']:,.0f} | "
        f"{med['real_p50']:.1f} | {med['real_p99']:.1f} |",
        f"| Baseline: bare Flask route returning a constant | {med['bare_rps']:,.0f} | {med['bare_p50']:.1f} | "
        f"{med['bare_p99']:.1f} |", "",
        f"**Ratio real/baseline requests/s: {med['ratio']:.3f}; target >= {TARGET:.2f}: {verdict(med['ratio'])}** "
        "(median of the per-repetition ratios)", "",
        "Checks after every wrk run, warm-ups and search points included (a failed check aborts the run, no "
        "figures written): wrk's `Non-2xx or 3xx responses` and socket errors are 0, gunicorn is still up; for "
        "the real app, once the row counts are stable, the new check-in rows number at least the requests wrk "
        "completed and at most that plus the connections (requests in flight when wrk stopped are finished by "
        "the server but not counted by wrk), the new outbox rows equal the new check-in rows, and across the "
        "database every check-in has exactly one checkin.completed outbox row naming it and no such row names a "
        "missing check-in.", "",
        "### B3 per repetition", ""]
    for title, key in (("Real: POST /checkins", "real_rps"), ("Baseline: bare Flask route", "bare_rps"),
                       ("Ratio real/baseline requests/s", "ratio")):
        lines += repetition_table(title, None, key, table, med, _cell, "requests/s")
    lines += ["#### Latency, order and rows written", "",
              "| repetition | order | real p50 ms | real p99 ms | baseline p50 ms | baseline p99 ms | "
              "real requests (wrk) | new check-in rows | new outbox rows |", "|---|---|" + "---:|" * 7]
    for i, (run, row) in enumerate(zip(runs, table), 1):
        lines.append(f"| {i} | {' then '.join(run['order'])} | "
                     + " | ".join(_cell(k, row[k]) for k in ("real_p50", "real_p99", "bare_p50", "bare_p99"))
                     + f" | {run['real']['requests']:,} | {run['real']['rows']['records']:,} | "
                       f"{run['real']['rows']['outbox']:,} |")
    lines += ["", *_profile(profile)]
    return "\n".join(lines).rstrip("\n")


def _saturation(found: dict | None, connections: int, args) -> list[str]:
    if found is None:
        return [f"Connections: {connections}, given with --connections (no saturation search this run)."]
    tried = sorted(found["points"]["real"])
    lines = [f"Saturation search (before the repetitions; {args.search_duration} s per point after a 2 s warm-up, "
             "one fresh server per side): requests/s by wrk connections", "",
             "| side | " + " | ".join(f"c={c}" for c in tried) + " | stops rising at |",
             "|---|" + "---:|" * (len(tried) + 1)]
    for side, label in (("real", "Real"), ("bare", "Baseline")):
        points = found["points"][side]
        lines.append(f"| {label} | " + " | ".join(f"{points[c]['rps']:,.0f}" for c in tried) + f" | {knee(points)} |")
    return lines + ["", f"Connections used for both: {connections}, the larger of the two sides' knees (the first "
                        f"count whose next one adds less than {GAIN:.0%} requests/s), so both sides are saturated. "
                        "gunicorn serves workers x threads requests at once; past the knee more connections only "
                        "wait in its queue, adding latency but no throughput."]


def _profile(profile: dict | None) -> list[str]:
    if not profile:
        return []
    sql = profile["statements"]
    lines = ["### B3: where a check-in write spends its time", "",
             f"cProfile over {profile['requests']} `POST /checkins` through Flask's test client (bench/api_profile.py: "
             "one thread, no gunicorn or sockets, the workers' environment, a fresh seeded database, after 100 "
             f"unprofiled requests): {profile['wall_ms']:.1f} ms per request under the profiler (cProfile roughly "
             f"doubles Python's cost); per request {sql['sql']:g} SQL statements, {sql['begin']:g} transactions "
             f"({sql['commit']:g} committed, {sql['rollback']:g} rolled back). Stages (cumulative time):", "",
             "| stage | ms per request |", "|---|---:|",
             *[f"| {title} | {ms:.2f} |" for title, ms in profile["stages"]], "",
             "Own time (tottime) by where the code lives:", "",
             "| part | ms per request | share |", "|---|---:|---:|"]
    total = sum(ms for _, ms in profile["groups"])
    lines += [f"| {name} | {ms:.2f} | {ms / total:.0%} |" for name, ms in profile["groups"]]
    lines += ["", "Top functions by own time: " + "; ".join(f"`{name}` {ms:.2f} ms ({calls:g} calls)"
                                                           for name, calls, ms in profile["top"][:6]), ""]
    return lines


def summary(runs: list[dict], connections: int) -> str:
    med = medians(rows(runs))
    return "\n".join([
        f"B3 check-in write API, {len(runs)} repetition(s), {connections} connections, medians:",
        f"  real      {med['real_rps']:>8,.0f} requests/s  p50 {med['real_p50']:.1f} ms  p99 {med['real_p99']:.1f} ms",
        f"  baseline  {med['bare_rps']:>8,.0f} requests/s  p50 {med['bare_p50']:.1f} ms  p99 {med['bare_p99']:.1f} ms",
        f"  ratio {med['ratio']:.3f} vs target {TARGET:.2f}: {verdict(med['ratio'])}",
        f"  written to {results.RESULTS}"])
