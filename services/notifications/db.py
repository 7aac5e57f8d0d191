"""The notifications service's own database. Domain tables arrive with the notifications issue;
the outbox and processed-events tables are here from the start."""
from shared.db.tables import service_base


Base, outbox, processed_events = service_base()
metadata = Base.metadata
