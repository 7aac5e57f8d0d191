"""Gunicorn settings for every service: `gunicorn -c python:shared.web.gunicorn_conf ...`.

Worker and thread counts come from the environment. Prometheus multiprocess mode is
switched on here, before any worker imports prometheus_client, so /metrics adds up the
samples of every worker process.
"""
import os
import shutil
import tempfile

from prometheus_client import multiprocess

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
accesslog = None  # the app writes its own JSON access line, without query strings
errorlog = "-"

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="circles-metrics-")


def on_starting(server):
    # Stale files from a previous run would add old counts to the new ones.
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
control_socket_disable = True  # five services on one host would fight over one socket path
