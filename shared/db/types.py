"""Column types shared by every service."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import DateTime, Text, TypeDecorator


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database.

    PostgreSQL keeps the zone; SQLite hands back naive values. Either way, Python code
    always sees aware UTC datetimes, so domain rules can compare them with the clock.
    """
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Circles stores aware UTC times only")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: dt.datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


class JsonList(TypeDecorator):
    """A JSON list stored as text: portable across SQLite and PostgreSQL."""
    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return json.dumps(list(value) if value is not None else [])

    def process_result_value(self, value, dialect):
        return json.loads(value) if value else []


class JsonDict(TypeDecorator):
    """A JSON object stored as text."""
    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return json.dumps(dict(value) if value is not None else {})

    def process_result_value(self, value, dialect):
        return json.loads(value) if value else {}
