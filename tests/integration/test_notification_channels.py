"""The delivery channels against real local servers: an SMTP server and a recording HTTP sink."""
from __future__ import annotations

import base64
import email.utils
import json
import socket
import subprocess
import sys
import time

import pytest
import requests

from services.notifications.channels.base import DeliveryError, OutgoingMessage
from services.notifications.channels.config import SmsConfig, SmtpConfig, WebhookConfig
from services.notifications.channels.email import SmtpChannel
from services.notifications.channels.sms import JsonSmsChannel, TwilioSmsChannel
from services.notifications.channels.webhook import WebhookChannel, verify_signature
from tests.support.http_sink import HttpSink
from tests.support.infra import free_port
from tests.support.processes import ROOT
from tests.support.smtp_server import SmtpTestServer, read_outbox, text_body

pytestmark = pytest.mark.integration

BODY = "Sam missed their check-in today — 999"
SECRET = "hook-secret"


def message(channel: str, address: str, delivery_id: str = "evt-7:staff-3") -> OutgoingMessage:
    return OutgoingMessage(delivery_id, channel, address, "Missed check-in — Sam", BODY)


def failure(channel, outgoing: OutgoingMessage) -> DeliveryError:
    with pytest.raises(DeliveryError) as caught:
        channel.send(outgoing)
    return caught.value


@pytest.fixture
def smtp():
    server = SmtpTestServer().start()
    yield server
    server.stop()


@pytest.fixture
def tls_smtp():
    server = SmtpTestServer(tls=True, credentials=("circles", "s3cret")).start()
    yield server
    server.stop()


@pytest.fixture
def sink():
    server = HttpSink().start()
    yield server
    server.stop()


def email_channel(server: SmtpTestServer, **options) -> SmtpChannel:
    return SmtpChannel(SmtpConfig(port=server.port, sender="Circles <circles@hub.example>", timeout=5, **options))


# -- email --------------------------------------------------------------------------------

def test_email_arrives_with_its_headers_and_utf8_body(smtp):
    returned = email_channel(smtp).send(message("email", "ana@example.org"))
    received = smtp.wait_for()
    assert received["To"] == "ana@example.org" and received["From"] == "Circles <circles@hub.example>"
    assert received["Subject"] == "Missed check-in — Sam"
    assert text_body(received).strip() == BODY
    assert received["Message-ID"] == returned == "<evt-7-staff-3@hub.example>"
    assert received["X-Circles-Delivery"] == "evt-7:staff-3"
    assert abs(email.utils.parsedate_to_datetime(received["Date"]).timestamp() - time.time()) < 60
    # A resend of the same delivery is recognisable by its Message-ID.
    assert email_channel(smtp).send(message("email", "ana@example.org")) == returned


def test_starttls_and_login_when_verification_is_turned_off(tls_smtp):
    # The TLS server refuses mail before STARTTLS, so arriving proves the session was encrypted.
    channel = email_channel(tls_smtp, starttls=True, verify_tls=False, username="circles", password="s3cret")
    channel.send(message("email", "ana@example.org"))
    assert text_body(tls_smtp.wait_for()).strip() == BODY


def test_a_self_signed_certificate_is_refused_by_default(tls_smtp):
    error = failure(email_channel(tls_smtp, starttls=True), message("email", "ana@example.org"))
    assert error.transient and "CERTIFICATE_VERIFY_FAILED" in str(error)
    assert tls_smtp.messages == []


def test_wrong_credentials_are_permanent(tls_smtp):
    channel = email_channel(tls_smtp, starttls=True, verify_tls=False, username="circles", password="nope")
    error = failure(channel, message("email", "ana@example.org"))
    assert not error.transient and "535" in str(error)


