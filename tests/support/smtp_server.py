"""A real SMTP server for the tests (aiosmtpd), in a thread or as its own process.

In a thread:  server = SmtpTestServer(tls=True).start(); ... server.wait_for(lambda m: ...)
As a process: python -m tests.support.smtp_server --port 1025 --outbox var/outbox.jsonl
  (each message accepted is appended there as one JSON line: to, from, subject, body, headers)

STARTTLS uses a self-signed certificate made at start with the openssl CLI (the venv has
no `cryptography`), so a client must opt out of verification to talk to it.
"""
from __future__ import annotations

import argparse
import email
import json
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

_REPLIES = {451: "451 4.3.0 Try again later", 550: "550 5.1.1 Mailbox unavailable"}


class SmtpTestServer:
    def __init__(self, port: int = 0, *, host: str = "127.0.0.1", tls: bool = False,
                 credentials: tuple[str, str] | None = None, outbox: Path | None = None):
        self.host, self.port, self.tls, self.credentials, self.outbox = host, port, tls, credentials, outbox
        self.messages: list[EmailMessage] = []
        self._failures: dict[str, tuple[int, int | None]] = {}  # stage -> (code, times left or None)
        self._changed = threading.Condition()
        self._controller: Controller | None = None
        self._certs: tempfile.TemporaryDirectory | None = None

    def start(self) -> "SmtpTestServer":
        self.port = self.port or _free_port()
        options = {}
        if self.tls:
            # Mail before STARTTLS is refused, so a delivery that arrives proves TLS was used.
            options.update(tls_context=self._tls_context(), require_starttls=True)
        if self.credentials:
            # Plain-text AUTH only where there is no TLS to require: a test server on loopback.
            options.update(authenticator=self._authenticate, auth_require_tls=self.tls)
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, **options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._certs is not None:
            self._certs.cleanup()
            self._certs = None

    def fail_with(self, code: int, *, times: int | None = None, stage: str = "rcpt") -> None:
        """Refuse at RCPT or DATA with `code` (451: try later, 550: never), `times` times or until accept()."""
        if stage not in ("rcpt", "data"):
            raise ValueError("stage is 'rcpt' or 'data'")
        with self._changed:
            self._failures[stage] = (code, times)

    def accept(self) -> None:
        with self._changed:
            self._failures.clear()

    def wait_for(self, predicate=lambda message: True, timeout: float = 5.0) -> EmailMessage:
        """The first message received that matches, waiting up to `timeout` seconds for it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((m for m in self.messages if predicate(m)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    subjects = [m["Subject"] for m in self.messages]
                    raise AssertionError(f"no matching message within {timeout}s; received: {subjects}")
                self._changed.wait(left)

    def take_failure(self, stage: str) -> str | None:
        """The reply to refuse with at this stage, if a failure is armed (and counts it down)."""
        with self._changed:
            code, times = self._failures.get(stage, (None, None))
            if code is None:
                return None
            if times is not None:
                if times <= 1:
                    del self._failures[stage]
                else:
                    self._failures[stage] = (code, times - 1)
            return _REPLIES.get(code, f"{code} {code // 100}.0.0 Refused by the test server")

    def record(self, envelope) -> None:
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._changed:
            self.messages.append(message)
            if self.outbox is not None:
                line = json.dumps(_as_record(message, envelope), ensure_ascii=False)
                with open(self.outbox, "a", encoding="utf-8") as out:
                    out.write(line + "\n")
            self._changed.notify_all()

    def _tls_context(self) -> ssl.SSLContext:
        self._certs = tempfile.TemporaryDirectory(prefix="smtp-tls-")
        cert, key = _self_signed_cert(Path(self._certs.name))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        return context

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        given = (auth_data.login.decode(), auth_data.password.decode())
        # handled=False on failure: aiosmtpd then sends the 535 itself.
        return AuthResult(success=given == self.credentials, handled=False)


class _Handler:
    def __init__(self, server: SmtpTestServer):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if refusal := self.server.take_failure("rcpt"):
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if refusal := self.server.take_failure("data"):
            return refusal
        self.server.record(envelope)
        return "250 Message accepted for delivery"


def read_outbox(path: Path) -> list[dict]:
    """What a server process has received so far, as the records it appended."""
    if not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",)) or message
    return part.get_content()


def _as_record(message: EmailMessage, envelope) -> dict:
    return {"to": list(envelope.rcpt_tos), "from": envelope.mail_from, "subject": message["Subject"],
            "body": text_body(message), "headers": {name: str(value) for name, value in message.items()}}


def _self_signed_cert(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    # An EC key: made in milliseconds, where RSA would slow every TLS test's start.
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--outbox", type=Path, help="append each message received as a JSON line")
    parser.add_argument("--tls", action="store_true", help="offer STARTTLS with a self-signed certificate")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--reject", type=int, help="refuse every recipient with this code (451, 550)")
    args = parser.parse_args(argv)
    credentials = (args.username, args.password or "") if args.username else None
    server = SmtpTestServer(args.port, host=args.host, tls=args.tls, credentials=credentials, outbox=args.outbox)
    if args.reject:
        server.fail_with(args.reject)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    server.start()
    print(f"SMTP test server on {args.host}:{server.port}", flush=True)
    try:
        while not stopping.wait(0.5):
            pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
