"""A small process supervisor for `make dev` (standard library only).

It starts each program directly (no shell) with its own extra environment, prefixes every
line a program writes with the time and the program's name (as honcho and foreman do), and
stops everything: on SIGINT (Ctrl-C) or SIGTERM of the runner, or as soon as one program
exits on its own (it says which). Stopping sends SIGTERM to every program still running,
waits up to `grace` seconds, then sends SIGKILL to the stragglers; it does so first for the
programs, then for those marked `last` (the broker and the sinks the others talk to while
they stop: consumers leave their groups and producers flush rather than retry against a
broker that is gone).

Each program runs in a process group of its own, so the terminal's Ctrl-C reaches only the
runner, which stops the programs in that order; a SIGKILL reaches a straggler's whole group.
"""
from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Mapping, Sequence, TextIO


@dataclasses.dataclass(frozen=True)
class Program:
    """One long-lived process: its name in the output, its command line, what it adds to the
    environment, and, for a web app, the base URL whose /readyz says it is ready."""
    name: str
    argv: Sequence[str]
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    url: str | None = None
    last: bool = False  # stopped after the others


class Supervisor:
    def __init__(self, programs: Sequence[Program], env: Mapping[str, str], cwd: str | None = None,
                 grace: float = 10.0, out: TextIO = sys.stdout):
        self.programs, self.env, self.cwd, self.grace, self.out = list(programs), dict(env), cwd, grace, out
        self.width = max([len(p.name) for p in self.programs] + [len("system")])
        self.stopping = threading.Event()  # a stop was asked for (a signal) or a program exited
        self.signal: str | None = None  # the signal that asked for it, if one did
        self.failure: str | None = None  # what exited on its own, if anything did
        self.procs: dict[str, subprocess.Popen] = {}
        self._pumps: list[threading.Thread] = []
        self._lock = threading.Lock()

    # ---- output -------------------------------------------------------------------------------
    def say(self, name: str, text: str) -> None:
        self.echo(f"{time.strftime('%H:%M:%S')} {name:<{self.width}} | {text}")

    def echo(self, text: str) -> None:
        """Write `text` as it is, whole lines between the programs' lines."""
        with self._lock:
            self.out.write(text + "\n")
            self.out.flush()

    def _pump(self, name: str, stream) -> None:
        with stream:
            for raw in iter(stream.readline, b""):
                self.say(name, raw.decode(errors="replace").rstrip("\r\n"))

    # ---- signals ------------------------------------------------------------------------------
    def handle_signals(self) -> None:
        """SIGINT (Ctrl-C) and SIGTERM ask for a stop; the main thread does the stopping."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum, _frame) -> None:
        # Nothing written here: the main thread may be in the middle of a write. stop() says it.
        if not self.stopping.is_set():
            self.signal = signal.Signals(signum).name
            self.stopping.set()

    # ---- short-lived steps ----------------------------------------------------------------------
    def run_once(self, argv: Sequence[str]) -> int | None:
        """Run a short-lived step to its end with the programs' environment, its output as it
        is; its exit code, or None when a stop was asked for meanwhile (the step is then
        terminated)."""
        process = subprocess.Popen(list(argv), env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                   process_group=0)
        while process.poll() is None:
            if self.stopping.wait(0.1):
                self._terminate({"step": process})
                return None
        return None if self.stopping.is_set() else process.returncode

    # ---- long-lived programs ------------------------------------------------------------------
    def start(self) -> None:
        for program in self.programs:
            # PYTHONUNBUFFERED: each line reaches the pipe, and the terminal, when it is written.
            env = {**self.env, "PYTHONUNBUFFERED": "1", **program.env}
            process = subprocess.Popen(list(program.argv), env=env, cwd=self.cwd,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       process_group=0)
            self.procs[program.name] = process
            pump = threading.Thread(target=self._pump, args=(program.name, process.stdout),
                                    name=f"output-{program.name}", daemon=True)
            pump.start()
            self._pumps.append(pump)
            self.say("system", f"{program.name} started (pid={process.pid})")

    def check(self) -> bool:
        """False (and a stop is due) when a stop was asked for or a program has exited on its own."""
        if self.stopping.is_set():
            return False
        for name, process in self.procs.items():
            if process.poll() is not None:
                self.failure = f"{name} exited unexpectedly (code {process.returncode})"
                self.say("system", f"{self.failure}; stopping everything")
                self.stopping.set()
                return False
        return True

    def wait(self) -> None:
        """Until a stop is asked for or a program exits on its own."""
        while self.check():
            self.stopping.wait(0.2)

    def stop(self) -> None:
        self.stopping.set()
        if self.signal:
            self.say("system", f"{self.signal} received, stopping everything")
        last = {p.name for p in self.programs if p.last}
        self._terminate({name: p for name, p in self.procs.items() if name not in last})
        self._terminate({name: p for name, p in self.procs.items() if name in last})
        for pump in self._pumps:
            pump.join(2)
        for name, process in self.procs.items():
            code = process.returncode
            if code not in (0, None, -signal.SIGTERM, -signal.SIGINT):
                self.say("system", f"{name} exited with code {code}")

    def _terminate(self, procs: Mapping[str, subprocess.Popen]) -> None:
        """SIGTERM to every process still running, up to `grace` seconds to exit, then SIGKILL."""
        running = {name: p for name, p in procs.items() if p.poll() is None}
        for process in running.values():
            try:
                process.terminate()
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + self.grace
        for name, process in running.items():
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say("system", f"{name} did not stop within {self.grace:.0f}s: killing it")
                try:
                    os.killpg(process.pid, signal.SIGKILL)  # its group: whatever it started too
                except ProcessLookupError:
                    pass
                process.wait()
