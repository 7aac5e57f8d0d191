"""The one catalogue of event types: name, topic, and the marshmallow schema of the data.

Producers validate what they write and consumers validate what they read against the same
schema. Type names are versioned: `circles.<service>.<aggregate>.<action>.v<N>`. A
breaking change to a payload is a new type (`.v2`), never an edit of the old one.
"""
from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import re
from collections.abc import Mapping

import marshmallow as ma
from marshmallow.decorators import PRE_LOAD, VALIDATES, VALIDATES_SCHEMA

from shared.events.envelope import CloudEvent

TYPE_PATTERN = re.compile(r"^circles\.(?P<service>[a-z]+)\.[a-z_]+\.[a-z_]+\.v(?P<version>\d+)$")


class UnknownEventType(LookupError):
    pass


class InvalidEventData(ValueError):
    def __init__(self, type_name: str, errors: dict):
        super().__init__(f"{type_name}: invalid data {errors}")
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class EventType:
    name: str
    schema: type[ma.Schema]
    description: str
    # "events" for the service's event stream; "privacy" for answers that carry a person's
    # data to the people service (short retention, see shared/privacy).
    stream: str = "events"

    @property
    def service(self) -> str:
        return TYPE_PATTERN.match(self.name)["service"]

    @property
    def topic(self) -> str:
        return topic_for(self.service, self.stream)

    @property
    def version(self) -> int:
        return int(TYPE_PATTERN.match(self.name)["version"])


def topic_for(service: str, stream: str = "events") -> str:
    return f"{service}.{stream}"


def dlq_topic_for(topic: str) -> str:
    return f"{topic}.dlq"


_CATALOGUE: dict[str, EventType] = {}


def register(name: str, schema: type[ma.Schema], description: str, stream: str = "events") -> EventType:
    if not TYPE_PATTERN.match(name):
        raise ValueError(f"event type {name!r} does not follow circles.<service>.<aggregate>.<action>.vN")
    if name in _CATALOGUE:
        raise ValueError(f"event type {name!r} registered twice")
    _CATALOGUE[name] = EventType(name, schema, description, stream)
    return _CATALOGUE[name]


def get(name: str) -> EventType:
    _load_schemas()
    try:
        return _CATALOGUE[name]
    except KeyError:
        raise UnknownEventType(name) from None


def all_types() -> list[EventType]:
    _load_schemas()
    return sorted(_CATALOGUE.values(), key=lambda t: t.name)


def _load_schemas() -> None:
    # Importing the schema modules registers them; done lazily to avoid import cycles.
    from shared.events import schemas  # noqa: F401


@functools.lru_cache(maxsize=None)
def _schema(type_name: str, unknown: str = ma.RAISE) -> ma.Schema:
    # Building a schema costs as much as using it; instances hold no per-call state.
    return get(type_name).schema(unknown=unknown)


def dump_data(type_name: str, data: dict) -> dict:
    """Serialise and validate data for an event type; JSON-safe on return."""
    schema = _schema(type_name)
    try:
        payload = schema.dump(data)
    except (TypeError, ValueError, AttributeError) as exc:  # a value of the wrong type
        raise InvalidEventData(type_name, {"_schema": [str(exc)]}) from exc
    if not _valid_by_fields(type_name, payload):
        errors = schema.validate(payload)
        if errors:
            raise InvalidEventData(type_name, errors)
    return payload


def _valid_by_fields(type_name: str, payload) -> bool:
    """True when schema.validate(payload) would find no error, checked by the same calls
    to the fields' own deserialize() that it makes, without its per-call bookkeeping;
    False sends the payload through schema.validate (for its errors, or a schema whose
    validation is more than its fields')."""
    checks = _field_checks(type_name)
    if checks is None or not isinstance(payload, Mapping):
        return False
    keys, fields, kwargs = checks
    if not payload.keys() <= keys:  # unknown fields: validate says which
        return False
    try:
        for key, field in fields:
            field.deserialize(payload.get(key, ma.missing), key, payload, **kwargs)
    except ma.ValidationError:
        return False
    return True


@functools.lru_cache(maxsize=None)
def _field_checks(type_name: str) -> tuple[frozenset[str], tuple[tuple[str, ma.fields.Field], ...], dict] | None:
    """(the keys a payload may have, (key, field) in load order, the keyword arguments
    validate() gives each field) for a schema whose validate() is exactly its fields'
    deserialize() plus the unknown-key check: no load or validation hooks, unknown=RAISE,
    not partial, not many, plain field names. Else None."""
    schema = _schema(type_name)
    hooks = getattr(schema, "_hooks", None)
    if hooks is None or any(hooks[tag] for tag in (PRE_LOAD, VALIDATES, VALIDATES_SCHEMA)):
        return None
    if schema.unknown != ma.RAISE or schema.partial not in (None, False) or schema.many:
        return None
    fields = []
    for name, field in schema.load_fields.items():
        if field.attribute is not None or "." in name:
            return None
        fields.append((field.data_key if field.data_key is not None else name, field))
    kwargs = {} if schema.partial is None else {"partial": schema.partial}  # as Schema._deserialize passes it
    return frozenset(key for key, _ in fields), tuple(fields), kwargs


def load_data(event: CloudEvent) -> dict:
    """Validate a received event's data and return it with Python types."""
    schema = _schema(event.type, ma.EXCLUDE)
    try:
        return schema.load(event.data)
    except ma.ValidationError as exc:
        raise InvalidEventData(event.type, exc.messages) from exc


def build_event(
    type_name: str,
    data: dict,
    *,
    source: str,
    subject: str | None,
    time: dt.datetime,
    correlation_id: str | None = None,
    partition_key: str | None = None,
) -> CloudEvent:
    return CloudEvent(
        type=type_name,
        source=source,
        data=dump_data(type_name, data),
        subject=subject,
        time=time,
        correlation_id=correlation_id,
        partition_key=partition_key,
    )
