"""People and notifications side by side, joined as in production by their events alone:
what one service wrote to its outbox (the envelope the relay ships unchanged) is decoded
and handled by the other's real subscription through a ConsumerLoop, processed-events
table included, so redelivery is exercised too. No broker is needed for that: the loop's
`process` takes a record as Kafka would hand it over."""
from __future__ import annotations

import datetime as dt
import json
import types

from sqlalchemy import select

from shared.messaging.consumer import ConsumerLoop
from tests.integration.notifications_support import NotificationsWorld
from tests.integration.people_support import PeopleWorld
from tests.support.tokens import bearer


def records(runtime, seen: set[str]) -> list:
    """The outbox rows not handed over yet, as Kafka records (key, value, headers)."""
    outbox = runtime.spec.outbox
    with runtime.engine.connect() as conn:
        rows = conn.execute(select(outbox).order_by(outbox.c.id)).all()
    fresh = [row for row in rows if row.event_id not in seen]
    seen.update(row.event_id for row in fresh)
    return [types.SimpleNamespace(key=row.partition_key.encode(), value=row.payload.encode(), topic=row.topic,
                                  headers=[(k, v.encode()) for k, v in json.loads(row.headers)]) for row in fresh]


def loop(subscription, service: str, runtime) -> ConsumerLoop:
    # No producer: a dead letter here would be a failure of the test anyway.
    return ConsumerLoop(subscription, service, consumer_factory=None, producer=None, uow_factory=runtime.uow,
                        processed=runtime.spec.processed, max_retries=0, backoff_seconds=0)


def group(runtime, name: str):
    [found] = [s for s in runtime.spec.subscriptions(runtime) if s.name == name]
    return found


class TwoServices:
    """Sam in the people service with Kim (sister: texts, a supporter login) and Jo (sponsor:
    email), a peer worker; the notifications service fed from people.events."""

    def __init__(self, people_app, notifications_runtime, clock, smtp, sms):
        self.clock = clock
        self.people = PeopleWorld(people_app.test_client(), people_app)
        self.people_runtime = people_app.extensions["circles"]
        self.notifications = NotificationsWorld(notifications_runtime, clock, smtp, sms, org=self.people.org_id)
        # Each service's subscriptions as its worker builds them (with whatever guards wrap them).
        self.into_notifications = loop(group(notifications_runtime, "notifications.people"), "notifications",
                                       notifications_runtime)
        self.into_people = loop(group(self.people_runtime, "people.disclosures"), "people", self.people_runtime)
        self._seen = {"people": set(), "notifications": set()}
        self._register()

    def _register(self) -> None:
        p = self.people
        self.sam = p.person(display_name="Sam", phone="+447700900001", preferred_method="text")["id"]
        self.base = f"/persons/{self.sam}"
        p.client.put(f"{self.base}/peer-worker", json={"staff_id": p.staff_ids["peer_worker"]}, headers=p.coordinator)
        agreed = {"agreed_on": "2026-02-01", "emergency_contact": True}
        self.kim = self._contact("Kim", "family", phone="+447700900002", texts_ok=True, preferred_method="text",
                                 agreement=agreed)
        self.jo = self._contact("Jo", "sponsor", email="jo@example.net", preferred_method="email",
                                agreement={"agreed_on": "2026-02-01"})
        p.post(f"{self.base}/crisis-plan", p.coordinator, {
            "warning_signs": ["Stops answering"], "call_first": [{"contact_id": self.kim, "when": "any"}]})
        p.post(f"{self.base}/crisis-plan/sign", p.coordinator, {"typed_name": "Sam"}, status=200)
        self.kim_login = bearer(self.people_runtime.settings, role="supporter", org=p.org_id, contact_id=self.kim)

    def _contact(self, name: str, role: str, **fields) -> str:
        return self.people.post(f"{self.base}/contacts", self.people.coordinator,
                                {"name": name, "role": role, "circle": "inner", "label": "helpful", **fields})["id"]

    def consent(self, recipient: str, data_classes: list[str], purposes: list[str]) -> str:
        p = self.people
        consent = p.post(f"{self.base}/consents", p.coordinator, {
            "recipients": [recipient], "data_classes": data_classes, "purposes": purposes, "discloser": "Northside",
            "expires_at": (self.clock.now() + dt.timedelta(days=90)).isoformat()})
        p.post(f"{self.base}/consents/{consent['consent_id']}/sign", p.coordinator, {"typed_name": "Sam"}, status=200)
        return consent["consent_id"]

    def sync(self, twice: bool = False) -> None:
        """Hand each service's new events to the other (twice: a redelivery of every one)."""
        for record in self._new("people", self.people_runtime):
            for _ in range(1 + twice):
                assert self.into_notifications.process(record)
        for record in self._new("notifications", self.notifications.runtime):
            for _ in range(1 + twice):
                assert self.into_people.process(record)

    def _new(self, service: str, runtime) -> list:
        return records(runtime, self._seen[service])

    def accounting(self) -> list[dict]:
        response = self.people.client.get(f"{self.base}/disclosures", headers=self.people.coordinator)
        assert response.status_code == 200, response.json
        return response.json
