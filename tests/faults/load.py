"""Steady load and the test's own tally of what the system accepted.

The tally is the independent record the checks compare against: it is written only from
what this test sent and the answers it got, never read back from the system under test.
"""
from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import random
import threading
import uuid

import requests

from tests.support.tokens import bearer

# Operation mix: most are plain check-ins; one in five carries a high risk flag.
MIX = (("checkin", 6), ("risk", 2), ("contact", 2))


@dataclasses.dataclass
class Tally:
    checkins: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # org ->
    flags: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # org ->
    misses: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # org ->
    sent: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # org -> notifications
    contacts: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # person ->
    messages: collections.Counter = dataclasses.field(default_factory=collections.Counter)  # (to, kind) ->
    rejected: int = 0  # writes refused (5xx or no answer) and not found in the owner afterwards
    late: int = 0  # refused answers whose write the owning service had committed after all
    unsure: list = dataclasses.field(default_factory=list)  # (kind, network, token) not yet resolved
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def add_network(self, network) -> None:
        with self.lock:
            self.contacts[network.person] += network.contacts

    def accept(self, kind: str, network) -> None:
        if kind == "contact":
            self.contacts[network.person] += 1
            return
        self.checkins[network.org] += 1
        if kind == "risk":
            self.risk_flagged(network)

    def resolve(self, platform) -> None:
        """A refused answer (a 5xx while a database session was cut, say) may still follow a
        commit: each write carries a token in a free-text field that never leaves its
        service, so the owner's database says whether it was accepted after all."""
        with self.lock:
            unsure, self.unsure = self.unsure, []
            for kind, network, token in unsure:
                service, query = (("people", "SELECT count(*) FROM contacts WHERE notes = :t") if kind == "contact"
                                  else ("checkins", "SELECT count(*) FROM checkin_records WHERE wins = :t"))
                if platform.scalar(service, query, t=token):
                    self.late += 1
                    self.accept(kind, network)
                else:
                    self.rejected += 1

    def risk_flagged(self, network) -> None:
        """Urgent, so neither quiet hours nor the rate limit hold it: the peer worker and the
        clinical lead (email and inbox) and both call-first crisis contacts hear at once."""
        self.flags[network.org] += 1
        self._hear(network, "risk", network.peer_email, f"staff:{network.peer}", network.clinician_email,
                   f"staff:{network.clinician}", network.friend_email, network.sister_phone)

    def missed(self, network, in_a_row: int) -> None:
        """The person, the peer worker and the consenting sister; the clinical lead from the
        second miss in a row."""
        self.misses[network.org] += 1
        hear = [network.person_phone, f"person:{network.person}", network.peer_email, f"staff:{network.peer}",
                network.sister_phone]
        hear += [network.clinician_email, f"staff:{network.clinician}"] if in_a_row >= 2 else []
        self._hear(network, "missed", *hear)

    def _hear(self, network, kind: str, *recipients: str) -> None:
        for to in recipients:
            self.messages[to, kind] += 1
        self.sent[network.org] += len(recipients)  # one notification.sent event per message


class Load:
    """Sends `count` seeded operations from a few threads; `gate` pauses new ones."""

    def __init__(self, platform, networks, tally: Tally, rng: random.Random, threads: int = 4):
        self.platform, self.networks, self.tally, self.rng = platform, networks, tally, rng
        self.threads = threads
        self.gate = threading.Event()
        self.gate.set()
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._futures: list = []

    def plan(self, count: int) -> list[tuple[str, object]]:
        kinds = [kind for kind, weight in MIX for _ in range(weight)]
        return [(self.rng.choice(kinds), self.rng.choice(self.networks)) for _ in range(count)]

    def start(self, count: int) -> "Load":
        self._pool = concurrent.futures.ThreadPoolExecutor(self.threads)
        self._futures = [self._pool.submit(self._one, kind, network) for kind, network in self.plan(count)]
        return self

    def done(self) -> int:
        return sum(1 for f in self._futures if f.done())

    def wait(self) -> int:
        """Until every operation has been answered; the number sent."""
        for future in self._futures:
            future.result()
        self._pool.shutdown()
        return len(self._futures)

    def _one(self, kind: str, network) -> None:
        self.gate.wait(300)  # bounded: a failed scenario must not leave threads waiting forever
        token = uuid.uuid4().hex
        try:
            response = getattr(self, f"_{kind}")(network, token)
        except requests.RequestException:
            response = None
        with self.tally.lock:
            if response is None or response.status_code >= 500:
                self.tally.unsure.append((kind, network, token))
                return
            assert response.status_code in (200, 201), response.text
            self.tally.accept(kind, network)

    def _checkin(self, network, token: str, **fields):
        return requests.post(f"{self.platform.urls['checkins']}/checkins", timeout=15,
                             json={"person_id": network.person, "wellbeing": 6, "wins": token, **fields},
                             headers=bearer(self.platform.settings, role="peer_worker", org=network.org,
                                            subject=network.peer))

    def _risk(self, network, token: str):
        return self._checkin(network, token, wellbeing=2, risk_flags=[{"kind": "relapse", "severity": "high"}])

    def _contact(self, network, token: str):
        return requests.post(f"{self.platform.urls['people']}/persons/{network.person}/contacts", timeout=15,
                             json={"name": "Alex", "role": "friend", "circle": "outer", "label": "unknown",
                                   "notes": token},
                             headers=bearer(self.platform.settings, role="admin", org=network.org))
