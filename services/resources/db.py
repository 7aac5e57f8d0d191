"""The resources service's own database: all its tables, registered on one metadata."""
from services.resources.models import Base, metadata, outbox, processed_events  # noqa: F401
