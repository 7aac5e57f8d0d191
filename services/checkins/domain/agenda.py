"""The vocabulary of the guide's check-in agenda and the rhythms it recommends."""
from __future__ import annotations

RISK_KINDS = ("relapse", "suicidal_thoughts", "overdose_risk", "unsafe_housing", "violence", "other")
SEVERITIES = ("low", "medium", "high")
# A flag at this severity goes out as risk.flagged at once.
ALERT_SEVERITY = "high"
MEDICATION_ADHERENCE = ("full", "partial", "none", "not_prescribed")
ATTENDANCE_MODES = ("in_person", "online")
ACTION_OWNER_KINDS = ("contact", "staff")

RHYTHM_KINDS = ("weekly_checkin", "monthly_review", "custom")
SESSION_STATUSES = ("scheduled", "completed", "missed", "cancelled")

# Defaults per kind, from "Define structure and rhythm": a weekly 15-30 minute check-in,
# a monthly care-team review, and custom rhythms such as a peer drop-in.
RHYTHM_DEFAULTS = {
    "weekly_checkin": {"title": "Weekly check-in", "rrule": "FREQ=WEEKLY", "duration_minutes": 15,
                       "expects_record": True},
    "monthly_review": {"title": "Monthly care-team review", "rrule": "FREQ=MONTHLY", "duration_minutes": 60,
                       "expects_record": True},
    "custom": {"title": "Peer drop-in", "rrule": "FREQ=WEEKLY", "duration_minutes": 120, "expects_record": False},
}
WEEKLY_CHECKIN_MINUTES = (15, 30)


class AgendaError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def check_duration(kind: str, minutes: int) -> None:
    low, high = WEEKLY_CHECKIN_MINUTES
    if kind == "weekly_checkin" and not low <= minutes <= high:
        raise AgendaError(f"A weekly check-in lasts {low}-{high} minutes.", "duration_minutes")
    if not 5 <= minutes <= 8 * 60:
        raise AgendaError("A session lasts between 5 minutes and 8 hours.", "duration_minutes")


def check_participants(kind: str, staff_roles: list[str], contact_count: int) -> None:
    """The guide's line-up: weekly = person + peer worker + one clinician or family rep;
    monthly = clinician + peer worker (+ family rep where one has agreed)."""
    if kind == "weekly_checkin":
        if "peer_worker" not in staff_roles:
            raise AgendaError("A weekly check-in includes the person's peer worker.", "participants")
        if "clinician" not in staff_roles and contact_count == 0:
            raise AgendaError("A weekly check-in includes one clinician or family representative.",
                              "participants")
    if kind == "monthly_review" and not {"peer_worker", "clinician"} <= set(staff_roles):
        raise AgendaError("A monthly care-team review includes the clinician and the peer worker.",
                          "participants")


def alerting(flags: list[dict]) -> list[dict]:
    return [flag for flag in flags if flag["severity"] == ALERT_SEVERITY]
