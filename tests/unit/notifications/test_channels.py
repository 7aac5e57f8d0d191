"""Channel logic that needs no server: signatures, phone numbers, Message-IDs, configuration."""
from __future__ import annotations

import hashlib
import hmac

import pytest

from services.notifications.channels.base import DeliveryError, OutgoingMessage
from services.notifications.channels.config import ChannelConfig, SmsConfig, SmtpConfig, WebhookConfig, build_channels
from services.notifications.channels.email import SmtpChannel, message_id
from services.notifications.channels.sms import JsonSmsChannel, TwilioSmsChannel, is_e164
from services.notifications.channels.webhook import WebhookChannel, sign, verify_signature

BODY = b'{"text":"hello"}'


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(b"s3cret", b"1760000000." + BODY, hashlib.sha256).hexdigest()
    assert sign("s3cret", 1760000000, BODY) == f"v1={expected}"


@pytest.mark.parametrize(("timestamp", "body", "now", "valid"), [
    ("1760000000", BODY, 1760000000, True),
    ("1760000000", BODY, 1760000300, True),  # at the edge of the tolerance
    ("1760000000", BODY, 1760000301, False),  # stale: a replay
    ("1760000000", BODY, 1759999699, False),  # from the future
    ("1760000000", b'{"text":"hellO"}', 1760000000, False),  # tampered body
    ("not-a-number", BODY, 1760000000, False),
])
def test_verify_signature(timestamp, body, now, valid):
    signature = sign("s3cret", 1760000000, BODY)
    assert verify_signature("s3cret", timestamp, body, signature, now=now) is valid


def test_verify_signature_accepts_any_of_several_signatures_during_key_rotation():
    header = f"{sign('old', 1760000000, BODY)}, {sign('new', 1760000000, BODY)}"
    assert verify_signature("new", 1760000000, BODY, header, now=1760000000)
    assert not verify_signature("other", 1760000000, BODY, header, now=1760000000)


def test_webhook_headers_are_signed_with_the_injected_time():
    channel = WebhookChannel(WebhookConfig(secret="s3cret"), now=lambda: 1760000000.7)
    outgoing = OutgoingMessage("d-1", "webhook", "https://hooks.example/x", "Subject", "Body")
    body = channel.body(outgoing)
    headers = channel.headers(outgoing, body)
    assert headers["X-Circles-Timestamp"] == "1760000000"
    assert verify_signature("s3cret", headers["X-Circles-Timestamp"], body, headers["X-Circles-Signature"],
                            now=1760000001)


@pytest.mark.parametrize(("number", "valid"), [
    ("+447700900123", True), ("+12025550123", True), ("+49301234", True), ("+123456789012345", True),
    ("447700900123", False), ("+44 7700 900123", False), ("+0447700900123", False),
    ("+4912345", False), ("+1234567890123456", False), ("+44770090012x", False), ("", False),
])
def test_e164(number, valid):
    assert is_e164(number) is valid


def test_message_id_is_derived_from_the_delivery_id_and_the_sender_domain():
    assert message_id("evt-1:staff 2", "Circles <circles@hub.example>") == "<evt-1-staff-2@hub.example>"
    assert message_id("d1", "") == "<d1@circles.invalid>"


def test_email_composition_refuses_what_can_never_be_sent():
    channel = SmtpChannel(SmtpConfig())
    for address in ("staff:42", "ana@example.org\nBcc: eve@example.org"):
        with pytest.raises(DeliveryError) as caught:
            channel.compose(OutgoingMessage("d1", "email", address, "Subject", "Body"))
        assert not caught.value.transient
    folded = channel.compose(OutgoingMessage("d1", "email", "ana@example.org", "Two\nlines", "Body"))
    assert folded["Subject"] == "Two lines"


def test_config_defaults_point_at_local_test_servers():
    config = ChannelConfig.from_env({})
    assert config == ChannelConfig()
    assert (config.smtp.host, config.smtp.port, config.smtp.starttls) == ("127.0.0.1", 1025, False)
    assert config.smtp.sender == "circles@localhost" and config.smtp.verify_tls
    assert config.sms.provider == "json" and config.webhook.timeout == 10


def test_config_reads_every_variable():
    config = ChannelConfig.from_env({
        "NOTIFICATIONS_SMTP_HOST": "smtp.example", "NOTIFICATIONS_SMTP_PORT": "587",
        "NOTIFICATIONS_SMTP_STARTTLS": "1", "NOTIFICATIONS_SMTP_USERNAME": "u",
        "NOTIFICATIONS_SMTP_PASSWORD": "p", "NOTIFICATIONS_SMTP_FROM": "noreply@example.org",
        "NOTIFICATIONS_SMS_PROVIDER": "twilio", "NOTIFICATIONS_SMS_URL": "http://127.0.0.1:9000",
        "NOTIFICATIONS_SMS_TOKEN": "t", "NOTIFICATIONS_SMS_ACCOUNT_SID": "AC1",
        "NOTIFICATIONS_SMS_AUTH_TOKEN": "a", "NOTIFICATIONS_SMS_FROM": "+447700900000",
        "NOTIFICATIONS_WEBHOOK_SECRET": "w", "NOTIFICATIONS_CHANNEL_TIMEOUT_SECONDS": "2.5",
    })
    assert config.smtp == SmtpConfig("smtp.example", 587, True, "u", "p", "noreply@example.org", 2.5)
    assert config.sms == SmsConfig("twilio", "http://127.0.0.1:9000", "t", "AC1", "a", "+447700900000", 2.5)
    assert (config.webhook.secret, config.webhook.timeout) == ("w", 2.5)


@pytest.mark.parametrize("environ", [
    {"NOTIFICATIONS_SMS_PROVIDER": "carrier-pigeon"},
    {"NOTIFICATIONS_SMTP_PORT": "smtp"},
    {"NOTIFICATIONS_SMTP_STARTTLS": "maybe"},
    {"NOTIFICATIONS_CHANNEL_TIMEOUT_SECONDS": "0"},
])
def test_config_refuses_bad_values_at_start_up(environ):
    with pytest.raises(ValueError, match="NOTIFICATIONS_|provider"):
        ChannelConfig.from_env(environ)


def test_build_channels_picks_the_sms_provider():
    channels = build_channels(ChannelConfig.from_env({}))
    assert sorted(channels) == ["email", "sms", "webhook"]
    assert isinstance(channels["sms"], JsonSmsChannel)
    twilio = build_channels(ChannelConfig.from_env({"NOTIFICATIONS_SMS_PROVIDER": "twilio"}))["sms"]
    assert isinstance(twilio, TwilioSmsChannel)
    assert twilio.url.startswith("https://api.twilio.com/2010-04-01/Accounts/")
