"""The people service's declarative base and the column types its models share."""
from __future__ import annotations

import json
import uuid

from sqlalchemy import String, Text, TypeDecorator

from shared.db.tables import service_base

Base, outbox, processed_events = service_base()
metadata = Base.metadata


def new_id() -> str:
    return str(uuid.uuid4())


def id_column_type():
    return String(36)


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
