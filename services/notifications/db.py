"""The notifications service's own database: all its tables, registered on one metadata."""
from services.notifications.models import Base, metadata, outbox, processed_events  # noqa: F401
