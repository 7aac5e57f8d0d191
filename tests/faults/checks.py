"""Compare the system's state with the test's tally: every figure, exactly.

`measure` lists every comparison that does not hold as (what, expected, actual); an
actual short of the tally is a loss, one above it a duplicate. `settle` waits (polling,
never sleeping for long) until nothing differs and every outbox is drained, then holds
still for a moment so that a late redelivery would still show.
"""
from __future__ import annotations

import collections
import dataclasses
import time

from tests.faults.load import Tally

CHECKINS = "circles.checkins.checkin.completed.v1"
RISK = "circles.checkins.risk.flagged.v1"
CONTACT = "circles.people.contact.added.v1"


@dataclasses.dataclass(frozen=True)
class Mismatch:
    what: str
    expected: int
    actual: int

    @property
    def lost(self) -> int:
        return max(self.expected - self.actual, 0)

    @property
    def duplicated(self) -> int:
        return max(self.actual - self.expected, 0)


def measure(platform, tally: Tally, networks) -> list[Mismatch]:
    with tally.lock:
        pairs = list(_owner_rows(platform, tally, networks)) + list(_processed_once(platform, tally))
        pairs += list(_projections(platform, tally, networks)) + list(_kpis(platform, tally, networks))
        pairs += list(_messages(platform, tally, networks))
    return [Mismatch(what, expected, actual) for what, expected, actual in pairs if expected != actual]


def _orgs(networks) -> list[str]:
    return sorted({n.org for n in networks})


def _owner_rows(platform, tally, networks):
    """No accepted write lost: rows in the owning service's database."""
    for org in _orgs(networks):
        yield f"checkin_records[{org[:8]}]", tally.checkins[org], platform.scalar(
            "checkins", "SELECT count(*) FROM checkin_records WHERE organisation_id = :o", o=org)
        yield f"risk_flags[{org[:8]}]", tally.flags[org], platform.scalar(
            "checkins", "SELECT count(*) FROM risk_flags WHERE organisation_id = :o AND severity = 'high'", o=org)
    for n in networks:
        yield f"people.contacts[{n.person[:8]}]", tally.contacts[n.person], platform.scalar(
            "people", "SELECT count(*) FROM contacts WHERE person_id = :p", p=n.person)


def _processed_once(platform, tally):
    """No event processed twice: one processed_events row per event and consumer."""
    checks = (("reporting", "reporting.kpi-projection", CHECKINS, sum(tally.checkins.values())),
              ("notifications", "notifications.checkins", RISK, sum(tally.flags.values())),
              ("checkins", "checkins.people-read-model", CONTACT, sum(tally.contacts.values())),
              ("reporting", "reporting.kpi-projection", CONTACT, sum(tally.contacts.values())))
    for service, consumer, event_type, expected in checks:
        actual = platform.scalar(service, "SELECT count(*) FROM processed_events WHERE consumer = :c AND "
                                          "event_type = :t", c=consumer, t=event_type)
        yield f"processed[{consumer} {event_type.split('.', 2)[2]}]", expected, actual


def _projections(platform, tally, networks):
    for org in _orgs(networks):
        yield f"rp_checkins[{org[:8]}]", tally.checkins[org], platform.scalar(
            "reporting", "SELECT count(*) FROM rp_checkins WHERE organisation_id = :o", o=org)
        yield f"rp_misses[{org[:8]}]", tally.misses[org], platform.scalar(
            "reporting", "SELECT count(*) FROM rp_misses WHERE organisation_id = :o", o=org)
    for n in networks:
        yield f"known_contacts[{n.person[:8]}]", tally.contacts[n.person], platform.scalar(
            "checkins", "SELECT count(*) FROM known_contacts WHERE person_id = :p", p=n.person)
        yield f"rp_contacts[{n.person[:8]}]", tally.contacts[n.person], platform.scalar(
            "reporting", "SELECT count(*) FROM rp_contacts WHERE person_id = :p", p=n.person)


def _kpis(platform, tally, networks):
    """The reporting KPIs, as an admin of each organisation reads them."""
    for org in _orgs(networks):
        kpis = platform.kpis(org)
        expected = {"checkins_completed": tally.checkins[org], "risk_flags_high": tally.flags[org],
                    "notifications_sent": tally.sent[org], "checkins_missed": tally.misses[org]}
        for key, value in expected.items():
            yield f"kpi {key}[{org[:8]}]", value, kpis[key]


def message_kind(text: str) -> str:
    """What a message is about, from its subject (email) or body (SMS)."""
    lowered = text.lower()
    if "may need support now" in lowered:
        return "risk"
    if "missed" in lowered:
        return "missed"
    return "other"


def deliveries(platform) -> list[tuple[str, str, str]]:
    """(recipient, kind, delivery id) of every message the SMTP server and the SMS sink
    accepted and the in-app inbox holds. A resend after a crash between the provider's
    answer and the commit carries the same id (README, notifications: Delivery), so
    distinct ids are the notifications sent; the rest are resends a provider can drop."""
    found = [(to, message_kind(mail["subject"] or ""), mail["headers"].get("Message-ID"))
             for mail in platform.mail() for to in mail["to"]]
    found += [(text["to"], message_kind(text["body"]), text.get("reference")) for text in platform.texts()]
    found += [(f"{kind}:{owner}", message_kind(subject), delivery) for kind, owner, subject, delivery in
              platform.sql("notifications", "SELECT owner_kind, owner_id, subject, id FROM inbox_items")]
    return found


def resends(platform) -> int:
    found = deliveries(platform)
    return len(found) - len(set(found))


def received(platform) -> collections.Counter:
    """Distinct notifications per (recipient, kind)."""
    return collections.Counter((to, kind) for to, kind, _ in set(deliveries(platform)))


def _messages(platform, tally, networks):
    """No notification sent twice or left unsent, per recipient and kind; nothing else sent."""
    got = received(platform)
    for key in sorted(set(got) | set(tally.messages)):
        yield f"messages to {key[0]} ({key[1]})", tally.messages[key], got[key]


def settle(platform, tally: Tally, networks, timeout: float = 90, quiet: float = 2.0) -> list[Mismatch]:
    """Wait until the system agrees with the tally; return what still differs after `timeout`."""
    deadline = time.monotonic() + timeout
    tally.resolve(platform)
    while True:
        differences = measure(platform, tally, networks)
        if not differences and platform.unpublished() == 0:
            time.sleep(quiet)  # a duplicate still in flight would land now
            return measure(platform, tally, networks)
        if time.monotonic() > deadline:
            return differences
        time.sleep(0.5)
