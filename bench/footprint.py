"""Benchmark B8, the footprint of the whole local platform (`make dev`): peak RSS summed
over the runner (with its supervisor) and all its descendants (the broker and its tansu
process, one process per service with its web app and its worker, mail and SMS sinks, and
the short-lived setup steps: migrations, demo data), and seconds from launching
`python -m deploy.local.run` until every service's /readyz answers 200.

Each repetition runs the platform on free ports with its SQLite files, mail and
SMS files in a fresh temporary folder (the developer's var/ is never touched), samples
/proc every ~100 ms through start-up, the demo-data load and an idle spell, then stops it
as Ctrl-C would (SIGINT to the runner's process group) and checks that nothing survives.

`python -m bench.footprint [--repeat R] [--idle-seconds S] [--no-warmup]`
"""
from __future__ import annotations

import argparse
import collections
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from bench import footprint_report
from bench.footprint_proc import MARKER, Sampler, alive, marked, tree_rss

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("people", "checkins", "notifications", "resources", "reporting")
_PREFIXED = re.compile(r"^\d\d:\d\d:\d\d (?P<name>[\w-]+)\s+\| (?P<text>.*)$")  # the supervisor's lines


# ---- one run of the platform -------------------------------------------------------------
def free_ports(count: int, host: str = "127.0.0.1", ports: tuple[int, ...] = ()) -> list[int]:
    """`count` free ports, or check that `ports` are free on `host` (OSError if not)."""
    sockets = [socket.socket() for _ in range(count or len(ports))]
    try:
        for s, port in zip(sockets, ports or [0] * count):
            s.bind((host, port))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def metrics_address() -> str:
    """A loopback address of its own for the workers' metrics, whose ports make dev fixes
    (9101-9105, deploy/local/run.py): any 127.x.y.z is this machine, so a developer's `make dev`
    keeps 127.0.0.1's."""
    while True:
        host = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        try:
            free_ports(0, host, tuple(range(9101, 9106)))
            return host
        except OSError:
            continue


def platform_env(var: Path) -> tuple[dict[str, str], dict[str, str]]:
    names = ["KAFKA_PORT", "MAIL_PORT", "SMS_PORT", *(f"{s.upper()}_PORT" for s in SERVICES)]
    env = {**os.environ, **{n: str(p) for n, p in zip(names, free_ports(len(names)))},
           "CIRCLES_VAR_DIR": str(var), "WORKER_METRICS_ADDR": metrics_address(), MARKER: str(var)}
    urls = {s: f"http://127.0.0.1:{env[f'{s.upper()}_PORT']}" for s in SERVICES}
    env["KAFKA_BOOTSTRAP_SERVERS"] = f"127.0.0.1:{env['KAFKA_PORT']}"
    env["LOGIN_URL"] = f"{urls['people']}/login"
    for s in SERVICES:
        env[f"{s.upper()}_DATABASE_URL"] = f"sqlite:///{var}/{s}.db"
    return env, urls


class Output(threading.Thread):
    """Drains the runner's output into a log file and notes when milestones first appear."""
    PATTERNS = [(re.compile(r"^migrated (\w+):"), "migrated {0}"),
                (re.compile(r"started \(pid="), "supervisor started processes"),
                (re.compile(r"^broker ready on"), "broker ready"),
                (re.compile(r'"message": "web app listening"'), "{name} web app listening"),
                (re.compile(r'"message": "worker started"'), "{name} worker started"),
                (re.compile(r"^all services ready in ([\d.]+)s"), "runner printed all ready"),
                (re.compile(r"^Press Ctrl-C"), "demo data loaded")]

    def __init__(self, stream, log: Path, started: float):
        super().__init__(daemon=True, name="b8-output")
        self.stream, self.log, self.started = stream, log, started
        self.at: dict[str, float] = {}
        self.notes: dict[str, str] = {}
        self.tail: collections.deque = collections.deque(maxlen=40)

    def run(self) -> None:
        with self.log.open("w") as log:
            for raw in self.stream:
                at, line = time.monotonic() - self.started, raw.decode(errors="replace").rstrip("\n")
                log.write(f"{at:8.2f} {line}\n")
                self.tail.append(line)
                match = _PREFIXED.match(line)
                name, text = (match["name"], match["text"]) if match else ("", line)
                for pattern, label in self.PATTERNS:
                    if (found := pattern.search(text)) is None:
                        continue
                    key = label.format(*found.groups(), name=name)
                    self.notes.setdefault(key, text)
                    self.at.setdefault(key, at)


