"""`make dev`: migrate, start the whole platform under honcho, load demo data, print URLs.

Ctrl-C reaches honcho (same terminal process group), which stops every process; this
runner just waits for it to finish.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from deploy.local import demo
from shared.db.migrations import upgrade
from shared.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"people": 8001, "checkins": 8002, "notifications": 8003, "resources": 8004, "reporting": 8005}


def service_urls() -> dict[str, str]:
    return {name: f"http://127.0.0.1:{os.environ.get(f'{name.upper()}_PORT', port)}"
            for name, port in SERVICES.items()}


def migrate_all() -> None:
    for name in SERVICES:
        settings = load_settings(name)
        upgrade(ROOT / "services" / name / "migrations", settings.database_url)
        print(f"migrated {name}: {settings.database_url}", flush=True)


def wait_ready(urls: dict[str, str], honcho: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    pending = dict(urls)
    while pending:
        if honcho.poll() is not None:
            sys.exit("the platform stopped while starting; see the log above")
        if time.monotonic() > deadline:
            sys.exit(f"not ready after {timeout:.0f}s: {', '.join(pending)}")
        for name, url in list(pending.items()):
            try:
                if requests.get(f"{url}/readyz", timeout=1).status_code == 200:
                    del pending[name]
            except requests.RequestException:
                pass
        time.sleep(0.5)


def main() -> None:
    os.chdir(ROOT)
    (ROOT / "var" / "metrics").mkdir(parents=True, exist_ok=True)
    migrate_all()
    demo.bootstrap_organisation()
    # CIRCLES_DEV: a development machine, where the development JWT secret is accepted.
    env = {**os.environ, "CIRCLES_DEV": os.environ.get("CIRCLES_DEV", "1"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    honcho = subprocess.Popen(
        [sys.executable, "-m", "honcho", "-f", "deploy/local/Procfile", "-d", str(ROOT), "start"], env=env,
    )
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # honcho gets Ctrl-C too and stops everything
    signal.signal(signal.SIGTERM, lambda *_: honcho.terminate())  # and a plain kill of this runner
    started = time.monotonic()
    urls = service_urls()
    wait_ready(urls, honcho)
    print(f"\nall services ready in {time.monotonic() - started:.1f}s", flush=True)
    summary = demo.load(urls)
    print(demo.describe(urls, summary), flush=True)
    sys.exit(honcho.wait())


if __name__ == "__main__":
    main()
