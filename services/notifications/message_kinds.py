"""The registry of message kinds: what each is for, the context it needs, and sample data.

The sample data doubles as the preview default and as test data, so every template is
proven to render against exactly the fields the registry declares. Times and dates are
strings because the caller formats them in the recipient's time zone and locale.
"""
from __future__ import annotations

import dataclasses

from shared.emergency_numbers import DEFAULTS

ALL_CHANNELS = ("email", "sms", "webhook", "inbox")
PERSONAL = ("email", "sms", "inbox")  # people in recovery, supporters: no webhooks
STAFF = ALL_CHANNELS


@dataclasses.dataclass(frozen=True)
class KindSpec:
    description: str
    fields: tuple[str, ...]  # required; None counts as missing
    sample: dict
    channels: tuple[str, ...] = PERSONAL
    optional: dict = dataclasses.field(default_factory=dict)  # defaults merged under the context
    non_empty: tuple[str, ...] = ()  # lists that must have at least one entry
    choices: dict = dataclasses.field(default_factory=dict)  # field -> allowed values
    variants: tuple[dict, ...] = ()  # further sample contexts (merged over `sample`)


SITE_URL = "https://circles.example.org"
PERSON_URL = f"{SITE_URL}/staff/persons/3f6c2a10"
GB_NUMBERS = [{"label": n.label, "number": n.number} for n in DEFAULTS["GB"]]

# The guide's 30-day starter plan, code -> title, as the checkins service names its tasks.
# Callers pass their own map; this copy only feeds previews and tests.
SAMPLE_TASK_TITLES = {
    "safety-check": "Safety check: overdose and suicide risk, emergency numbers, naloxone if required.",
    "network-map": "Network map.",
    "intake-assessment": "Intake assessment.",
    "core-supports": "Identify and contact 3 core supports (clinician, peer, one family member or friend).",
    "first-checkin-arranged": "Arrange the first weekly check-in.",
    "first-weekly-checkin": "Hold the first 15-minute weekly check-in.",
    "crisis-plan": "Create the crisis plan.",
    "psychosocial-appointment": "Book one psychosocial appointment (CBT, CRA or a family session).",
    "meeting-lists": "Give meeting lists (in person and online); encourage trying one mutual-help meeting.",
    "emergency-support": "Apply for any emergency housing or benefits support.",
    "appointment-transport": "Arrange transport or a buddy for appointments.",
    "social-activity": "Peer coach introduces a social activity that is not substance-based "
                       "(recovery café, gym, walk).",
    "monthly-review": "Monthly care-team review.",
    "measure-kpis": "Measure simple KPIs: attendance, days abstinent, medication adherence.",
    "adjust-network": "Adjust network roles and supports.",
}