def wait_ready(urls: dict[str, str], runner: subprocess.Popen, output: Output,
               timeout: float = 180) -> dict[str, float]:
    """Seconds after launch at which each service's /readyz first answered 200."""
    ready, deadline = {}, time.monotonic() + timeout
    while len(ready) < len(urls):
        if runner.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"platform not ready ({sorted(set(urls) - set(ready))}); last output:\n"
                               + "\n".join(output.tail))
        for name, url in urls.items():
            if name not in ready:
                try:
                    if requests.get(f"{url}/readyz", timeout=(0.5, 2)).status_code == 200:
                        ready[name] = time.monotonic() - output.started
                except requests.RequestException:
                    pass
        time.sleep(0.1)
    return ready


def stop_platform(runner: subprocess.Popen, sampler: Sampler, marker: str, grace: float = 30) -> dict:
    """Ctrl-C: SIGINT to the runner's process group; then SIGKILL whatever is left after `grace`.
    A Ctrl-C or SIGTERM of the bench meanwhile is held until the platform is gone."""
    held, main = [], threading.current_thread() is threading.main_thread()
    signals = (signal.SIGINT, signal.SIGTERM) if main else ()
    old = {s: signal.signal(s, lambda signum, _: held.append(signum)) for s in signals}
    try:
        sampler.seen.update((r["pid"], r["start"]) for r in tree_rss(runner.pid)[1])
        started = time.monotonic()
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGINT)
        left = lambda: {p: s for p, s in {**sampler.seen, **marked(marker)}.items() if alive(p, s)}  # noqa: E731
        while (runner.poll() is None or left()) and time.monotonic() - started < grace:
            time.sleep(0.1)
        stopped_s, killed = time.monotonic() - started, left()
        for pid in killed:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        runner.wait(10)
        time.sleep(0.3)
        survivors = left()
        return {"stop_s": stopped_s, "killed": sorted(killed), "survivors": sorted(survivors),
                "processes": len(sampler.seen)}
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        if held:
            raise KeyboardInterrupt(signal.Signals(held[0]).name)


def repetition(idle_s: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-b8-") as tmp:
        var = Path(tmp) / "var"
        var.mkdir()
        env, urls = platform_env(var)
        started = time.monotonic()
        # A session of its own, as a terminal's foreground job: stop_platform's SIGINT reaches its group.
        runner = subprocess.Popen([sys.executable, "-m", "deploy.local.run"], cwd=ROOT, env=env,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        output, sampler = Output(runner.stdout, Path(tmp) / "runner.log", started), Sampler(runner.pid, started)
        output.start()
        sampler.start()
        result: dict = {}
        try:
            result["ready"] = wait_ready(urls, runner, output)
            result["ready_s"] = time.monotonic() - started
            result["at_ready"] = sampler.last
            sampler.phase = "demo load"
            while "demo data loaded" not in output.at:
                if runner.poll() is not None or time.monotonic() - started > 300:
                    raise RuntimeError("the demo data did not load; last output:\n" + "\n".join(output.tail))
                time.sleep(0.05)
            result["loaded_s"] = output.at["demo data loaded"]
            sampler.phase = "idle"
            time.sleep(idle_s)
        finally:
            sampler.stop()
            result["stop"] = stop_platform(runner, sampler, str(var))
            output.join(5)
        result.update(milestones=output.at, notes=output.notes, peaks=sampler.peaks, pss=sampler.pss,
                      idle_end=sampler.last, samples=sampler.samples, pss_reads=sampler.pss_reads,
                      sampler_cpu_s=sampler.cpu_s)
        if result["stop"]["survivors"]:
            raise RuntimeError(f"processes survived the stop: {result['stop']['survivors']}")
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.footprint", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--no-warmup", action="store_true", help="skip the unmeasured warm-up start")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.repeat < 1 or args.idle_seconds < 0:
        parser.error("--repeat must be at least 1 and --idle-seconds not negative")
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    if threading.current_thread() is threading.main_thread():
        for s in previous:
            signal.signal(s, _interrupt)
    try:
        if not args.no_warmup:
            print("B8: warm-up start (not measured)", flush=True)
            repetition(0)
        runs = []
        for index in range(args.repeat):
            runs.append(repetition(args.idle_seconds))
            print(footprint_report.progress(index + 1, runs[-1]), flush=True)
    except KeyboardInterrupt as stop:
        print(f"B8 interrupted ({stop}); the platform was stopped, RESULTS.md left as it was", file=sys.stderr)
        return 130
    except RuntimeError as failure:  # the platform failed to start or to stop cleanly
        print(f"B8 failed: {failure}", file=sys.stderr)
        return 1
    finally:
        if threading.current_thread() is threading.main_thread():
            for s, handler in previous.items():
                signal.signal(s, handler)
    command = " ".join([".venv/bin/python -m bench.footprint", *(sys.argv[1:] if argv is None else argv)])
    body = footprint_report.markdown(runs, command, args.idle_seconds, warmup=not args.no_warmup)
    footprint_report.write(body)
    print(body)
    return 0


def _interrupt(signum, _frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


if __name__ == "__main__":
    sys.exit(main())
