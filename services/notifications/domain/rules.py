"""Routing rules as data: who hears about which event, with which template, under which
consent. Organisations override the list for an event type; these are the guide's defaults.

A rule: {"to": <audience>, "template": <kind>, and optionally "min_consecutive",
"data_class" + "purpose" (the consent a contact needs), "urgent", "channels"}.
Audiences: person, peer_worker, clinical_lead, consenting_contacts, crisis_contacts,
participants, owner, coordinators, site_coordinators, invitee, and webhook (the
organisation's own incoming webhook, e.g. a Slack or Teams channel of the care team).
"""
from __future__ import annotations

AUDIENCES = ("person", "peer_worker", "clinical_lead", "consenting_contacts", "crisis_contacts", "participants",
             "owner", "coordinators", "site_coordinators", "invitee", "webhook")

DEFAULT_RULES: dict[str, list[dict]] = {
    "checkin.missed": [
        {"to": "person", "template": "checkin.missed.person"},
        {"to": "peer_worker", "template": "checkin.missed.staff"},
        {"to": "clinical_lead", "template": "checkin.missed.staff", "min_consecutive": 2},
        {"to": "consenting_contacts", "template": "checkin.missed.supporter",
         "data_class": "missed_session_alerts", "purpose": "family_support"},
    ],
    "risk.flagged": [
        {"to": "crisis_contacts", "template": "risk.flagged.crisis", "urgent": True,
         "data_class": "crisis_plan", "purpose": "crisis_response"},
        {"to": "peer_worker", "template": "risk.flagged.crisis", "urgent": True},
        {"to": "clinical_lead", "template": "risk.flagged.crisis", "urgent": True},
    ],
    "session.upcoming": [{"to": "participants", "template": "session.upcoming"},
                         {"to": "person", "template": "session.upcoming"}],
    "assessment.due": [{"to": "peer_worker", "template": "assessment.due"}],
    "action_item.overdue": [{"to": "owner", "template": "action_item.overdue",
                             "data_class": "checkin_summary", "purpose": "care_coordination"}],
    "plan_task.overdue": [{"to": "peer_worker", "template": "plan_task.overdue"}],
    "consent.expiring": [{"to": "coordinators", "template": "consent.expiring"}],
    "kpi.threshold_breached": [{"to": "site_coordinators", "template": "kpi.threshold_breached"}],
    "invitation.sent": [{"to": "invitee", "template": "invitation.sent", "channels": ["email"]}],
}


class RuleError(ValueError):
    pass


def rules_for(event_kind: str, overrides: dict[str, list[dict]] | None) -> list[dict]:
    overrides = overrides or {}
    return list(overrides.get(event_kind, DEFAULT_RULES.get(event_kind, [])))


def check_rules(rules: dict[str, list[dict]]) -> None:
    """Refuse an override that could not be routed (unknown event, audience or field)."""
    for event_kind, entries in rules.items():
        if event_kind not in DEFAULT_RULES:
            raise RuleError(f"{event_kind!r} is not an event notifications routes.")
        for entry in entries:
            if entry.get("to") not in AUDIENCES or not isinstance(entry.get("template"), str):
                raise RuleError(f"Each {event_kind} rule needs 'to' (one of {', '.join(AUDIENCES)}) and 'template'.")
            if entry["to"] in ("consenting_contacts", "crisis_contacts", "owner") and not (
                    entry.get("data_class") and entry.get("purpose")):
                raise RuleError(f"A rule to {entry['to']} must name the consent's data_class and purpose.")
