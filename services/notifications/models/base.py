"""The notifications service's declarative base; every table hangs off its metadata."""
from __future__ import annotations

import uuid

from shared.db.tables import service_base

Base, outbox, processed_events = service_base()
metadata = Base.metadata


def new_id() -> str:
    return str(uuid.uuid4())
