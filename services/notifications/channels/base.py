"""The one interface every delivery channel implements.

The dispatcher hands a channel one rendered message for one recipient address and gets
back the provider's message id, or a DeliveryError saying whether trying again later can
help (transient: a server down, a 5xx, a timeout) or not (permanent: a rejected address,
a 4xx other than 429). Channels never see the person's record, only the message.
"""
from __future__ import annotations

import dataclasses
from typing import Protocol

CHANNELS = ("email", "sms", "webhook", "inbox")


@dataclasses.dataclass(frozen=True)
class OutgoingMessage:
    delivery_id: str  # unique per (source event, recipient, channel); providers may use it to dedupe
    channel: str
    address: str  # an email address, an E.164 phone number, a webhook URL, or an inbox owner "staff:<id>"
    subject: str
    body: str


class DeliveryError(Exception):
    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


class Channel(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> str | None:
        """Deliver the message or raise DeliveryError; returns the provider's id if any."""
