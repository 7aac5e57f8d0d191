"""How the people service plugs into the shared runtime."""
from pathlib import Path

from services.people import db
from shared.runtime import ServiceSpec

SPEC = ServiceSpec(
    name="people",
    metadata=db.metadata,
    outbox=db.outbox,
    processed=db.processed_events,
    migrations_dir=Path(__file__).parent / "migrations",
)