@pytest.mark.parametrize("stage", ["rcpt", "data"])
@pytest.mark.parametrize(("code", "transient"), [(451, True), (550, False)])
def test_smtp_refusals_map_to_transient_or_permanent(smtp, code, transient, stage):
    smtp.fail_with(code, times=1, stage=stage)
    channel = email_channel(smtp)
    assert failure(channel, message("email", "ana@example.org")).transient is transient
    channel.send(message("email", "ana@example.org"))  # the next attempt goes through
    assert len(smtp.messages) == 1


def test_a_closed_port_is_transient():
    channel = SmtpChannel(SmtpConfig(port=free_port(), timeout=2))
    assert failure(channel, message("email", "ana@example.org")).transient


def test_a_server_that_never_answers_times_out_as_transient():
    with socket.socket() as silent:  # accepts the TCP connection, never sends a greeting
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        channel = SmtpChannel(SmtpConfig(port=silent.getsockname()[1], timeout=0.3))
        started = time.monotonic()
        assert failure(channel, message("email", "ana@example.org")).transient
        assert time.monotonic() - started < 3


# -- SMS ----------------------------------------------------------------------------------

def json_sms(sink: HttpSink, **options) -> JsonSmsChannel:
    return JsonSmsChannel(SmsConfig(url=f"{sink.url}/v1/messages", token="tok-1", sender="+447700900000",
                                    timeout=options.pop("timeout", 5), **options))


def twilio_sms(sink: HttpSink) -> TwilioSmsChannel:
    return TwilioSmsChannel(SmsConfig(provider="twilio", url=sink.url, account_sid="AC123", auth_token="tw-secret",
                                      sender="+447700900000", timeout=5))


def test_json_sms_posts_the_message_with_a_bearer_token(sink):
    assert json_sms(sink).send(message("sms", "+447700900123")) == "sink-1"
    request = sink.wait_for()
    assert (request.method, request.path) == ("POST", "/v1/messages")
    assert request.header("Authorization") == "Bearer tok-1"
    assert request.json() == {"to": "+447700900123", "from": "+447700900000", "body": BODY,
                              "reference": "evt-7:staff-3"}
    sink.respond_with(202, times=1, body={"message_id": "prov-42"})
    assert json_sms(sink).send(message("sms", "+447700900123")) == "prov-42"


def test_twilio_sms_posts_a_form_with_basic_auth(sink):
    sid = twilio_sms(sink).send(message("sms", "+447700900123"))
    request = sink.wait_for()
    assert request.path == "/2010-04-01/Accounts/AC123/Messages.json"
    assert request.header("Authorization") == "Basic " + base64.b64encode(b"AC123:tw-secret").decode()
    assert request.form() == {"To": "+447700900123", "From": "+447700900000", "Body": BODY}
    assert sid == "SM" + "1".rjust(32, "0")


@pytest.mark.parametrize("build", [json_sms, twilio_sms], ids=["json", "twilio"])
@pytest.mark.parametrize(("status", "transient"), [(503, True), (429, True), (500, True), (400, False), (401, False)])
def test_sms_provider_statuses_map_to_transient_or_permanent(sink, build, status, transient):
    sink.respond_with(status, times=1)
    assert failure(build(sink), message("sms", "+447700900123")).transient is transient
    assert build(sink).send(message("sms", "+447700900123"))  # the next attempt goes through


@pytest.mark.parametrize("build", [json_sms, twilio_sms], ids=["json", "twilio"])
def test_a_number_that_is_not_e164_fails_for_good_without_a_request(sink, build):
    assert not failure(build(sink), message("sms", "07700 900123")).transient
    assert sink.requests == []


def test_an_unreachable_or_slow_provider_is_transient(sink):
    down = JsonSmsChannel(SmsConfig(url=f"http://127.0.0.1:{free_port()}/send", timeout=2))
    assert failure(down, message("sms", "+447700900123")).transient
    sink.respond_with(200, delay=1.5)
    assert failure(json_sms(sink, timeout=0.3), message("sms", "+447700900123")).transient
    assert len(sink.requests) == 1  # no retry inside the channel


