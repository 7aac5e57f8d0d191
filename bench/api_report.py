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
           "shared/web/gunicorn_conf.py", "bench/bare_app.py", "bench/floor_app.py")
SIDES = {"real": "Real: POST /checkins (auth, validation, check-in row + outbox row)",
         "bare": "Baseline: bare Flask route returning a constant",
         "floor": "Floor: the same body stored as one row (driver INSERT + COMMIT, nothing else)"}


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
    """Per repetition and side: requests/s, p50 and p99 (ms), CPU ms per request of gunicorn
    (`_app_cpu`) and of PostgreSQL (`_db_cpu`, None when not on this host); the ratios
    real/bare (the target's), floor/bare and real/floor."""
    table = []
    for run in runs:
        row = {}
        for side in SIDES:
            result = run[side]
            row.update({f"{side}_rps": result["rps"], f"{side}_p50": result["p50"] * 1000,
                        f"{side}_p99": result["p99"] * 1000, f"{side}_app_cpu": result["cpu"]["gunicorn"],
                        f"{side}_db_cpu": result["cpu"]["postgres"]})
        row.update(ratio=row["real_rps"] / row["bare_rps"], floor_ratio=row["floor_rps"] / row["bare_rps"],
                   real_of_floor=row["real_rps"] / row["floor_rps"])
        table.append(row)
    return table


def medians(table: list[dict]) -> dict:
    """Medians per column (None where a repetition could not measure it); the ratios are the
    medians of the per-repetition ratios."""
    return {key: None if any(row[key] is None for row in table) else statistics.median(row[key] for row in table)
            for key in table[0]}


def ceiling(med: dict) -> dict:
    """What the target allows per request in CPU (gunicorn's and PostgreSQL's together, on the
    same CPUs): the bare route's cost divided by the target ratio; and what the floor and the
    real app spend."""
    bare = med["bare_app_cpu"] + (med["bare_db_cpu"] or 0.0)
    spent = {side: None if med[f"{side}_db_cpu"] is None else med[f"{side}_app_cpu"] + med[f"{side}_db_cpu"]
             for side in ("floor", "real")}
    return {"budget": bare / TARGET, "bare": bare, **spent}


