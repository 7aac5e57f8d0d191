"""Real service processes for the end-to-end tier: gunicorn web apps and workers."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


class ServiceProcess:
    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path):
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "ServiceProcess":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        return self

    def kill(self) -> None:
        """SIGKILL: no clean-up, no final commit, as in a crash or an OOM kill."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 20) -> int:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired as exc:
            self.kill()
            raise AssertionError(f"{self.name} did not stop within {timeout}s of SIGTERM") from exc

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def web(service: str, port: int, env: dict, log_dir: Path, workers: int = 2) -> ServiceProcess:
    env = {**env, "GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": "4",
           "PROMETHEUS_MULTIPROC_DIR": str(log_dir / f"metrics-{service}")}
    argv = [sys.executable, "-m", "gunicorn", "-c", "python:shared.web.gunicorn_conf",
            "--bind", f"127.0.0.1:{port}", f"services.{service}.app:create_app()"]
    return ServiceProcess(f"{service}-web", argv, env, log_dir).start()


def worker(service: str, env: dict, log_dir: Path) -> ServiceProcess:
    return ServiceProcess(f"{service}-worker", [sys.executable, "-m", f"services.{service}", "worker"],
                          env, log_dir).start()


def wait_until(predicate, timeout: float, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def wait_ready(url: str, timeout: float = 120) -> None:
    def ready():
        try:
            return requests.get(f"{url}/readyz", timeout=1).status_code == 200
        except requests.RequestException:
            return False
    wait_until(ready, timeout, message=f"{url}/readyz")