# -- webhook ------------------------------------------------------------------------------

def test_webhook_posts_signed_json_that_the_receiver_can_verify(sink):
    channel = WebhookChannel(WebhookConfig(secret=SECRET, timeout=5))
    assert channel.send(message("webhook", f"{sink.url}/hooks/x")) is None
    request = sink.wait_for()
    assert request.path == "/hooks/x"
    assert request.json() == {"text": f"Missed check-in — Sam\n{BODY}", "subject": "Missed check-in — Sam",
                              "body": BODY, "delivery_id": "evt-7:staff-3"}
    assert "—".encode() in request.body  # UTF-8 on the wire, not \u escapes
    timestamp, signature = request.header("X-Circles-Timestamp"), request.header("X-Circles-Signature")
    assert signature.startswith("v1=") and abs(int(timestamp) - time.time()) < 60
    assert verify_signature(SECRET, timestamp, request.body, signature, now=time.time())
    assert not verify_signature(SECRET, timestamp, request.body.replace(b"999", b"998"), signature, now=time.time())
    assert not verify_signature(SECRET, timestamp, request.body, signature, now=int(timestamp) + 301)
    assert not verify_signature("other-secret", timestamp, request.body, signature, now=time.time())


@pytest.mark.parametrize(("status", "transient"), [(503, True), (429, True), (400, False), (404, False)])
def test_webhook_statuses_map_to_transient_or_permanent(sink, status, transient):
    sink.respond_with(status, times=1)
    channel = WebhookChannel(WebhookConfig(secret=SECRET, timeout=5))
    assert failure(channel, message("webhook", f"{sink.url}/hook")).transient is transient


def test_webhook_to_a_closed_port_is_transient_and_to_a_non_url_permanent():
    channel = WebhookChannel(WebhookConfig(secret=SECRET, timeout=2))
    assert failure(channel, message("webhook", f"http://127.0.0.1:{free_port()}/hook")).transient
    assert not failure(channel, message("webhook", "staff:42")).transient


# -- the servers as separate processes, as the end-to-end tests run them --------------------

def start_process(module: str, *args: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", f"tests.support.{module}", *args], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    process.stdout.readline()  # the banner: it is listening
    return process


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    assert process.wait(10) == 0  # SIGTERM is a clean stop


def test_smtp_server_process_appends_what_arrives_to_its_outbox(tmp_path):
    port, outbox = free_port(), tmp_path / "outbox.jsonl"
    process = start_process("smtp_server", "--port", str(port), "--outbox", str(outbox))
    try:
        SmtpChannel(SmtpConfig(port=port, timeout=5)).send(message("email", "ana@example.org"))
    finally:
        stop_process(process)
    [record] = read_outbox(outbox)
    assert record["to"] == ["ana@example.org"] and record["from"] == "circles@localhost"
    assert record["subject"] == "Missed check-in — Sam" and record["body"].strip() == BODY
    assert record["headers"]["X-Circles-Delivery"] == "evt-7:staff-3"


def test_http_sink_process_records_requests_and_takes_orders_over_http(tmp_path):
    port, record = free_port(), tmp_path / "sink.jsonl"
    process = start_process("http_sink", "--port", str(port), "--record", str(record))
    base = f"http://127.0.0.1:{port}"
    try:
        requests.post(f"{base}/__sink/respond", json={"status": 503, "times": 1}, timeout=5)
        channel = JsonSmsChannel(SmsConfig(url=f"{base}/send", token="t", timeout=5))
        assert failure(channel, message("sms", "+447700900123")).transient
        assert channel.send(message("sms", "+447700900123")) == "sink-2"
        seen = requests.get(f"{base}/__sink/requests", timeout=5).json()
    finally:
        stop_process(process)
    assert [r["path"] for r in seen] == ["/send", "/send"]
    lines = record.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(json.loads(lines[0])["body"])["body"] == BODY
