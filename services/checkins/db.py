"""The check-ins service's own database: all its tables, registered on one metadata."""
from services.checkins.models import Base, metadata, outbox, processed_events  # noqa: F401
