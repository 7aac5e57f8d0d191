"""One module per publishing service; importing them fills the catalogue."""
from shared.events.schemas import checkins, notifications, people, privacy, reporting, resources  # noqa: F401
