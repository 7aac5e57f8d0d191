"""The people service's own database: all its tables, registered on one metadata."""
from services.people.models import (  # noqa: F401
    Account,
    AuditEntry,
    Base,
    Contact,
    Organisation,
    Person,
    Site,
    StatusChange,
    metadata,
    outbox,
    processed_events,
)
