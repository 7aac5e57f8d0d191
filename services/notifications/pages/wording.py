"""Plain words for the staff pages: message kinds, recipients, channels, statuses, reasons,
audiences, and local times. Codes the maps do not know are shown with spaces, never hidden."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

EVENTS = {
    "checkin.missed": "Missed check-in", "risk.flagged": "High risk flagged", "session.upcoming": "Upcoming session",
    "assessment.due": "Assessment due", "action_item.overdue": "Action item overdue",
    "plan_task.overdue": "Starter-plan task overdue", "consent.expiring": "Consent expiring within 14 days",
    "kpi.threshold_breached": "KPI threshold breached", "invitation.sent": "Invitation sent",
}
KINDS = {
    "checkin.missed.person": "Missed check-in: a gentle reminder to the person",
    "checkin.missed.staff": "Missed check-in: alert to staff",
    "checkin.missed.supporter": "Missed check-in: note to a supporter",
    "risk.flagged.crisis": "Crisis alert, with the emergency numbers",
    "session.upcoming": "Session reminder",
    "assessment.due": "Assessment due",
    "action_item.overdue": "Action item overdue",
    "plan_task.overdue": "Starter-plan task overdue",
    "consent.expiring": "Consent expiring soon",
    "kpi.threshold_breached": "KPI threshold breached",
    "invitation.sent": "Invitation to Circles",
    "digest": "Digest of held-back messages",
    "script.invite_to_network": "Script: inviting someone into the network",
    "script.family_boundary": "Script: a boundary with a family member",
    "script.encourage_attendance": "Script: encouraging attendance",
}
CHANNELS = {"email": "Email", "sms": "Text (SMS)", "webhook": "Team webhook", "inbox": "In-app inbox",
            "-": "None"}
STATUSES = {"sent": "sent", "failed": "failed", "suppressed": "suppressed", "pending": "pending",
            "standby": "standby: fallback, not needed yet"}
REASONS = {
    "no_active_consent": "No active consent covers this contact",
    "recipient_not_covered": "The person's consents do not name this contact",
    "data_class_not_covered": "The consent does not cover this kind of information",
    "purpose_not_covered": "The consent does not cover this purpose",
    "contact_not_agreed": "This contact has not agreed to be contacted",
    "no_channel": "No way to reach them that is allowed (no address, or texts not OK)",
    "rate_limited": "Held back by the rate limit; sent in a digest",
    "rejected": "The provider refused the message",
    "gave_up": "Gave up after repeated temporary failures",
}
# Attempt details can quote addresses (a refused recipient, a bad number): only outcomes show.
OUTCOMES = {"sent": "accepted", "transient_error": "temporary problem, tried again later",
            "permanent_error": "refused"}
AUDIENCES = {
    "person": "The person", "peer_worker": "Peer worker", "clinical_lead": "Clinical lead",
    "consenting_contacts": "Contacts whose consent allows it",
    "crisis_contacts": "The crisis plan's call-first contacts, in order",
    "participants": "The session's participants", "owner": "The item's owner", "coordinators": "Coordinators",
    "site_coordinators": "The site's coordinators", "invitee": "The invitee",
    "webhook": "Your organisation's webhook",
}
LANGUAGES = {"en": "English", "es": "Spanish (español)"}


def humanise(code: str | None) -> str:
    return (code or "").replace("_", " ").replace(".", " ")


def words(mapping: dict, code: str | None) -> str:
    return mapping.get(code or "", humanise(code))


def event_of(source_type: str) -> str:
    """circles.checkins.checkin.missed.v1 → "Missed check-in"."""
    parts = source_type.split(".")
    name = ".".join(parts[2:-1]) if len(parts) > 3 else source_type
    return words(EVENTS, name)


def local(moment: dt.datetime | None, timezone: str = "UTC", zone_name: bool = False) -> str:
    if moment is None:
        return ""
    moment = moment.astimezone(ZoneInfo(timezone))
    text = f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"
    return f"{text} {moment:%Z}" if zone_name else text


def channel_list(codes: list[str]) -> str:
    return ", ".join(_lower_first(words(CHANNELS, code)) for code in codes)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def consent_needed(rule: dict) -> str:
    if not rule.get("data_class"):
        return "None"
    return f"{humanise(rule['data_class'])}, for {humanise(rule.get('purpose'))}"


def language(code: str) -> str:
    """"es" → "Spanish (español)"; a regional tag set through the API keeps its code."""
    if code in LANGUAGES:
        return LANGUAGES[code]
    base = LANGUAGES.get(code.split("-")[0])
    return f"{base}, {code}" if base else code
