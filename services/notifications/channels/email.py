"""Email over SMTP: one plain-text UTF-8 message per delivery.

The Message-ID is derived from the delivery id, so a resend after a lost reply carries the
same id and mail clients (and people reading headers) can see it is the same message.
"""
from __future__ import annotations

import re
import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import TYPE_CHECKING

from services.notifications.channels.base import DeliveryError, OutgoingMessage

if TYPE_CHECKING:
    from services.notifications.channels.config import SmtpConfig

DELIVERY_HEADER = "X-Circles-Delivery"
# What RFC 5322 allows in the left part of a Message-ID; anything else becomes "-".
_NOT_ATOM = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]")


class SmtpChannel:
    name = "email"

    def __init__(self, config: SmtpConfig, *, now: Callable[[], float] = time.time):
        self.config = config
        self._now = now

    def send(self, message: OutgoingMessage) -> str:
        email = self.compose(message)
        try:
            with self._connect() as smtp:
                smtp.send_message(email)
        except OSError as exc:  # every smtplib and ssl error is an OSError
            raise _delivery_error(exc) from exc
        return email["Message-ID"]

    def compose(self, message: OutgoingMessage) -> EmailMessage:
        if "@" not in message.address:
            raise DeliveryError(f"not an email address: {message.address!r}", transient=False)
        email = EmailMessage()
        try:
            email["From"] = self.config.sender
            email["To"] = message.address
            # Templates may wrap; a header must not, and a raw newline would be refused anyway.
            email["Subject"] = " ".join(message.subject.split())
            email["Date"] = formatdate(self._now(), usegmt=True)
            email["Message-ID"] = message_id(message.delivery_id, self.config.sender)
            email[DELIVERY_HEADER] = message.delivery_id
        except ValueError as exc:  # a linefeed in an address: the message can never go out
            raise DeliveryError(f"unusable header: {exc}", transient=False) from exc
        # Quoted-printable keeps the body 7-bit, so no relay has to support 8BITMIME.
        email.set_content(message.body, subtype="plain", charset="utf-8", cte="quoted-printable")
        return email

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        try:
            if config.starttls:
                smtp.starttls(context=self._tls_context())
            if config.username:
                smtp.login(config.username, config.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if not self.config.verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


def message_id(delivery_id: str, sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "circles.invalid"
    return f"<{_NOT_ATOM.sub('-', delivery_id)}@{domain}>"


def _delivery_error(exc: OSError) -> DeliveryError:
    """Only an explicit 5xx from the server is final; anything on the way there may pass later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        transient = bool(codes) and all(400 <= code < 500 for code in codes)
        return DeliveryError(f"recipient refused: {exc.recipients}", transient=transient)
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return DeliveryError(f"SMTP {exc.smtp_code}: {detail}", transient=not 500 <= exc.smtp_code < 600)
    # Refused or dropped connections, timeouts, TLS failures, a server that went away.
    return DeliveryError(f"SMTP server unavailable: {exc!r}", transient=True)