KINDS: dict[str, KindSpec] = {
    "checkin.missed.person": KindSpec(
        "A gentle reminder to the person that they missed a check-in, and how to get back in touch.",
        ("person_name", "session_time", "peer_worker_name"),
        {"person_name": "Sam", "session_time": "Monday 2 March, 10:00",
         "peer_worker_name": "Priya", "peer_worker_phone": "07700 900123"},
        # The organisation's number for the peer worker, where it has one.
        optional={"peer_worker_phone": ""},
        variants=({"peer_worker_phone": ""},),
    ),
    "checkin.missed.supporter": KindSpec(
        "The bare minimum for a consenting family member or friend: the person missed a check-in.",
        ("person_name",),
        {"person_name": "Sam"},
    ),
    "checkin.missed.staff": KindSpec(
        "To the peer worker or clinical lead: who missed which session, and how many in a row.",
        ("person_ref", "person_name", "session_kind", "session_time", "consecutive_misses", "sessions_url"),
        {"person_ref": "P-1042", "person_name": "Sam", "session_kind": "weekly check-in",
         "session_time": "Monday 2 March, 10:00", "consecutive_misses": 2,
         "sessions_url": f"{PERSON_URL}/sessions"},
        channels=STAFF,
    ),
    "risk.flagged.crisis": KindSpec(
        "Urgent, to crisis contacts and staff: the person may need support now. Always carries the "
        "emergency numbers for the region; names the flag kinds only when for_staff is true.",
        ("person_name", "emergency_numbers"),
        {"person_name": "Sam", "emergency_numbers": GB_NUMBERS},
        channels=STAFF,
        optional={"for_staff": False, "flag_kinds": [], "person_ref": "", "person_url": ""},
        non_empty=("emergency_numbers",),
        variants=({"for_staff": True, "flag_kinds": ["overdose_risk", "relapse"],
                   "person_ref": "P-1042", "person_url": PERSON_URL},),
    ),
    "session.upcoming": KindSpec(
        "To a session's participants, 24 hours or 1 hour before it starts.",
        ("title", "start_time", "lead"),
        {"title": "Weekly check-in", "start_time": "Tuesday 3 March, 10:00", "lead": "PT24H"},
        choices={"lead": ("PT24H", "PT1H")},
        variants=({"lead": "PT1H", "start_time": "10:00"},),
    ),
    "assessment.due": KindSpec(
        "To the peer worker or clinical lead: the person's assessment review is due.",
        ("person_ref", "person_name", "due_on", "assessment_url"),
        {"person_ref": "P-1042", "person_name": "Sam", "due_on": "16 March 2026",
         "assessment_url": f"{PERSON_URL}/assessments"},
        channels=STAFF,
    ),
    "action_item.overdue": KindSpec(
        "To an action item's owner: an item for the person is overdue (never the item's text).",
        ("person_name", "due_on", "item_url"),
        {"person_name": "Sam", "due_on": "4 March 2026", "item_url": f"{SITE_URL}/action-items/9b1d"},
        channels=STAFF,
    ),
    "plan_task.overdue": KindSpec(
        "To the peer worker: a task of the person's 30-day starter plan is overdue.",
        ("person_ref", "person_name", "task_code", "task_titles", "due_on", "plan_url"),
        {"person_ref": "P-1042", "person_name": "Sam", "task_code": "crisis-plan",
         "task_titles": SAMPLE_TASK_TITLES, "due_on": "15 March 2026", "plan_url": f"{PERSON_URL}/starter-plan"},
        channels=STAFF,
    ),
    "consent.expiring": KindSpec(
        "To the coordinator: a consent to share a person's information expires soon.",
        ("person_ref", "person_name", "shared_with", "expires_on", "consent_url"),
        {"person_ref": "P-1042", "person_name": "Sam", "shared_with": "Alex (family)",
         "expires_on": "31 March 2026", "consent_url": f"{PERSON_URL}/consents"},
        channels=STAFF,
    ),
    "kpi.threshold_breached": KindSpec(
        "To site coordinators: a monthly KPI crossed its threshold.",
        ("kpi_name", "value", "threshold", "site_name", "month", "dashboard_url"),
        {"kpi_name": "Completed check-ins", "value": "62%", "threshold": "75%", "site_name": "Riverside hub",
         "month": "February 2026", "dashboard_url": f"{SITE_URL}/staff/dashboard?site=3f6c2a10&month=2026-02"},
        channels=STAFF,
    ),
    "invitation.sent": KindSpec(
        "An invitation to join an organisation on Circles: the link to accept and when it expires.",
        ("organisation_name", "accept_url", "expires_at"),
        {"organisation_name": "Riverside Recovery Community", "accept_url": f"{SITE_URL}/invitations/abc123",
         "expires_at": "Monday 9 March, 18:00"},
        channels=("email",),
    ),
    "digest": KindSpec(
        "One message summarising messages held back by the rate limit, one short line each.",
        ("count", "since", "lines"),
        {"count": 3, "since": "09:00", "lines": [
            "Sam missed their check-in today.", "Weekly check-in tomorrow at 10:00.",
            "An action item for Jo is overdue since 4 March."]},
        channels=ALL_CHANNELS,
        non_empty=("lines",),
    ),
    "script.invite_to_network": KindSpec(
        "The guide's script for inviting someone to be part of a person's network.",
        ("contact_name", "person_name", "contact_for", "sender_name"),
        {"contact_name": "Alex", "person_name": "Sam",
         "contact_for": "a phone call or a short check-in", "sender_name": "Priya"},
    ),
    "script.family_boundary": KindSpec(
        "The guide's script for setting a boundary with a family member who enables, "
        "offering an alternative.",
        ("person_name", "behaviour", "alternative"),
        {"person_name": "Sam", "behaviour": "lend money",
         "alternative": "come to a family session with us"},
    ),
    "script.encourage_attendance": KindSpec(
        "The guide's script for a peer coach encouraging attendance at a mutual-help meeting.",
        ("person_name", "meeting_day", "meeting_time", "sender_name"),
        {"person_name": "Sam", "meeting_day": "Tuesday", "meeting_time": "7pm", "sender_name": "Priya"},
    ),
}


def samples(kind: str) -> list[dict]:
    """The sample context and each variant of it, ready to render."""
    spec = KINDS[kind]
    return [dict(spec.sample)] + [{**spec.sample, **variant} for variant in spec.variants]
