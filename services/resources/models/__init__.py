"""Every table of the resources service; importing this registers them all on metadata."""
from services.resources.models.listing import Base, Listing, metadata, outbox, processed_events  # noqa: F401
