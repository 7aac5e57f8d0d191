"""`make dev`: migrate, start the whole platform under deploy/local/supervisor.py, load demo
data, print URLs.

The runner stays small (standard library and the supervisor only): the migrations, the demo
organisation's bootstrap and the demo-data load run in short-lived children
(`python -m deploy.local.setup migrate|demo`). Each service runs as ONE process, its web app
and its worker side by side (deploy/local/service.py); compose and Kubernetes keep gunicorn
and a separate worker. Ctrl-C (or SIGTERM to the runner) stops everything, and so does any
process that exits on its own.
"""
from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Mapping

from deploy.local.supervisor import Program, Supervisor

ROOT = Path(__file__).resolve().parents[2]


def programs(env: Mapping[str, str] = os.environ) -> list[Program]:
    """Every process of `make dev`. Ports come from PEOPLE_PORT ... REPORTING_PORT, KAFKA_PORT,
    MAIL_PORT and SMS_PORT; the mail and SMS files from CIRCLES_VAR_DIR (default var/, relative to
    the repository; the SQLite files follow <SERVICE>_DATABASE_URL). The workers' metrics ports
    are fixed, as deploy/prometheus/prometheus.local.yml scrapes them (WORKER_METRICS_ADDR moves
    them to another loopback address)."""
    py, var = sys.executable, env.get("CIRCLES_VAR_DIR") or "var"
    kafka, mail, sms = env.get("KAFKA_PORT") or "9092", env.get("MAIL_PORT") or "1025", env.get("SMS_PORT") or "1026"

    def service(name: str, web_port: int, metrics_port: int, **extra: str) -> Program:
        port = env.get(f"{name.upper()}_PORT") or str(web_port)
        return Program(name, (py, "-m", "deploy.local.service", name, "--port", port),
                       {"WORKER_METRICS_PORT": str(metrics_port), **extra}, url=f"http://127.0.0.1:{port}")

    return [
        Program("broker", (py, "-m", "shared.broker", "--port", kafka), last=True),
        service("people", 8001, 9101),
        service("checkins", 8002, 9102),
        service("notifications", 8003, 9103,
                NOTIFICATIONS_SMTP_PORT=mail, NOTIFICATIONS_SMS_URL=f"http://127.0.0.1:{sms}/sms"),
        service("resources", 8004, 9104),
        service("reporting", 8005, 9105),
        Program("mail", (py, "-m", "tests.support.smtp_server", "--port", mail, "--outbox", f"{var}/mail.jsonl"),
                last=True),
        Program("sms", (py, "-m", "tests.support.http_sink", "--port", sms, "--record", f"{var}/sms.jsonl"),
                last=True),
    ]


def service_urls(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    return {p.name: p.url for p in programs(env) if p.url}


def environment() -> dict[str, str]:
    """What every process gets: the runner's environment, and CIRCLES_DEV (a development
    machine, where the development JWT secret is accepted) unless it is set already."""
    return {**os.environ, "CIRCLES_DEV": os.environ.get("CIRCLES_DEV", "1")}


def answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
    try:
        with opener.open(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_ready(urls: dict[str, str], supervisor: Supervisor, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    pending = dict(urls)
    while pending and supervisor.check():
        if time.monotonic() > deadline:
            supervisor.failure = f"not ready after {timeout:.0f}s: {', '.join(pending)}"
            return False
        for name, url in list(pending.items()):
            if answers(f"{url}/readyz"):
                del pending[name]
        supervisor.stopping.wait(0.25)
    return not pending


def main() -> int:
    os.chdir(ROOT)
    (ROOT / (os.environ.get("CIRCLES_VAR_DIR") or "var")).mkdir(parents=True, exist_ok=True)
    setup = (sys.executable, "-m", "deploy.local.setup")
    supervisor = Supervisor(programs(), environment(), cwd=str(ROOT))
    supervisor.handle_signals()
    try:
        code = supervisor.run_once((*setup, "migrate"))
        if code:
            supervisor.failure = "the migrations or the organisation's bootstrap failed (see above)"
        if code != 0:  # failed, or None: stopped meanwhile
            return 1 if code else 0
        started = time.monotonic()
        supervisor.start()
        if not wait_ready(service_urls(), supervisor):
            return 1 if supervisor.failure else 0
        supervisor.echo(f"\nall services ready in {time.monotonic() - started:.1f}s")
        code = supervisor.run_once((*setup, "demo"))
        if code:
            supervisor.failure = "the demo data did not load (see above)"
        if code != 0:
            return 1 if code else 0
        supervisor.wait()
        return 1 if supervisor.failure else 0
    finally:
        supervisor.stop()
        if supervisor.failure:
            print(f"make dev stopped: {supervisor.failure}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
