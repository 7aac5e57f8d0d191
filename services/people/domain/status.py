"""A person's journey: intake, then active, then discharged, each step with a reason."""
from __future__ import annotations

ALLOWED = {
    "intake": ("active", "discharged"),
    "active": ("discharged",),
    # Re-engagement after discharge is normal in recovery: back to active, not a new record.
    "discharged": ("active",),
}


class TransitionError(ValueError):
    pass


def check_transition(current: str, target: str, reason: str) -> None:
    if target not in ALLOWED.get(current, ()):
        allowed = ", ".join(ALLOWED.get(current, ())) or "nothing"
        raise TransitionError(f"A person who is {current} can move to {allowed}, not {target}.")
    if not reason or not reason.strip():
        raise TransitionError("Every status change needs a reason.")
