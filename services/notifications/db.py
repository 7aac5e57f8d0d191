"""The notifications service's own database. Domain tables arrive with the notifications issue;
the outbox and processed-events tables are here from the start."""
from sqlalchemy.orm import DeclarativeBase

from shared.db.tables import outbox_table, processed_events_table


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
outbox = outbox_table(metadata)
processed_events = processed_events_table(metadata)
