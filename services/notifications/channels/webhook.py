"""Webhooks: a signed JSON POST to the URL a recipient gave (Slack- and Teams-style `text`).

The signature covers "<timestamp>.<raw body>", so a receiver can tell the body is ours and
unchanged, and the timestamp lets it refuse a captured request replayed later.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from services.notifications.channels import http_post
from services.notifications.channels.base import DeliveryError, OutgoingMessage

if TYPE_CHECKING:
    from services.notifications.channels.config import WebhookConfig

TIMESTAMP_HEADER = "X-Circles-Timestamp"
SIGNATURE_HEADER = "X-Circles-Signature"
DELIVERY_HEADER = "X-Circles-Delivery"
SCHEME = "v1"


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """"v1=<hex HMAC-SHA256 of '<timestamp>.<body>'>" - the header value a receiver checks."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def verify_signature(secret: str, timestamp: int | str, body: bytes, signature: str, now: float,
                     tolerance: float = 300) -> bool:
    """For receivers: true only for our signature of exactly this body, made within `tolerance`
    seconds of `now`. The header may list several comma-separated signatures (key rotation)."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - stamp) > tolerance:
        return False
    expected = sign(secret, stamp, body)
    # compare_digest on every candidate: timing must not reveal how much of a guess matched.
    return any(hmac.compare_digest(expected.encode(), candidate.strip().encode())
               for candidate in signature.split(","))


class WebhookChannel:
    name = "webhook"

    def __init__(self, config: WebhookConfig, *, now: Callable[[], float] = time.time):
        self.config = config
        self._now = now

    def send(self, message: OutgoingMessage) -> None:
        url = _require_http_url(message.address)
        body = self.body(message)
        response = http_post.post(url, data=body, headers=self.headers(message, body),
                                  timeout=self.config.timeout, what="webhook")
        response.close()  # receivers assign no id worth keeping

    @staticmethod
    def body(message: OutgoingMessage) -> bytes:
        payload = {"text": f"{message.subject}\n{message.body}", "subject": message.subject,
                   "body": message.body, "delivery_id": message.delivery_id}
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def headers(self, message: OutgoingMessage, body: bytes) -> dict[str, str]:
        timestamp = int(self._now())
        headers = {"Content-Type": "application/json; charset=utf-8",
                   TIMESTAMP_HEADER: str(timestamp), DELIVERY_HEADER: message.delivery_id}
        # Without a configured secret the hook goes out unsigned; a receiver that checks refuses it.
        if self.config.secret:
            headers[SIGNATURE_HEADER] = sign(self.config.secret, timestamp, body)
        return headers


def _require_http_url(address: str) -> str:
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryError(f"not a webhook URL: {address!r}", transient=False)
    return address
