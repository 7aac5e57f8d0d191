"""Worlds for the consent matrix: the people service (its API, as supporters and staff
call it) and the notifications service (its read model fed with people events, source
events routed as the consumer would, the dispatcher sending to a real SMTP server and a
real SMS sink). Each can put one consent into any of the matrix's states."""
from __future__ import annotations

import datetime as dt

from tests.integration.notifications_support import NotificationsWorld
from tests.integration.people_support import PeopleWorld
from tests.support.tokens import bearer

STATES = ("granted", "expired", "revoked", "wrong_purpose", "wrong_data_class")
# What each refused state is refused for, in the notifications suppression log's words.
REASONS = {"expired": "no_active_consent", "revoked": "no_active_consent",
           "wrong_purpose": "purpose_not_covered", "wrong_data_class": "data_class_not_covered"}
# The people service says the same in sentences (consent-decision, the 403 of a disclosure).
PEOPLE_REASONS = {"There is no active consent.": "no_active_consent",
                  "This data class is not covered for this recipient.": "data_class_not_covered",
                  "This purpose is not covered for this recipient and data.": "purpose_not_covered",
                  "The recipient is not covered by any active consent.": "recipient_not_covered"}
LIFETIME = dt.timedelta(minutes=30)  # an "expired" consent's life: the clock then moves past it


def terms(state: str, data_class: str, purpose: str) -> tuple[list[str], list[str]]:
    """The data classes and purposes a consent in this state names: the right ones, or one wrong."""
    other_class = "assessments" if data_class != "assessments" else "attendance"
    other_purpose = "research" if purpose != "research" else "treatment"
    return ([other_class] if state == "wrong_data_class" else [data_class],
            [other_purpose] if state == "wrong_purpose" else [purpose])


class PeopleConsentWorld(PeopleWorld):
    """Sam, on the hub's caseload, with Kim (family, a supporter login) and a signed crisis
    plan naming Kim; the hub's peer worker is not assigned to Sam."""

    def __init__(self, client, app, clock):
        super().__init__(client, app)
        self.clock, self.settings = clock, app.extensions["circles"].settings
        self.sam = self.person(display_name="Sam", phone="07700 900999")["id"]
        self.base = f"/persons/{self.sam}"
        self.kim = self.post(f"{self.base}/contacts", self.coordinator,
                             {"name": "Kim", "role": "family", "circle": "inner", "label": "helpful"})["id"]
        self.post(f"{self.base}/crisis-plan", self.coordinator, {
            "warning_signs": ["Stops answering"], "call_first": [{"contact_id": self.kim, "when": "any"}]})
        self.post(f"{self.base}/crisis-plan/sign", self.coordinator, {"typed_name": "Sam"}, status=200)
        self.kim_login = bearer(self.settings, role="supporter", org=self.org_id, contact_id=self.kim)

    def grant(self, recipient: str, state: str, data_class: str, purpose: str) -> str:
        classes, purposes = terms(state, data_class, purpose)
        lifetime = LIFETIME if state == "expired" else dt.timedelta(days=90)
        consent = self.post(f"{self.base}/consents", self.coordinator, {
            "recipients": [recipient], "data_classes": classes, "purposes": purposes, "discloser": "Northside",
            "expires_at": (self.clock.now() + lifetime).isoformat()})
        cid = consent["consent_id"]
        self.post(f"{self.base}/consents/{cid}/sign", self.coordinator, {"typed_name": "Sam"}, status=200)
        if state == "revoked":
            self.post(f"{self.base}/consents/{cid}/revoke", self.coordinator, {"reason": "Changed my mind"}, status=200)
        if state == "expired":
            self.clock.advance(minutes=31)  # the injectable clock, never a sleep
        return cid

    def reason(self, recipient: str, data_class: str, purpose: str) -> str:
        """The people service's own verdict, as a suppression-log code."""
        answer = self.client.get(f"{self.base}/consent-decision", headers=self.coordinator, query_string={
            "recipient": recipient, "data_class": data_class, "purpose": purpose}).json
        return "consented" if answer["allowed"] else PEOPLE_REASONS[answer["reason"]]

    def disclosures(self) -> list[dict]:
        response = self.client.get(f"{self.base}/disclosures", headers=self.coordinator)
        assert response.status_code == 200, response.json
        return response.json


class NotificationsConsentWorld(NotificationsWorld):
    """Sam with a peer worker, a clinician, Kim (sister, texts OK) and Jo (sponsor, email)."""

    def __init__(self, runtime, clock, smtp, sms):
        super().__init__(runtime, clock, smtp, sms)
        self.sam = self.person()

    def grant(self, recipient: str, state: str, data_class: str, purpose: str) -> str:
        classes, purposes = terms(state, data_class, purpose)
        lifetime = LIFETIME if state == "expired" else dt.timedelta(days=90)
        consent = self.consent(self.sam, [recipient], classes, purposes, expires_at=self.clock.now() + lifetime)
        if state == "revoked":
            self.consent(self.sam, [recipient], classes, purposes, state="revoked", consent_id=consent,
                         expires_at=self.clock.now() + lifetime)
        if state == "expired":
            # Expiry by the clock alone: notifications must not wait for consent.expired.
            self.clock.advance(minutes=31)
        return consent

    def to_contact(self, contact: str) -> list:
        """The contact's deliveries that count: planned, sent or suppressed (not a waiting fallback)."""
        return [d for d in self.deliveries(recipient_id=contact) if d.status != "standby"]

    def addressed_to(self, contact: str) -> list:
        """What actually reached the contact's channels (SMTP server, SMS sink)."""
        phone, email = {self.sam.sister: ("+447700900002", None), self.sam.sponsor: (None, "jo@example.net")}[contact]
        texts = [r for r in self.sms.requests if r.path == "/sms" and r.json()["to"] == phone]
        return texts + [m for m in self.smtp.messages if email and m["To"] == email]
