"""B8's view of /proc: the process tree under a root, its summed RSS and PSS, each process's role
(from its command line and its parent's), and a sampler thread. Every function takes the /proc
root as a parameter, so tests/unit/test_bench_footprint.py can fake one."""
from __future__ import annotations

import collections
import os
import re
import threading
import time
from pathlib import Path

PROC = Path("/proc")
MARKER = "CIRCLES_BENCH_B8_RUN"  # in the environment of every process of a repetition: finds orphans
PSS_STEP = 1.03  # PSS is read again whenever the running RSS peak passes the last reading by 3%
NICE = 10  # the sampler thread yields to the platform it measures


def stat(pid: int | str, proc: Path = PROC) -> tuple[int, int, str, float] | None:
    """(ppid, start time in ticks, state, CPU seconds) of a process, None when it is gone."""
    try:
        text = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    rest = text[text.rindex(")") + 2:].split()  # the command name may hold spaces and ")"
    return int(rest[1]), int(rest[19]), rest[0], (int(rest[11]) + int(rest[12])) / os.sysconf("SC_CLK_TCK")


def scan(proc: Path = PROC) -> dict[int, tuple[int, int, str, float]]:
    """pid -> stat() of every process."""
    table = {}
    for entry in os.scandir(proc):
        if entry.name.isdigit() and (found := stat(entry.name, proc)) is not None:
            table[int(entry.name)] = found
    return table


def descendants(table: dict, root: int) -> list[int]:
    """`root` and every process below it, parents before children."""
    children = collections.defaultdict(list)
    for pid, (ppid, *_) in table.items():
        children[ppid].append(pid)
    order, stack = [], [root] if root in table else []
    while stack:
        pid = stack.pop()
        order.append(pid)
        stack.extend(sorted(children[pid], reverse=True))
    return order


def _field_kb(path: Path, name: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1])
    except OSError:
        pass
    return 0  # gone, a zombie, or a kernel thread


def rss_kb(pid: int, proc: Path = PROC) -> int:
    return _field_kb(proc / str(pid) / "status", "VmRSS:")


def pss_kb(pid: int, proc: Path = PROC) -> int:
    return _field_kb(proc / str(pid) / "smaps_rollup", "Pss:")


def cmdline(pid: int, proc: Path = PROC) -> tuple[str, ...]:
    try:
        return tuple(a.decode(errors="replace") for a in (proc / str(pid) / "cmdline").read_bytes().split(b"\0") if a)
    except OSError:
        return ()


_HELPERS = (("shared.broker", "broker (python wrapper)"), ("tests.support.smtp_server", "mail (SMTP sink)"),
            ("tests.support.http_sink", "sms (HTTP sink)"))


def _gunicorn(args) -> bool:
    """gunicorn itself (`python .../bin/gunicorn ...`), not a shell whose command mentions it."""
    return any(os.path.basename(a) == "gunicorn" for a in args[:2])


def _module(args) -> tuple[str, list[str]]:
    """(module, its arguments) of `python -m module ...`, ("", []) otherwise."""
    args = list(args)
    if "-m" in args[:-1]:
        at = args.index("-m")
        return args[at + 1], args[at + 2:]
    return "", []


def role(args: tuple[str, ...] | list[str], parent: tuple[str, ...] | list[str] = ()) -> str:
    """What a process of the platform is, from its command line and its parent's."""
    text = " ".join(args)
    exe = os.path.basename(args[0]) if args else ""
    module, rest = _module(args)
    service = re.search(r"services\.(\w+)", text)
    if exe.startswith("tansu"):
        return "broker (tansu)"
    if module == "deploy.local.run":
        return "runner (deploy.local.run)"  # the supervisor too
    if module == "deploy.local.service" and rest:  # make dev: one process per service
        return f"{rest[0]} (web app + worker)"
    if module == "deploy.local.setup" and rest:  # make dev's short-lived steps
        return f"setup {rest[0]} (deploy.local.setup)"
    if _gunicorn(args) and service:  # compose and Kubernetes
        return f"{service[1]} web {'worker' if _gunicorn(parent) else 'master'}"
    if service and args[-1] == "worker":
        return f"{service[1]}-worker"
    return next((name for helper, name in _HELPERS if helper in text), exe or "unknown")


def tree_rss(root: int, proc: Path = PROC, roles: dict | None = None) -> tuple[int, list[dict]]:
    """Summed VmRSS (kB) of `root` and its descendants, and one row per process; `roles`
    caches role() by command lines between calls."""
    table, roles, lines, rows = scan(proc), {} if roles is None else roles, {}, []
    for pid in descendants(table, root):  # parents first: a parent's command line is read already
        ppid, start, _, cpu_s = table[pid]
        lines[pid] = cmdline(pid, proc)
        key = (lines[pid], lines.get(ppid, ()))
        if key not in roles:
            roles[key] = role(*key)
        rows.append({"pid": pid, "role": roles[key], "rss_kb": rss_kb(pid, proc), "cpu_s": cpu_s, "start": start})
    return sum(r["rss_kb"] for r in rows), rows


class Sampler(threading.Thread):
    """Samples the tree under `root` every `interval` s; keeps the RSS peak of each phase."""

    def __init__(self, root: int, started: float, proc: Path = PROC, interval: float = 0.1):
        super().__init__(daemon=True, name="b8-sampler")
        self.root, self.started, self.proc, self.interval = root, started, proc, interval
        self.phase, self.peaks, self.seen, self.samples = "start-up", {}, {}, 0
        self.pss: dict = {"rss_kb": 0}  # the latest PSS reading at a running peak
        self.last: dict = {}
        self.roles: dict = {}
        self.pss_reads = 0
        self.cpu_s = 0.0  # the sampler's own CPU time
        self._halt = threading.Event()

    def run(self) -> None:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)  # this thread only (Linux)
        while not self._halt.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def sample(self) -> None:
        cpu = time.thread_time()
        at = time.monotonic() - self.started
        total, rows = tree_rss(self.root, self.proc, self.roles)
        self.samples += 1
        self.seen.update((r["pid"], r["start"]) for r in rows)
        self.last = {"t": at, "rss_kb": total, "rows": rows, "phase": self.phase}
        peak = self.peaks.get(self.phase)
        if peak is None or total > peak["rss_kb"]:
            self.peaks[self.phase] = self.last
        if total > self.pss["rss_kb"] * PSS_STEP:
            self.pss_reads += 1
            self.pss = {"t": at, "rss_kb": total, "pss": {r["pid"]: pss_kb(r["pid"], self.proc) for r in rows}}
        self.cpu_s += time.thread_time() - cpu


def alive(pid: int, start: int, proc: Path = PROC) -> bool:
    """The process `pid` started at `start` still runs (not reused, not a zombie)."""
    found = stat(pid, proc)
    return found is not None and found[1] == start and found[2] != "Z"


def marked(value: str, proc: Path = PROC) -> dict[int, int]:
    """pid -> start of the live processes whose environment holds MARKER=value (orphans included)."""
    needle, found = f"{MARKER}={value}".encode(), {}
    for entry in os.scandir(proc):
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                environ = (proc / entry.name / "environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if needle in environ and (state := stat(entry.name, proc)) and state[2] != "Z":
                found[int(entry.name)] = state[1]
    return found
