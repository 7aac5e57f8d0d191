"""One module per publishing service; importing them fills the catalogue."""
from shared.events.schemas import checkins, notifications, people, reporting, resources  # noqa: F401
