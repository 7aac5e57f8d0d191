"""Realistic check-in data: 500 people in 10 organisations with 3 sites each.

The baseline and the Circles pipeline draw from the same kind of population, so their
records share the key distribution (person ids), the header list and the body size.
"""
from __future__ import annotations

import datetime as dt
import random
import uuid

from shared import correlation
from shared.events import build_event

CHECKIN_COMPLETED = "circles.checkins.checkin.completed.v1"
SOURCE = "/circles/checkins"
PERSONS = 500
ORGANISATIONS = 10
SITES_PER_ORGANISATION = 3


class Population:
    def __init__(self, seed: int, persons: int = PERSONS):
        self.rng = random.Random(seed)
        self.org_ids = [str(uuid.uuid4()) for _ in range(ORGANISATIONS)]
        self.sites = {org: [str(uuid.uuid4()) for _ in range(SITES_PER_ORGANISATION)] for org in self.org_ids}
        self.people = [(str(uuid.uuid4()), self.org_ids[i % ORGANISATIONS]) for i in range(persons)]
        self.now = dt.datetime.now(dt.timezone.utc)

    def checkin(self) -> dict:
        """The data of one checkin-completed event, as services.checkins publishes it."""
        rng = self.rng
        person, org = rng.choice(self.people)
        return {
            "checkin_id": str(uuid.uuid4()),
            "person_id": person,
            "organisation_id": org,
            "site_id": rng.choice(self.sites[org]) if rng.random() < 0.8 else None,
            "session_id": str(uuid.uuid4()) if rng.random() < 0.6 else None,
            "completed_at": self.now - dt.timedelta(seconds=rng.randrange(180 * 86400), microseconds=rng.randrange(10**6)),
            "wellbeing": rng.randint(1, 10),
        }

    def checkins(self, n: int) -> list[dict]:
        return [self.checkin() for _ in range(n)]


def kafka_records(population: Population, n: int) -> list[tuple[bytes, bytes, list]]:
    """(key, value, headers) triples exactly as the relay would send them."""
    records = []
    for data in population.checkins(n):
        event = build_event(
            CHECKIN_COMPLETED, data, source=SOURCE, subject=data["person_id"],
            time=dt.datetime.now(dt.timezone.utc), correlation_id=correlation.new_id(),
        )
        records.append((event.key.encode(), event.body(), event.headers()))
    return records
