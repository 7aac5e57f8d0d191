"""CloudEvents 1.0 envelope in Kafka binary content mode.

Attributes travel as `ce_*` headers, the data as a JSON body, `content-type` says so.
Extension attributes used by Circles: `correlationid` (the request that caused the event)
and `partitionkey` (the Kafka key, normally the person id).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from typing import Any, Iterable

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
REQUIRED_HEADERS = ("ce_specversion", "ce_id", "ce_type", "ce_source")
# What json.dumps(data, separators=(",", ":"), sort_keys=True) would build on every call.
_BODY_JSON = json.JSONEncoder(separators=(",", ":"), sort_keys=True)


class EnvelopeError(ValueError):
    """A Kafka record that is not a well-formed Circles CloudEvent."""


@dataclasses.dataclass(frozen=True)
class CloudEvent:
    type: str
    source: str
    data: dict[str, Any]
    subject: str | None = None
    id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    time: dt.datetime = dataclasses.field(
        default_factory=lambda: dt.datetime.now(dt.timezone.utc)
    )
    correlation_id: str | None = None
    partition_key: str | None = None

    @property
    def key(self) -> str:
        return self.partition_key or self.subject or self.id

    def headers(self) -> list[tuple[str, bytes]]:
        return [(name, value.encode()) for name, value in self.header_items()]

    def header_items(self) -> list[tuple[str, str]]:
        """The headers as text, in the order `headers()` sends them."""
        pairs = [
            ("ce_specversion", SPEC_VERSION),
            ("ce_id", self.id),
            ("ce_type", self.type),
            ("ce_source", self.source),
            ("ce_time", _format_time(self.time)),
            ("content-type", CONTENT_TYPE),
        ]
        if self.subject:
            pairs.append(("ce_subject", self.subject))
        if self.correlation_id:
            pairs.append(("ce_correlationid", self.correlation_id))
        pairs.append(("ce_partitionkey", self.key))
        return pairs

    def body(self) -> bytes:
        return self.body_text().encode()

    def body_text(self) -> str:
        """The body as text (the JSON that `body()` encodes)."""
        return _BODY_JSON.encode(self.data)


def _format_time(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _parse_time(raw: str | None) -> dt.datetime:
    if not raw:
        raise EnvelopeError("missing header ce_time")
    try:
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise EnvelopeError(f"ce_time is not RFC 3339: {raw!r}") from exc
    if moment.tzinfo is None:
        raise EnvelopeError(f"ce_time has no UTC offset: {raw!r}")
    return moment


def decode_headers(headers: Iterable[tuple[str, bytes | None]] | None) -> dict[str, str]:
    decoded: dict[str, str] = {}
    for name, value in headers or ():
        try:
            decoded[name] = (value or b"").decode()
        except UnicodeDecodeError as exc:
            raise EnvelopeError(f"header {name} is not UTF-8") from exc
    return decoded


def from_kafka(headers: Iterable[tuple[str, bytes | None]] | None, value: bytes | None) -> CloudEvent:
    """Parse a Kafka record into a CloudEvent, or raise EnvelopeError saying why not."""
    attrs = decode_headers(headers)
    missing = [name for name in REQUIRED_HEADERS if not attrs.get(name)]
    if missing:
        raise EnvelopeError(f"missing header(s): {', '.join(missing)}")
    if attrs["ce_specversion"] != SPEC_VERSION:
        raise EnvelopeError(f"unsupported specversion {attrs['ce_specversion']!r}")
    content_type = attrs.get("content-type", CONTENT_TYPE)
    if content_type.split(";", 1)[0].strip().lower() != CONTENT_TYPE:
        raise EnvelopeError(f"unsupported content-type {content_type!r}")
    try:
        data = json.loads(value or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        raise EnvelopeError(f"body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise EnvelopeError("body must be a JSON object")
    return CloudEvent(
        type=attrs["ce_type"],
        source=attrs["ce_source"],
        data=data,
        subject=attrs.get("ce_subject"),
        id=attrs["ce_id"],
        time=_parse_time(attrs.get("ce_time")),
        correlation_id=attrs.get("ce_correlationid"),
        partition_key=attrs.get("ce_partitionkey"),
    )
