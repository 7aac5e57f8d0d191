"""Outbox rows as the unit of work writes them at commit: a few events with one executemany,
many at once with one COPY on PostgreSQL; either way the same rows, in publish order."""
import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from shared.db import uow as uow_module
from tests.support.sql_log import statements_sent

CHECKIN_COMPLETED = "circles.checkins.checkin.completed.v1"
ORG = "11111111-1111-4111-8111-111111111111"


def publish(runtime, clock, count):
    events = []
    with runtime.uow() as uow:
        for index in range(count):
            person = str(uuid.uuid4())
            events.append(uow.publish(CHECKIN_COMPLETED, {
                "checkin_id": uuid.uuid4(), "person_id": person, "organisation_id": ORG, "site_id": None,
                "session_id": None, "completed_at": clock.now() - dt.timedelta(minutes=index), "wellbeing": 6,
                "medication_adherence": "it's \"fine\"\\n\ttab, ünïcode",  # text COPY must escape
            }, subject=person, partition_key=None if index % 2 else f"key-{index}"))
        uow.commit()
    return events


@pytest.mark.parametrize("count", [1, uow_module.COPY_FROM_ROWS - 1, uow_module.COPY_FROM_ROWS, 40])
def test_outbox_rows_are_the_events_as_published_however_many(runtime_for, clock, count):
    runtime = runtime_for("checkins")
    outbox = runtime.spec.outbox
    with statements_sent(runtime.engine) as statements:
        events = publish(runtime, clock, count)
    inserts = [statement for statement in statements if statement.startswith("INSERT INTO outbox")]
    copied = count >= uow_module.COPY_FROM_ROWS and runtime.engine.dialect.name == "postgresql"
    assert len(inserts) == (0 if copied else 1)
    columns = ["event_id", "topic", "partition_key", "event_type", "headers", "payload", "created_at"]
    with runtime.engine.connect() as conn:
        rows = conn.execute(select(outbox).order_by(outbox.c.id)).mappings().all()
    assert [{name: row[name] for name in columns} for row in rows] == \
        [uow_module.outbox_row(published, clock.now()) for published in events]
    assert all(row["published_at"] is None for row in rows)
