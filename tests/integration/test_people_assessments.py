"""Assessments: answers in, scores derived, reviews announced when due."""
import datetime as dt

import pytest

from services.people.usecases import assessments
from tests.integration.people_support import PeopleWorld

# BARC-10: seven 5s and three 4s = 35 + 12 = 47, exactly the cut-off.
BARC10 = [5, 5, 5, 5, 5, 5, 5, 4, 4, 4]
# MSPSS: significant other (items 1,2,5,10) = 6,6,6,6 -> 6.0; family (3,4,8,11) = 2,3,2,3 -> 2.5;
# friends (6,7,9,12) = 4,5,4,5 -> 4.5; total = (24 + 10 + 18) / 12 = 4.33.
MSPSS = [6, 6, 2, 3, 6, 4, 5, 2, 4, 6, 3, 5]


@pytest.fixture
def world(client_for):
    world = PeopleWorld(*client_for("people"))
    world.subject = world.person()
    world.path = f"/persons/{world.subject['id']}/assessments"
    return world


def test_scores_are_derived_and_only_scores_leave_the_service(world, clock):
    made = world.post(world.path, world.coordinator, {
        "barc10": BARC10, "mspss": MSPSS, "housing_status": "temporary", "employment_status": "unemployed_seeking",
        "domains": {"practical_needs": "Needs help with benefits"}})
    assert made["kind"] == "intake"
    assert made["scores"]["barc10"]["total"] == 47 and made["scores"]["barc10"]["meets_cutoff"] is True
    mspss = made["scores"]["mspss"]
    assert (mspss["significant_other"], mspss["family"], mspss["friends"], mspss["total_mean"]) == (6.0, 2.5, 4.5, 4.33)
    assert dt.datetime.fromisoformat(made["next_due_at"]) == clock.now() + dt.timedelta(days=90)
    [event] = world.events("circles.people.assessment.completed.v1")
    assert event["scores"]["barc10"]["total"] == 47
    assert "barc10_answers" not in event and "Needs help" not in str(event)
    outcomes = {(e["outcome"], e["value"]) for e in world.events("circles.people.outcome.recorded.v1")}
    assert outcomes == {("housing_status", "temporary"), ("employment_status", "unemployed_seeking")}


@pytest.mark.parametrize("bad", [{"barc10": [7] * 10}, {"barc10": [3] * 9}, {"mspss": [0] * 12},
                                 {"housing_status": "castle"}, {"domains": {"astrology": "x"}}])
def test_bad_answers_are_refused_and_nothing_is_stored(world, bad):
    response = world.client.post(world.path, json=bad, headers=world.coordinator)
    assert response.status_code == 422, response.json
    assert world.client.get(world.path, headers=world.coordinator).json == []


def test_a_review_records_only_changed_outcomes(world, clock):
    world.post(world.path, world.coordinator, {"housing_status": "temporary", "employment_status": "unemployed_seeking"})
    clock.advance(days=40)
    review = world.post(world.path, world.coordinator, {"housing_status": "stable",
                                                        "employment_status": "unemployed_seeking"})
    assert review["kind"] == "review"
    changes = [(e["outcome"], e["value"]) for e in world.events("circles.people.outcome.recorded.v1")]
    assert changes[-1] == ("housing_status", "stable") and len(changes) == 3


def test_the_due_job_announces_each_review_once(world, clock):
    world.post(world.path, world.coordinator, {"barc10": BARC10})
    runtime = world.app.extensions["circles"]
    clock.advance(days=89)
    with runtime.uow() as uow:
        assert assessments.announce_due(uow) == 0
    clock.advance(days=1)
    with runtime.uow() as uow:
        assert assessments.announce_due(uow) == 1
    with runtime.uow() as uow:
        assert assessments.announce_due(uow) == 0
    [due] = world.events("circles.people.assessment.due.v1")
    assert due["person_id"] == world.subject["id"]
