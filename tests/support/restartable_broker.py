"""An embedded broker the fault suite can cut off (an outage) or really restart.

The embedded Tansu broker keeps its log in memory, so a restart forgets every topic,
record and committed offset. Clients talk to a TCP proxy on a fixed port; a restart cuts
the proxy, stops Tansu, starts a new one behind the proxy and recreates the topics (as an
operator would), then reopens the proxy. The new Tansu listens on a fresh port: the old
one can stay "in use" for up to a minute after a stop, and clients only ever see the proxy.
"""
from __future__ import annotations

from pathlib import Path

from shared.broker import start_broker, stop_broker
from tests.support.infra import Broker, free_port
from tests.support.tcp_proxy import TcpProxy


class RestartableBroker(Broker):
    controllable = True

    def __init__(self, log_path: Path):
        self.port = free_port()
        super().__init__(f"127.0.0.1:{self.port}")
        self.log_path = log_path
        self.restarts = 0
        self.proxy = TcpProxy(self.port, free_port())
        self.proxy.start()  # start_broker creates the topics through the advertised port
        self.process = self._spawn()

    def _spawn(self):
        with open(self.log_path, "ab") as log:
            return start_broker("127.0.0.1", self.proxy.target_port, log_file=log, advertised_port=self.port)

    def stop(self) -> None:
        """An outage: connections refused and cut, the log kept."""
        self.proxy.stop()

    def start(self) -> None:
        self.proxy.start()

    def restart(self) -> None:
        """A real restart: everything the broker held in memory is gone afterwards."""
        self.proxy.stop()
        stop_broker(self.process)
        self.proxy.target_port = free_port()
        # Clients may connect while it starts: they see a broker starting up, then the topics.
        self.proxy.start()
        self.process = self._spawn()
        self.restarts += 1

    def close(self) -> None:
        self.proxy.stop()
        stop_broker(self.process)
