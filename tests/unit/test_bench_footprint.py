"""B8 (bench/footprint*.py): the process-tree walk and RSS summing over a fake /proc, the
role of each process from its command line, and the verdicts."""
from __future__ import annotations

import os

import pytest

from bench import footprint_report
from bench.footprint_proc import MARKER, alive, descendants, marked, pss_kb, role, scan, tree_rss

PY = "/work/main/.venv/bin/python"
GUNICORN = (PY, "/work/main/.venv/bin/gunicorn", "-c", "python:shared.web.gunicorn_conf", "--bind", "127.0.0.1:8001",
            "services.people.app:create_app()")
SERVICE = (PY, "-m", "deploy.local.service", "people", "--port", "8001")
DEMO = (PY, "-m", "deploy.local.setup", "demo")


def fake(proc, pid, ppid, args, rss_kb=None, *, start=1000, state="S", comm="python", cpu_ticks=(0, 0), pss=None,
         environ=()):
    """One /proc/<pid> with what footprint_proc reads: stat, status, cmdline, smaps_rollup, environ."""
    d = proc / str(pid)
    d.mkdir()
    # after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    # cutime cstime priority nice threads itrealvalue starttime vsize rss
    rest = [state, ppid, pid, pid, 0, -1, 0, 0, 0, 0, 0, *cpu_ticks, 0, 0, 20, 0, 1, 0, start, 0, 0]
    (d / "stat").write_text(f"{pid} ({comm}) " + " ".join(map(str, rest)) + "\n")
    status = f"Name:\t{comm}\nState:\t{state}\nPPid:\t{ppid}\n"
    (d / "status").write_text(status + (f"VmRSS:\t{rss_kb:>8} kB\nRssAnon:\t1 kB\n" if rss_kb is not None else ""))
    (d / "cmdline").write_bytes(b"\0".join(a.encode() for a in args) + (b"\0" if args else b""))
    (d / "environ").write_bytes(b"\0".join(e.encode() for e in environ))
    if pss is not None:
        (d / "smaps_rollup").write_text(f"00400000-7fff [rollup]\nRss:\t{rss_kb} kB\nPss:\t{pss} kB\nPss_Anon:\t1 kB\n")


@pytest.fixture
def proc(tmp_path):
    root = tmp_path / "proc"
    root.mkdir()
    (root / "self").mkdir()  # not a pid: skipped
    fake(root, 1, 0, ("/sbin/init",), 9000)
    fake(root, 100, 1, (PY, "-m", "deploy.local.run"), 20_000, pss=15_000)
    fake(root, 101, 100, SERVICE, 90_000, pss=75_000)
    fake(root, 102, 100, DEMO, 28_000, pss=20_000)  # a short-lived setup step
    fake(root, 103, 100, (PY, "-m", "tests.support.http_sink", "--port", "1026"), 1_700)
    fake(root, 104, 100, GUNICORN, 27_000, comm="gunicorn")  # not make dev's, but still named
    fake(root, 105, 104, GUNICORN, 70_000, comm="gunicorn")
    fake(root, 106, 104, GUNICORN, comm="gunicorn", state="Z")  # a zombie: no VmRSS
    fake(root, 107, 100, (PY, "-m", "shared.broker", "--port", "9092"), 33_000)
    fake(root, 108, 107, ("/root/.calfkit/bin/tansu-v0.6.0", "broker"), 19_000, comm="tansu (v0) x")
    fake(root, 200, 1, (PY, "-m", "something.else"), 500_000)  # not ours
    return root


def test_the_tree_is_the_root_and_everything_below_it_parents_first(proc):
    table = scan(proc)
    assert set(table) == {1, 100, 101, 102, 103, 104, 105, 106, 107, 108, 200}
    assert table[108][:3] == (107, 1000, "S")  # a command name with spaces and ")" parses
    order = descendants(table, 100)
    assert set(order) == {100, 101, 102, 103, 104, 105, 106, 107, 108}
    assert all(order.index(table[pid][0]) < order.index(pid) for pid in order if pid != 100)
    assert descendants(table, 999) == []  # a root that is gone


def test_rss_is_summed_over_the_tree_only(proc):
    total, rows = tree_rss(100, proc)
    assert total == 20_000 + 90_000 + 28_000 + 1_700 + 27_000 + 70_000 + 0 + 33_000 + 19_000
    by_pid = {r["pid"]: r for r in rows}
    assert by_pid[106]["rss_kb"] == 0
    assert {by_pid[pid]["role"] for pid in (100, 101, 102, 103, 104, 105, 107, 108)} == {
        "runner (deploy.local.run)", "people (web app + worker)", "setup demo (deploy.local.setup)",
        "sms (HTTP sink)", "people web master", "people web worker", "broker (python wrapper)", "broker (tansu)"}
    assert tree_rss(104, proc)[0] == 97_000  # a subtree
    assert pss_kb(100, proc) == 15_000 and pss_kb(105, proc) == 0  # no smaps_rollup: 0


def test_cpu_seconds_come_from_utime_and_stime(tmp_path):
    fake(tmp_path, 5, 1, ("x",), 1, cpu_ticks=(150, 50))
    assert scan(tmp_path)[5][3] == pytest.approx(200 / os.sysconf("SC_CLK_TCK"))