def _cell(key: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if "ratio" in key or key.endswith("_of_floor"):
        return f"{value:.3f}"
    if key.endswith("_cpu"):
        return f"{value:.2f}"
    return f"{value:,.1f}" if key.endswith(("_p50", "_p99")) else f"{value:,.0f}"


def markdown(args, command: str, connections: int, found: dict | None, runs: list[dict], profile: dict | None,
             wrk_version: str, dialect: str, server_version: str, sources: dict[str, bytes]) -> str:
    table = rows(runs)
    med = medians(table)
    lines = ["## B3: check-in write API", "",
             *_setup(args, command, connections, runs, wrk_version, dialect, server_version, sources), "",
             *_saturation(found, connections, args), "",
             *_results(med), "",
             "Checks after every wrk run, warm-ups and search points included (a failed check aborts the run, no "
             "figures written): wrk's `Non-2xx or 3xx responses` and socket errors are 0, gunicorn is still up; "
             "once the row counts are stable, the new rows (check-ins for the real app, stored bodies for the "
             "floor) number at least the requests wrk completed and at most that plus the connections (requests "
             "in flight when wrk stopped are finished by the server but not counted by wrk); for the real app the "
             "new outbox rows equal the new check-in rows, and across the database every check-in has exactly one "
             "checkin.completed outbox row naming it and no such row names a missing check-in.", "",
             "### B3 per repetition", ""]
    for title, key in (("Real: POST /checkins", "real_rps"), ("Baseline: bare Flask route", "bare_rps"),
                       ("Floor: one INSERT + COMMIT", "floor_rps"), ("Ratio real/baseline requests/s", "ratio"),
                       ("Ratio floor/baseline requests/s", "floor_ratio")):
        lines += repetition_table(title, None, key, table, med, _cell, "requests/s")
    lines += _latency_table(runs, table)
    lines += ["", *_profile(profile)]
    return "\n".join(lines).rstrip("\n")


def _setup(args, command, connections, runs, wrk_version, dialect, server_version, sources) -> list[str]:
    config = runs[0]["config"]
    threads = min(args.threads, connections)
    info = report.machine(dialect, None, broker=False, server_version=server_version)
    return [
        f"- Date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- Command (from the repository root): `{command}`",
        "- Real: `POST /checkins` of the check-ins app (services/checkins/api/checkins.py): JWT bearer auth "
        "(a peer worker's token from shared.auth.mint_token), CheckinIn schema validation, then in one transaction "
        "the check-in row and its checkin.completed outbox row; answered 201 with the record. Fresh migrated "
        "database per repetition, 200 persons seeded through check-ins' people-feed handlers, each request "
        "about the next person",
        "- Baseline (the target's): bench/bare_app.py, one Flask route answering the same POST with a constant JSON "
        "(201)",
        "- Floor (for reference): bench/floor_app.py, one Flask route storing the same POST's JSON body as one row "
        "of a one-table database through the driver itself (psycopg, a connection per thread), committed, then "
        "a constant 201: the least a request that stores anything durably can cost here",
        f"- gunicorn {importlib.metadata.version('gunicorn')}, for all three: `gunicorn -c "
        "python:shared.web.gunicorn_conf --bind 127.0.0.1:<free port> '<app>'` (the web command of the Dockerfile "
        "and deploy/k8s, bound to a free loopback port); from shared/web/gunicorn_conf.py: "
        f"workers {config['workers']}, threads {config['threads']}, worker_class {config['worker_class']}, "
        f"keepalive {config['keepalive']} s; LOG_LEVEL INFO (the app's JSON access line to a file), "
        "Prometheus multiprocess files in a temp folder; no broker (the web app only writes the outbox)",
        f"- Load tool: {wrk_version}, for all three: `wrk -t{threads} -c{connections} -d{args.duration}s --latency "
        f"--timeout 10s -s b3.lua http://127.0.0.1:<port>/checkins` after a {args.warmup} s warm-up with the "
        "same settings; the same Lua script (POST, Content-Type and Authorization headers, a valid check-in body)",
        "- CPU per request: CPU seconds of gunicorn's process group and of every local `postgres` process "
        "(from /proc/<pid>/stat) over the measured run, divided by the requests wrk completed",
        f"- Repetitions: {len(runs)}, each starting every app afresh, the order rotating (real, baseline, floor; "
        "then baseline, floor, real; ...); figures are medians unless per repetition",
        f"- Code measured (git blob): {code_versions(sources)}",
        *[f"- {name}: {value}" for name, value in info.items()],
        "- Load average (1 min) before/after each repetition: "
        + ", ".join(f"{r['load_before']:.1f}/{r['load_after']:.1f}" for r in runs)
        + " (the machine is shared: other work running at the same time shows here)"]


def _results(med: dict) -> list[str]:
    lines = ["| side | requests/s | p50 ms | p99 ms | CPU ms per request: gunicorn | PostgreSQL |",
             "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {title} | " + " | ".join(_cell(f"{side}_{k}", med[f"{side}_{k}"])
                                           for k in ("rps", "p50", "p99", "app_cpu", "db_cpu")) + " |"
              for side, title in SIDES.items()]
    lines += ["", f"**Ratio real/baseline requests/s: {med['ratio']:.3f}; target >= {TARGET:.2f}: "
                  f"{verdict(med['ratio'])}** (median of the per-repetition ratios). For reference: floor/baseline "
                  f"{med['floor_ratio']:.3f}, real/floor {med['real_of_floor']:.3f}."]
    cap = ceiling(med)
    if cap["floor"] is not None:
        lines += ["", f"What the target allows: the baseline spends {cap['bare']:.2f} ms of CPU per request, so a "
                      f"ratio of {TARGET:.2f} on the same CPUs leaves {cap['budget']:.2f} ms per request for "
                      f"everything (gunicorn, Flask, the app and PostgreSQL together). The floor, which stores one "
                      f"row and does nothing else, spends {cap['floor']:.2f} ms; the real app {cap['real']:.2f} ms."]
    return lines


def _latency_table(runs: list[dict], table: list[dict]) -> list[str]:
    lines = ["#### Latency, order and rows written", "",
             "| repetition | order | real p50 ms | real p99 ms | baseline p50 ms | baseline p99 ms | floor p50 ms | "
             "floor p99 ms | real requests (wrk) | new check-in rows | new outbox rows | floor rows |",
             "|---|---|" + "---:|" * 10]
    keys = ("real_p50", "real_p99", "bare_p50", "bare_p99", "floor_p50", "floor_p99")
    for i, (run, row) in enumerate(zip(runs, table), 1):
        lines.append(f"| {i} | {', '.join(run['order'])} | " + " | ".join(_cell(k, row[k]) for k in keys)
                     + f" | {run['real']['requests']:,} | {run['real']['rows']['records']:,} | "
                       f"{run['real']['rows']['outbox']:,} | {run['floor']['rows']['records']:,} |")
    return lines


def _saturation(found: dict | None, connections: int, args) -> list[str]:
    if found is None:
        return [f"Connections: {connections}, given with --connections (no saturation search this run)."]
    tried = sorted(found["points"]["real"])
    lines = [f"Saturation search (before the repetitions; {args.search_duration} s per point after a 2 s warm-up, "
             "one fresh server per side): requests/s by wrk connections", "",
             "| side | " + " | ".join(f"c={c}" for c in tried) + " | stops rising at |",
             "|---|" + "---:|" * (len(tried) + 1)]
    for side, label in (("real", "Real"), ("bare", "Baseline"), ("floor", "Floor")):
        points = found["points"][side]
        lines.append(f"| {label} | " + " | ".join(f"{points[c]['rps']:,.0f}" for c in tried) + f" | {knee(points)} |")
    return lines + ["", f"Connections used for all three: {connections}, the largest of the sides' knees (the first "
                        f"count whose next one adds less than {GAIN:.0%} requests/s), so every side is saturated. "
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
             f"doubles Python's cost); per request {sql['sql']:g} SQL statements, transactions begun "
             f"{sql['begin']:g}, committed {sql['commit']:g}, rolled back {sql['rollback']:g}. Stages (cumulative "
             "time):", "",
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
        *[f"  {label:<9} {med[f'{side}_rps']:>8,.0f} requests/s  p50 {med[f'{side}_p50']:.1f} ms  "
          f"p99 {med[f'{side}_p99']:.1f} ms" for side, label in (("real", "real"), ("bare", "baseline"),
                                                                   ("floor", "floor"))],
        f"  ratio {med['ratio']:.3f} vs target {TARGET:.2f}: {verdict(med['ratio'])} "
        f"(floor/baseline {med['floor_ratio']:.3f}, real/floor {med['real_of_floor']:.3f})",
        f"  written to {results.RESULTS}"])
