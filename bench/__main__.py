"""python -m bench [--events N] [--repeat R] [--database-url URL] [--bootstrap HOST:PORT]"""
from __future__ import annotations

import argparse
import logging
import os
import shlex
import signal
import sys
from pathlib import Path

from bench import pipeline, report


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Benchmark B1: the Circles event pipeline.")
    parser.add_argument("--events", type=int, default=int(os.environ.get("BENCH_EVENTS") or 50000),
                        help="events per repetition (default: $BENCH_EVENTS or 50000)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default: 3)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or None,
                        help="base database URL; fresh databases are made from it per repetition "
                             "(default: $BENCH_DATABASE_URL, else SQLite files in a temp folder)")
    parser.add_argument("--bootstrap", default=None,
                        help="an existing broker (default: an embedded broker per repetition on a free port)")
    args = parser.parse_args(argv)
    if args.events < 1 or args.repeat < 1:
        parser.error("--events and --repeat must be at least 1")
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # kafka-python 3 warns whenever its I/O thread waited >100 ms for the GIL; under a
    # saturated benchmark that is expected and would drown the progress lines.
    logging.getLogger("kafka.net.selector").setLevel(logging.ERROR)
    _exit_cleanly_on_signals()
    options = pipeline.Options(args.events, args.repeat, args.database_url, args.bootstrap)
    try:
        runs, dialect = pipeline.run(options)
    except KeyboardInterrupt as stop:
        print(f"interrupted ({stop}); cleaned up, RESULTS.md left as it was", file=sys.stderr)
        return 130
    print(report.write(args.events, command_line(argv), dialect, args.bootstrap, runs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
