"""May this contact hear about this person, for this purpose and data class, now?

Mirrors the people service's rule on the notifications read model: only an active,
unexpired consent that covers the recipient (by id, or by a class such as crisis
contacts), the data class and the purpose allows it. Staff on the person's care team
need no consent; contacts always do.
"""
from __future__ import annotations

import dataclasses
import datetime as dt


CARE_TEAM_ROLES = ("clinician", "peer_worker")


@dataclasses.dataclass(frozen=True)
class ConsentTerms:
    recipients: tuple[str, ...]
    data_classes: tuple[str, ...]
    purposes: tuple[str, ...]
    state: str
    expires_at: dt.datetime | None
    # Which consent (and version) this is: a message sent under it names it, so the
    # person's accounting of disclosures can say under which consent they were told.
    consent_id: str | None = None
    version: int | None = None


@dataclasses.dataclass(frozen=True)
class ContactStanding:
    contact_id: str
    role: str
    is_crisis_contact: bool


def _covers(recipients: tuple[str, ...], contact: ContactStanding) -> bool:
    if contact.contact_id in recipients or "all_network" in recipients:
        return True
    if "crisis_contacts" in recipients and contact.is_crisis_contact:
        return True
    # "My care team" is clinician and peer-worker contacts, as in the people service; a
    # "peer" is a friend in recovery, not a worker, and was wrongly covered here.
    return "care_team" in recipients and contact.role in CARE_TEAM_ROLES


def decide(consents: list[ConsentTerms], contact: ContactStanding, data_class: str, purpose: str,
           now: dt.datetime) -> tuple[bool, str]:
    """(allowed, reason); the reason names what is missing, for the suppression log."""
    active = [c for c in consents if c.state == "active" and (c.expires_at is None or c.expires_at > now)]
    if not active:
        return False, "no_active_consent"
    covering = [c for c in active if _covers(c.recipients, contact)]
    if not covering:
        return False, "recipient_not_covered"
    if not any(data_class in c.data_classes for c in covering):
        return False, "data_class_not_covered"
    if not any(data_class in c.data_classes and purpose in c.purposes for c in covering):
        return False, "purpose_not_covered"
    return True, "consented"


def covering(consents: list[ConsentTerms], contact: ContactStanding, data_class: str, purpose: str,
             now: dt.datetime) -> ConsentTerms | None:
    """The consent that allows it (the newest version, as the people service chooses), or None."""
    allowed, _ = decide(consents, contact, data_class, purpose, now)
    if not allowed:
        return None
    return max((c for c in consents if c.state == "active" and (c.expires_at is None or c.expires_at > now)
                and _covers(c.recipients, contact) and data_class in c.data_classes and purpose in c.purposes),
               key=lambda c: c.version or 0)
