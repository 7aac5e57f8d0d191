"""The people service's declarative base and the column types its models share."""
from __future__ import annotations

import uuid

from sqlalchemy import String

from shared.db.tables import service_base
from shared.db.types import JsonDict, JsonList  # noqa: F401 - re-exported for the models

Base, outbox, processed_events = service_base()
metadata = Base.metadata


def new_id() -> str:
    return str(uuid.uuid4())


def id_column_type():
    return String(36)
