"""SMS through an HTTP provider: a generic JSON API, or Twilio's Messages API.

An SMS has no subject: only the body is sent. Numbers are checked before any request, so a
typo in a contact's number fails at once and for good instead of costing a provider call.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from services.notifications.channels import http_post
from services.notifications.channels.base import DeliveryError, OutgoingMessage

if TYPE_CHECKING:
    from services.notifications.channels.config import SmsConfig

TWILIO_API = "https://api.twilio.com"
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")  # a country code never starts with 0


def is_e164(number: str) -> bool:
    return _E164.fullmatch(number) is not None


def require_e164(number: str) -> str:
    if not is_e164(number):
        raise DeliveryError(f"not an E.164 phone number: {number!r}", transient=False)
    return number


class JsonSmsChannel:
    """POST {"to", "from", "body", "reference"} with a bearer token; the reply names the id."""

    name = "sms"

    def __init__(self, config: SmsConfig):
        self.config = config

    def send(self, message: OutgoingMessage) -> str | None:
        to = require_e164(message.address)
        payload = {"to": to, "from": self.config.sender, "body": message.body,
                   "reference": message.delivery_id}  # lets the provider drop a resend
        response = http_post.post(self.config.url, json=payload, timeout=self.config.timeout, what="SMS provider",
                                  headers={"Authorization": f"Bearer {self.config.token}"})
        return http_post.json_field(response, "id", "message_id")


class TwilioSmsChannel:
    """Twilio's Messages API: a form POST with HTTP basic auth as (account SID, auth token)."""

    name = "sms"

    def __init__(self, config: SmsConfig):
        self.config = config

    @property
    def url(self) -> str:
        base = (self.config.url or TWILIO_API).rstrip("/")
        return f"{base}/2010-04-01/Accounts/{self.config.account_sid}/Messages.json"

    def send(self, message: OutgoingMessage) -> str | None:
        to = require_e164(message.address)
        form = {"To": to, "From": self.config.sender, "Body": message.body}
        response = http_post.post(self.url, data=form, timeout=self.config.timeout, what="Twilio",
                                  auth=(self.config.account_sid, self.config.auth_token))
        return http_post.json_field(response, "sid")
