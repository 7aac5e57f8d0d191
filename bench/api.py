"""Benchmark B3, the check-in write API under gunicorn: requests/s at saturation of
`POST /checkins` (JWT bearer auth, schema validation, a check-in row and its outbox row in one
transaction) against a bare Flask route returning a constant (bench/bare_app.py), both started
with the deployment's own command line and config (shared/web/gunicorn_conf.py) and driven by
Debian's wrk with the same Lua script, threads, connections and duration, in the same run.

A third side, the floor (bench/floor_app.py: one INSERT and COMMIT through the bare driver),
shows how close to the bare route any write can come on the machine, and the CPU that gunicorn
and PostgreSQL spend per request on each side (bench/api_cpu.py) shows where the time goes.

Every request of the real side must be a 201 that wrote its rows: wrk's non-2xx count and its
socket errors must be 0, and the database is counted after each run (bench/api_report.py says
exactly what is checked). A run that fails a check stops with no figures written.

bench/api_server.py runs gunicorn and checks the rows, bench/api_wrk.py drives wrk and parses
its output, bench/api_profile.py profiles one request path, bench/api_report.py writes the section.

`.venv/bin/python -m bench.api [--repeat R] [--duration S] [--connections C] [--database-url URL]`
"""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from bench import api_cpu, api_report, api_server
from bench.api_server import Server
from bench.api_wrk import BenchmarkFailed, Wrk
from bench.infra import Databases

SEARCH = (8, 16, 32, 64)
SIDES = ("real", "bare", "floor")  # repetition i starts at SIDES[i % 3], so each side goes first once in three


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.api",
        description="Benchmark B3: requests/s at saturation of the check-in write API under gunicorn, "
                    "against a bare Flask route under the same gunicorn config (wrk, same run)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default: 3)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each measured wrk run (default: 10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk warm-up before each (default: 3)")
    parser.add_argument("--connections", type=int, default=None,
                        help="wrk connections for both sides; default: the saturation search decides")
    parser.add_argument("--search", default=",".join(map(str, SEARCH)),
                        help="connection counts the saturation search tries (default: 8,16,32,64)")
    parser.add_argument("--search-duration", type=int, default=5, help="seconds per search point (default: 5)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default: 2)")
    parser.add_argument("--profile-requests", type=int, default=1000,
                        help="requests profiled in-process with cProfile after the runs; 0 skips (default: 1000)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL")
                        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="base URL; a fresh database is made from it per repetition and dropped "
                             "(default: $BENCH_DATABASE_URL or the local PostgreSQL)")
    args = parser.parse_args(argv)
    args.search = sorted({int(c) for c in args.search.split(",") if c.strip()})
    if min(args.repeat, args.duration, args.warmup, args.threads, args.search_duration, *args.search) < 1:
        parser.error("--repeat, --duration, --warmup, --threads, --search and --search-duration must be >= 1")
    if args.connections is not None and args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs a connection per thread)")
    if args.profile_requests < 0:
        parser.error("--profile-requests must not be negative")
    return args


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(server: Server, wrk: Wrk, connections: int, warmup: int, duration: int, label: str) -> dict:
    """A warm-up run, then the measured run, each checked; the measured run's figures."""
    warm = wrk.run(server.url, connections, warmup)
    server.check(warm, connections, f"{label} warm-up")
    before, cpu_before = server.counts(), api_cpu.sample(server.process.pid)
    result = wrk.run(server.url, connections, duration)
    result["cpu"] = api_cpu.per_request(cpu_before, api_cpu.sample(server.process.pid), result["requests"])
    result["rows"] = server.check(result, connections, label, before)
    say(f"  {label}: {result['rps']:,.0f} requests/s, p50 {result['p50'] * 1000:.1f} ms, "
        f"p99 {result['p99'] * 1000:.1f} ms, {result['requests']} requests, checks passed")
    return result


def search(args, databases: Databases, tmp: Path, wrk: Wrk) -> dict:
    """requests/s per connection count, for every side; the chosen count (see api_report.knee)."""
    points: dict[str, dict[int, dict]] = {side: {} for side in SIDES}
    for side in SIDES:
        with Server.start(side, databases, tmp, "search") as server:
            for connections in args.search:
                points[side][connections] = measure(server, wrk, connections, 2, args.search_duration,
                                                    f"search {side} c={connections}")
    chosen = max(api_report.knee(side_points) for side_points in points.values())
    say(f"B3: saturation search chose {chosen} connections")
    return {"points": points, "chosen": chosen}


def repetition(args, index: int, databases: Databases, tmp: Path, wrk: Wrk, connections: int) -> dict:
    order = SIDES[index % len(SIDES):] + SIDES[:index % len(SIDES)]
    run = {"order": order, "load_before": os.getloadavg()[0]}
    say(f"[{index + 1}/{args.repeat}] order: {' then '.join(order)}")
    for side in order:
        with Server.start(side, databases, tmp, f"r{index + 1}") as server:
            run[side] = measure(server, wrk, connections, args.warmup, args.duration, side)
            if run.setdefault("config", server.config) != server.config:
                raise BenchmarkFailed(f"gunicorn settings differ between the sides: {run['config']} {server.config}")
    run["load_after"] = os.getloadavg()[0]
    run["ratio"] = run["real"]["rps"] / run["bare"]["rps"]
    floor = run["floor"]["rps"] / run["bare"]["rps"]
    say(f"[{index + 1}/{args.repeat}] ratio {run['ratio']:.3f} (the floor's: {floor:.3f})")
    return run


def command_line(argv: list[str]) -> str:
    return shlex.join([".venv/bin/python", "-m", "bench.api", *argv])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if not shutil.which("wrk"):
        say("B3 needs wrk (Debian's package): `make bench-tools` installs it")
        return 2
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    api_server.exit_cleanly_on_signals()
    try:
        with tempfile.TemporaryDirectory(prefix="circles-bench-b3-") as tmp_name:
            tmp = Path(tmp_name)
            databases = Databases(args.database_url, tmp)
            sources = api_report.snapshot()
            version = databases.server_version()
            wrk = Wrk(tmp, args.threads)
            say(f"B3: check-in write API vs bare Flask, {args.repeat} repetition(s) of {args.duration}s; "
                f"{databases.dialect} ({version}); {wrk.version}")
            found = None if args.connections else search(args, databases, tmp, wrk)
            connections = args.connections or found["chosen"]
            runs = [repetition(args, i, databases, tmp, wrk, connections) for i in range(args.repeat)]
            profile = api_server.profile(databases, tmp, args.profile_requests) if args.profile_requests else None
            body = api_report.markdown(args, command_line(argv), connections, found, runs, profile, wrk.version,
                                       databases.dialect, version, sources)
        api_report.results.update("b3", body)
        print(api_report.summary(runs, connections), flush=True)
        return 0
    except BenchmarkFailed as failed:
        say(f"B3 FAILED, no figures written: {failed}")
        return 1
    except KeyboardInterrupt as stop:
        say(f"interrupted ({stop}); gunicorn stopped, databases dropped, RESULTS.md left as it was")
        return 130
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
