"""How the reporting service plugs into the shared runtime."""
from pathlib import Path

from services.reporting import db, projections
from shared.runtime import ServiceSpec

SPEC = ServiceSpec(
    name="reporting",
    metadata=db.metadata,
    outbox=db.outbox,
    processed=db.processed_events,
    migrations_dir=Path(__file__).parent / "migrations",
    subscriptions=projections.subscriptions,
)
