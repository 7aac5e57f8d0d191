"""Settings of the outbound channels, read from the environment, and the factory that builds them.

Defaults point at local test servers (an SMTP sink on :1025), so a laptop run never
reaches a real provider by accident.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from services.notifications.channels.base import Channel
from services.notifications.channels.email import SmtpChannel
from services.notifications.channels.sms import JsonSmsChannel, TwilioSmsChannel
from services.notifications.channels.webhook import WebhookChannel

SMS_PROVIDERS = ("json", "twilio")
PREFIX = "NOTIFICATIONS_"


@dataclasses.dataclass(frozen=True)
class SmtpConfig:
    host: str = "127.0.0.1"
    port: int = 1025
    starttls: bool = False
    username: str = ""
    password: str = ""
    sender: str = "circles@localhost"
    timeout: float = 10.0
    verify_tls: bool = True  # False only for a relay with a self-signed cert, never by default


@dataclasses.dataclass(frozen=True)
class SmsConfig:
    provider: str = "json"
    url: str = ""  # the JSON provider's endpoint, or the Twilio API base (empty: Twilio's own)
    token: str = ""
    account_sid: str = ""
    auth_token: str = ""
    sender: str = ""
    timeout: float = 10.0

    def __post_init__(self):
        if self.provider not in SMS_PROVIDERS:
            raise ValueError(f"SMS provider must be one of {SMS_PROVIDERS}, not {self.provider!r}")


@dataclasses.dataclass(frozen=True)
class WebhookConfig:
    secret: str = ""
    timeout: float = 10.0


@dataclasses.dataclass(frozen=True)
class ChannelConfig:
    smtp: SmtpConfig = SmtpConfig()
    sms: SmsConfig = SmsConfig()
    webhook: WebhookConfig = WebhookConfig()

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "ChannelConfig":
        env = _Env(environ)
        timeout = env.number("CHANNEL_TIMEOUT_SECONDS", 10.0)
        smtp = SmtpConfig(
            host=env.text("SMTP_HOST", "127.0.0.1"), port=int(env.number("SMTP_PORT", 1025)),
            starttls=env.flag("SMTP_STARTTLS", False), username=env.text("SMTP_USERNAME"),
            password=env.text("SMTP_PASSWORD"), sender=env.text("SMTP_FROM", "circles@localhost"),
            timeout=timeout, verify_tls=env.flag("SMTP_VERIFY_TLS", True))
        provider = env.text("SMS_PROVIDER", "json").lower()
        sms = SmsConfig(
            provider=provider, url=env.text("SMS_URL"),
            token=env.text("SMS_TOKEN"), account_sid=env.text("SMS_ACCOUNT_SID"),
            auth_token=env.text("SMS_AUTH_TOKEN"), sender=env.text("SMS_FROM"), timeout=timeout)
        webhook = WebhookConfig(secret=env.text("WEBHOOK_SECRET"), timeout=timeout)
        return cls(smtp=smtp, sms=sms, webhook=webhook)


def build_channels(config: ChannelConfig) -> dict[str, Channel]:
    """The outbound channels by name; the in-app inbox is built by the inbox module itself."""
    sms_class = TwilioSmsChannel if config.sms.provider == "twilio" else JsonSmsChannel
    channels: list[Channel] = [SmtpChannel(config.smtp), sms_class(config.sms), WebhookChannel(config.webhook)]
    return {channel.name: channel for channel in channels}


class _Env:
    """Typed reads of NOTIFICATIONS_* variables; a bad value fails at start-up, naming the variable."""

    def __init__(self, environ: Mapping[str, str]):
        self._environ = environ

    def text(self, name: str, default: str = "") -> str:
        value = self._environ.get(PREFIX + name, "").strip()
        return value or default

    def number(self, name: str, default: float) -> float:
        raw = self.text(name)
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{PREFIX}{name} must be a number, not {raw!r}") from None
        if value <= 0:
            raise ValueError(f"{PREFIX}{name} must be positive, not {raw!r}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        raw = self.text(name).lower()
        if not raw:
            return default
        if raw in ("1", "true", "yes", "on"):
            return True
        if raw in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{PREFIX}{name} must be 0 or 1, not {raw!r}")
