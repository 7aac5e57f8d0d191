"""A real HTTP server that records every request: the SMS provider and webhook receiver of the tests.

In a thread:  sink = HttpSink().start(); sink.respond_with(503, times=2); ... sink.wait_for(...)
As a process: python -m tests.support.http_sink --port 9025 --record var/sink.jsonl
  Another process steers it over HTTP: POST /__sink/respond {"status": 503, "times": 2},
  POST /__sink/reset, GET /__sink/requests. These control calls are not recorded.

By default it answers 200 with {"id": "sink-<n>", "sid": "SM<hex>"}, which both the JSON
and the Twilio-style SMS clients read as the provider's message id.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

CONTROL = "/__sink/"


@dataclasses.dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.text, keep_blank_values=True))

    def as_record(self) -> dict:
        return {"method": self.method, "path": self.path, "headers": self.headers, "body": self.text}


@dataclasses.dataclass
class _Answer:
    status: int
    times: int | None  # None: until told otherwise
    body: bytes | None
    delay: float


class HttpSink:
    def __init__(self, port: int = 0, *, host: str = "127.0.0.1", record_to: Path | None = None):
        self.host, self.port, self.record_to = host, port, record_to
        self.requests: list[RecordedRequest] = []
        self._answers: list[_Answer] = []
        self._changed = threading.Condition()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "HttpSink":
        self._server = _Server((self.host, self.port), _Handler)
        self._server.sink = self
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, args=(0.1,), daemon=True).start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

    def respond_with(self, status: int, *, times: int | None = None, body: bytes | str | dict | None = None,
                     delay: float = 0.0) -> None:
        """Answer the next `times` requests (all, if None) with `status`, after `delay` seconds."""
        if isinstance(body, dict):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        with self._changed:
            self._answers.append(_Answer(status, times, body, delay))

    def reset(self) -> None:
        """Back to answering 200, and forget what was received."""
        with self._changed:
            self._answers.clear()
            self.requests.clear()

    def wait_for(self, predicate=lambda request: True, timeout: float = 5.0) -> RecordedRequest:
        deadline = time.monotonic() + timeout
        with self._changed:
            while (found := next((r for r in self.requests if predicate(r)), None)) is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [f"{r.method} {r.path}" for r in self.requests]
                    raise AssertionError(f"no matching request within {timeout}s; received: {seen}")
                self._changed.wait(left)
            return found

    def record(self, request: RecordedRequest) -> _Answer:
        """Keep the request and pick the answer to it, in one step so answers count exactly."""
        with self._changed:
            self.requests.append(request)
            if self.record_to is not None:
                with open(self.record_to, "a", encoding="utf-8") as out:
                    out.write(json.dumps(request.as_record(), ensure_ascii=False) + "\n")
            self._changed.notify_all()
            return self._next_answer(len(self.requests))

    def snapshot(self) -> list[dict]:
        with self._changed:
            return [request.as_record() for request in self.requests]

    def _next_answer(self, number: int) -> _Answer:
        while self._answers:
            answer = self._answers[0]
            if answer.times is None:
                return answer
            if answer.times > 0:
                answer.times -= 1
                return answer
            self._answers.pop(0)
        body = json.dumps({"id": f"sink-{number}", "sid": f"SM{number:032x}"}).encode()
        return _Answer(200, None, body, 0.0)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sink: HttpSink

    def handle_error(self, request, client_address):
        pass  # a client that timed out and hung up is what some tests are about, not an error


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def do_PUT(self):
        self._handle()

    def do_DELETE(self):
        self._handle()

    def log_message(self, format, *args):
        pass  # the recorded requests are the log

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith(CONTROL):
            return self._control(body)
        answer = self.server.sink.record(RecordedRequest(self.command, self.path, dict(self.headers.items()), body))
        time.sleep(answer.delay)
        self._reply(answer.status, answer.body or json.dumps({"status": answer.status}).encode())

    def _control(self, body: bytes) -> None:
        sink, action = self.server.sink, self.path[len(CONTROL):]
        if action == "respond":
            options = json.loads(body or b"{}")
            sink.respond_with(int(options["status"]), times=options.get("times"), body=options.get("body"),
                              delay=float(options.get("delay", 0)))
        elif action == "reset":
            sink.reset()
        elif action == "requests":
            return self._reply(200, json.dumps(sink.snapshot()).encode())
        else:
            return self._reply(404, b'{"error": "unknown control action"}')
        self._reply(204, b"")

    def _reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--record", type=Path, help="append each request received as a JSON line")
    parser.add_argument("--status", type=int, help="answer every request with this status")
    args = parser.parse_args(argv)
    sink = HttpSink(args.port, host=args.host, record_to=args.record)
    if args.status:
        sink.respond_with(args.status)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    sink.start()
    print(f"HTTP sink on {args.host}:{sink.port}", flush=True)
    try:
        while not stopping.wait(0.5):
            pass
    finally:
        sink.stop()


if __name__ == "__main__":
    main()
