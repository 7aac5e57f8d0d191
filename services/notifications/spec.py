"""How the notifications service plugs into the shared runtime."""
from pathlib import Path

from services.notifications import db
from shared.runtime import ServiceSpec

SPEC = ServiceSpec(
    name="notifications",
    metadata=db.metadata,
    outbox=db.outbox,
    processed=db.processed_events,
    migrations_dir=Path(__file__).parent / "migrations",
)
