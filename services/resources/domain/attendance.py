"""The attendance option of a meeting, derived as TSML and the Meeting Guide app do."""
from __future__ import annotations

OPTIONS = ("in_person", "online", "hybrid", "inactive")
TEMPORARILY_CLOSED = "TC"


def attendance_option(types: list[str], approximate: bool, conference_url: str | None,
                      conference_phone: str | None) -> str:
    """Temporarily closed + online: online; closed only: inactive; online: hybrid (online
    if the address is only approximate); neither: in person (inactive if approximate)."""
    online = bool(conference_url or conference_phone)
    if TEMPORARILY_CLOSED in types:
        return "online" if online else "inactive"
    if online:
        return "online" if approximate else "hybrid"
    return "inactive" if approximate else "in_person"
