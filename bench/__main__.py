"""python -m bench [--only b1|b2|b3|b4|b5|b6|b7|b8] [--events N] [--crisis-events N] [--crisis-interval-ms MS]
[--crisis-jobs-every S] [--replay-events N] [--replay-profile-events N] [--sessions N] [--repeat R]
[--database-url URL] [--bootstrap HOST:PORT]

B1: the event pipeline (bench/pipeline.py); B2: the outbox relay alone (bench/relay.py); B3: the check-in write API under gunicorn
(bench/api.py, PostgreSQL and Debian's wrk); B4: the crisis path's latency (bench/crisis.py);
B5: projection replay (bench/replay.py); B6: directory search, nearest open now
(bench/directory.py); B7: the missed-session detector (bench/detector.py); B8: the footprint
of `make dev` (bench/footprint.py). Without --only, B1, B2, B3, B4, B6, B5, B7, then B8; each writes its own section of
bench/RESULTS.md when it finishes."""
from __future__ import annotations

import argparse
import logging
import os
import shlex
import signal
import sys
from pathlib import Path

from bench import (api, crisis, crisis_report, detector, detector_report, directory, footprint, pipeline, relay,
                   replay, replay_report, report)

BENCHMARKS = ("b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmarks B1 (the Circles event pipeline), B2 (the outbox relay), B3 (the check-in write "
                    "API), B4 (the crisis path's latency), B5 (projection replay), B6 (directory search), B7 (the "
                    "missed-session detector) and B8 (the footprint of make dev).")
    parser.add_argument("--only", choices=BENCHMARKS, action="append",
                        help="run only this benchmark (repeatable; default: all of them)")
    parser.add_argument("--events", type=int, default=int(os.environ.get("BENCH_EVENTS") or 50000),
                        help="B1 and B2: events per repetition (default: $BENCH_EVENTS or 50000)")
    parser.add_argument("--crisis-events", type=int,
                        default=int(os.environ.get("BENCH_CRISIS_EVENTS") or 1000),
                        help="B4: risk.flagged events per repetition (default: $BENCH_CRISIS_EVENTS or 1000)")
    parser.add_argument("--crisis-interval-ms", type=float,
                        default=float(os.environ.get("BENCH_CRISIS_INTERVAL_MS") or 100),
                        help="B4: one event (and one baseline record) every so many ms; keep the rate well "
                             "below the worker's capacity (default: $BENCH_CRISIS_INTERVAL_MS or 100)")
    parser.add_argument("--crisis-jobs-every", type=float, default=0.05,
                        help="B4: the worker's JOBS_EVERY_SECONDS, so the dispatcher's interval; 0 leaves it "
                             "unset (the dispatcher's own 1 s) (default: 0.05)")
    parser.add_argument("--replay-events", type=int,
                        default=int(os.environ.get("BENCH_REPLAY_EVENTS") or 1000000),
                        help="B5: events in the replayed history (default: $BENCH_REPLAY_EVENTS or 1000000)")
    parser.add_argument("--replay-profile-events", type=int, default=100000,
                        help="B5: events in the one extra replay run under cProfile, on its own broker; "
                             "0 skips it (default: 100000, at most --replay-events)")
    parser.add_argument("--sessions", type=int, default=int(os.environ.get("BENCH_SESSIONS") or 100000),
                        help="B7: due sessions per repetition (default: $BENCH_SESSIONS or 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default: 3)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or None,
                        help="base database URL; fresh databases are made from it per repetition "
                             "(default: $BENCH_DATABASE_URL, else SQLite files in a temp folder)")
    parser.add_argument("--bootstrap", default=None,
                        help="B1, B4, B5: an existing broker (default: an embedded broker on a free port, per "
                             "repetition for B1 and B4, one for the whole of B5)")
    args = parser.parse_args(argv)
    if args.events < 1 or args.crisis_events < 1 or args.replay_events < 1 or args.sessions < 1 or args.repeat < 1:
        parser.error("--events, --crisis-events, --replay-events, --sessions and --repeat must be at least 1")
    if args.replay_profile_events < 0:
        parser.error("--replay-profile-events must not be negative")
    if args.crisis_interval_ms < 0 or args.crisis_jobs_every < 0:
        parser.error("--crisis-interval-ms and --crisis-jobs-every must not be negative")
    args.only = [b for b in BENCHMARKS if b in (args.only or BENCHMARKS)]
    return args


def command_line(argv: list[str]) -> str:
    python = Path(sys.executable)
    try:
        python = python.relative_to(Path.cwd())
    except ValueError:
        pass
    return shlex.join([str(python), "-m", "bench", *argv])


def _exit_cleanly_on_signals() -> None:
    """SIGTERM, and SIGINT even where a shell ignored it, unwind through the finally
    blocks, so the broker, threads and temporary databases are cleaned up."""
    def stop(signum, _frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)


def _database_flag(args: argparse.Namespace) -> list[str]:
    return ["--database-url", args.database_url] if args.database_url else []


def _check(code: int, key: str) -> None:
    """B3 and B8 run their own main(); an interrupt there stops the whole run."""
    if code == 130:
        raise KeyboardInterrupt(key)
    if code:
        print(f"{key} failed with exit code {code}; its section of RESULTS.md left as it was", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # kafka-python 3 warns whenever its I/O thread waited >100 ms for the GIL; under a
    # saturated benchmark that is expected and would drown the progress lines.
    logging.getLogger("kafka.net.selector").setLevel(logging.ERROR)
    _exit_cleanly_on_signals()
    command = command_line(argv)
    try:
        if "b1" in args.only:
            runs, dialect = pipeline.run(pipeline.Options(args.events, args.repeat, args.database_url, args.bootstrap))
            print(report.write(args.events, command, dialect, args.bootstrap, runs), flush=True)
        if "b2" in args.only:
            options = pipeline.Options(args.events, args.repeat, args.database_url, args.bootstrap)
            runs, dialect, relay_batch = relay.run(options)
            print(relay.write(options, command, dialect, relay_batch, runs), flush=True)
        if "b3" in args.only:  # PostgreSQL: $BENCH_DATABASE_URL or --database-url, else the local server
            _check(api.main(["--repeat", str(args.repeat)] + _database_flag(args)), "b3")
        if "b4" in args.only:
            options = crisis.Options(args.crisis_events, args.repeat, args.database_url, args.bootstrap,
                                     interval_s=args.crisis_interval_ms / 1000, jobs_every_s=args.crisis_jobs_every)
            runs, dialect, version = crisis.run(options)
            print(crisis_report.write(options, command, dialect, version, runs), flush=True)
        if "b6" in args.only:
            directory.main(["--repeat", str(args.repeat)] + _database_flag(args))
        if "b5" in args.only:
            outcome = replay.run(replay.Options(args.replay_events, args.repeat, args.database_url, args.bootstrap,
                                                profile_events=args.replay_profile_events))
            print(replay_report.write(args.replay_events, command, args.bootstrap, outcome), flush=True)
        if "b7" in args.only:
            runs, dialect, version = detector.run(detector.Options(args.sessions, args.repeat, args.database_url))
            print(detector_report.write(args.sessions, command, dialect, version, runs), flush=True)
        if "b8" in args.only:
            _check(footprint.main(["--repeat", str(args.repeat)]), "b8")
    except KeyboardInterrupt as stop:
        print(f"interrupted ({stop}); cleaned up, the running benchmark's section of RESULTS.md left as it was",
              file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
