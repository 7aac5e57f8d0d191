"""The template context for each routed event, per recipient: names, local times and links.

Times are formatted here, in the recipient's own time zone; templates never format.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from services.notifications.links import Links
from services.notifications.models import Person, Staff
from services.notifications.usecases.recipients import Recipient
from shared import emergency_numbers
from shared.db.uow import UnitOfWork

SESSION_KINDS = {"weekly_checkin": "weekly check-in", "monthly_review": "monthly care-team review",
                 "custom": "session"}
# The guide's 30-day starter plan by task code, as check-ins names its tasks in events.
TASK_TITLES = {
    "safety-check": "Safety check: overdose and suicide risk, emergency numbers, naloxone if required.",
    "network-map": "Network map.", "intake-assessment": "Intake assessment.",
    "core-supports": "Identify and contact 3 core supports (clinician, peer, one family member or friend).",
    "first-checkin-arranged": "Arrange the first weekly check-in.",
    "first-weekly-checkin": "Hold the first 15-minute weekly check-in.", "crisis-plan": "Create the crisis plan.",
    "psychosocial-appointment": "Book one psychosocial appointment (CBT, CRA or a family session).",
    "meeting-lists": "Give meeting lists (in person and online); encourage trying one mutual-help meeting.",
    "emergency-support": "Apply for any emergency housing or benefits support.",
    "appointment-transport": "Arrange transport or a buddy for appointments.",
    "social-activity": "Introduce a social activity that is not substance-based (recovery café, gym, walk).",
    "monthly-review": "Monthly care-team review.",
    "measure-kpis": "Measure simple KPIs: attendance, days abstinent, medication adherence.",
    "adjust-network": "Adjust network roles and supports.",
}


def local_time(moment, timezone: str) -> str:
    value = moment if isinstance(moment, dt.datetime) else dt.datetime.fromisoformat(str(moment))
    local = value.astimezone(ZoneInfo(timezone))
    return f"{local:%A} {local.day} {local:%B}, {local:%H:%M}"


def local_date(value) -> str:
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{day.day} {day:%B %Y}"


def month_name(period: str) -> str:
    """'2026-11' -> 'November 2026'."""
    year, month = (int(part) for part in period.split("-"))
    return f"{dt.date(year, month, 1):%B %Y}"


def kpi_value(value: float, unit: str) -> str:
    """A KPI figure as staff read it. Percent values are percentage points (58.0 is 58%),
    with a decimal only when it says something (58.5%)."""
    if unit == "percent":
        return f"{value:.1f}".removesuffix(".0") + "%"
    if unit == "count":
        return str(round(value))
    return f"{value:.1f}"


def site_ref(site_id: str | None) -> str:
    # The read model has no site names: a short id, as person_ref is for persons.
    return f"site {str(site_id)[:8]}" if site_id else "all sites"


def build(uow: UnitOfWork, template: str, data: dict, person: Person | None, recipient: Recipient,
          links: Links) -> dict:
    person_id = person.person_id if person else ""
    base = {"person_name": (person.display_name if person else None) or "the person you support",
            "person_ref": person_id[:8]}
    builder = BUILDERS.get(template, lambda *a: {})
    return {**base, **builder(uow, data, person, recipient, links)}


def _missed_person(uow, data, person, recipient, links):
    peer = uow.session.get(Staff, person.peer_worker_id) if person.peer_worker_id else None
    return {"session_time": local_time(data["starts_at"], recipient.timezone),
            "peer_worker_name": peer.display_name if peer else "your peer worker"}


def _missed_staff(uow, data, person, recipient, links):
    return {"session_kind": SESSION_KINDS.get(data["kind"], "session"),
            "session_time": local_time(data["starts_at"], recipient.timezone),
            "consecutive_misses": data["consecutive_misses"], "sessions_url": links.sessions(person.person_id)}


def _crisis(uow, data, person, recipient, links):
    numbers = emergency_numbers.numbers_for(data.get("region") or person.region)
    return {"emergency_numbers": [{"label": n.label, "number": n.number} for n in numbers],
            "for_staff": recipient.for_staff, "flag_kinds": list(data["kinds"]) if recipient.for_staff else [],
            "person_url": links.person(person.person_id) if recipient.for_staff else ""}


def _upcoming(uow, data, person, recipient, links):
    return {"title": data["title"], "start_time": local_time(data["starts_at"], recipient.timezone),
            "lead": data["lead"]}


def _assessment(uow, data, person, recipient, links):
    return {"due_on": local_date(dt.datetime.fromisoformat(str(data["due_at"])).date()),
            "assessment_url": links.person(person.person_id)}


def _action_item(uow, data, person, recipient, links):
    return {"due_on": local_date(data["due_on"]), "item_url": links.action_items(person.person_id)}


def _plan_task(uow, data, person, recipient, links):
    return {"task_code": data["code"], "task_titles": TASK_TITLES, "due_on": local_date(data["due_on"]),
            "plan_url": links.starter_plan(person.person_id)}


def _consent(uow, data, person, recipient, links):
    return {"shared_with": data["shared_with"], "expires_on": local_date(data["expires_at"].date()),
            "consent_url": links.person(person.person_id)}


def _invitation(uow, data, person, recipient, links):
    return {"organisation_name": data.get("organisation_name") or "your recovery network",
            "accept_url": f"{links.people}/invitations/accept?token={data['token']}",
            "expires_at": local_time(data["expires_at"], recipient.timezone)}


def _kpi_breach(uow, data, person, recipient, links):
    site_id, period = data.get("site_id") and str(data["site_id"]), data["period"]
    return {"kpi_name": data["kpi_name"], "value": kpi_value(data["value"], data["unit"]),
            "threshold": kpi_value(data["threshold"], data["unit"]), "site_name": site_ref(site_id),
            "month": month_name(period), "dashboard_url": links.reporting_dashboard(site_id, period)}


BUILDERS = {
    "checkin.missed.person": _missed_person, "checkin.missed.staff": _missed_staff,
    "checkin.missed.supporter": lambda *a: {}, "risk.flagged.crisis": _crisis, "session.upcoming": _upcoming,
    "assessment.due": _assessment, "action_item.overdue": _action_item, "plan_task.overdue": _plan_task,
    "consent.expiring": _consent, "kpi.threshold_breached": _kpi_breach, "invitation.sent": _invitation,
}