@pytest.mark.parametrize("args, parent, expected", [
    ((PY, "-m", "deploy.local.run"), (), "runner (deploy.local.run)"),
    (SERVICE, (PY, "-m", "deploy.local.run"), "people (web app + worker)"),
    ((PY, "-m", "deploy.local.service", "reporting", "--port", "8005"), (), "reporting (web app + worker)"),
    ((PY, "-m", "deploy.local.setup", "migrate"), (), "setup migrate (deploy.local.setup)"),
    (DEMO, (PY, "-m", "deploy.local.run"), "setup demo (deploy.local.setup)"),
    (GUNICORN, (), "people web master"),
    (GUNICORN, GUNICORN, "people web worker"),
    ((PY, "/v/bin/gunicorn", "-c", "x", "services.reporting.app:create_app()"), (), "reporting web master"),
    (("python", "-m", "services.checkins", "worker"), (), "checkins-worker"),
    (("python", "-m", "shared.broker", "--port", "9092"), (), "broker (python wrapper)"),
    (("/root/.calfkit/bin/tansu-v0.6.0-510f3e2", "broker", "--listener-url", "tcp://x"), (), "broker (tansu)"),
    (("python", "-m", "tests.support.smtp_server", "--port", "1025"), (), "mail (SMTP sink)"),
    (("python", "-m", "tests.support.http_sink", "--port", "1026"), (), "sms (HTTP sink)"),
    (("/usr/bin/sleep", "5"), (), "sleep"),
    ((), (), "unknown"),
])
def test_roles_from_command_lines(args, parent, expected):
    assert role(args, parent) == expected


def test_alive_checks_the_start_time_and_zombies(proc):
    assert alive(105, 1000, proc)
    assert not alive(105, 999, proc)  # the pid was reused by another process
    assert not alive(106, 1000, proc)  # a zombie has exited
    assert not alive(4242, 1000, proc)


def test_marked_finds_the_processes_of_one_run(tmp_path):
    fake(tmp_path, 10, 1, ("a",), 1, environ=("PATH=/bin", f"{MARKER}=/tmp/run-a"))
    fake(tmp_path, 11, 1, ("b",), 1, environ=(f"{MARKER}=/tmp/run-b",))
    fake(tmp_path, 12, 1, ("c",), 1, environ=(f"{MARKER}=/tmp/run-a",), state="Z")
    fake(tmp_path, 13, 1, ("d",), 1, environ=(f"X{MARKER}=/tmp/run-a",))
    assert marked("/tmp/run-a", tmp_path) == {10: 1000}


@pytest.mark.parametrize("peak_mb, ready_s, expected", [
    (800, 30, ("PASS", "PASS")), (800.4, 12, ("FAIL", "PASS")), (640, 30.05, ("PASS", "FAIL")),
    (1720, 31, ("FAIL", "FAIL")),
])
def test_verdicts(peak_mb, ready_s, expected):
    assert footprint_report.verdict(peak_mb, ready_s) == expected
    rss, ready = expected
    assert footprint_report.headline(peak_mb, ready_s) == (
        f"**Peak RSS {peak_mb:.0f} MB, target <= 800 MB: {rss}; ready in {ready_s:.1f} s, target <= 30 s: {ready}**")


def _run(peak_kb: int, ready_s: float) -> dict:
    rows = [{"pid": 1, "role": "people (web app + worker)", "rss_kb": peak_kb - 100, "cpu_s": 2.0, "start": 1},
            {"pid": 2, "role": "runner (deploy.local.run)", "rss_kb": 100, "cpu_s": 0.1, "start": 1}]
    sample = {"t": 5.0, "rss_kb": peak_kb, "rows": rows}
    return {"ready_s": ready_s, "loaded_s": ready_s + 4, "ready": dict.fromkeys(footprint_report.SERVICES, ready_s),
            "at_ready": sample, "idle_end": sample, "peaks": {"start-up": {**sample, "rss_kb": peak_kb - 1},
                                                              "demo load": sample, "idle": sample},
            "pss": {"rss_kb": peak_kb, "pss": {1: peak_kb // 2, 2: 50}}, "milestones": {"broker ready": 3.0},
            "notes": {"runner printed all ready": "all services ready in 8.5s"},
            "stop": {"stop_s": 5.0, "killed": [], "survivors": []}, "samples": 100, "pss_reads": 20,
            "sampler_cpu_s": 0.5}


def test_the_section_reports_medians_and_the_breakdown():
    runs = [_run(900 * 1024, 11.0), _run(700 * 1024, 9.0), _run(750 * 1024, 40.0)]
    body = footprint_report.markdown(runs, ".venv/bin/python -m bench.footprint", 20, warmup=True)
    assert body.startswith("## B8: local platform footprint\n")
    assert footprint_report.headline(750, 11.0) in body
    assert "| people (web app + worker) | 1 | 750 | 375 | 2.0 |" in body
    assert "- Processes per service seen: 1 (" in body
    assert "| broker ready | 3.0 |" in body
