"""The people service's own database: all its tables, registered on one metadata."""
from services.people.models import Base, metadata, outbox, processed_events  # noqa: F401
