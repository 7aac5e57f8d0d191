"""The demo's rhythms and check-ins, through the check-ins API once its read model (built
from people.events) knows the demo persons."""
from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import requests

AGENDA = [  # wellbeing, days abstinent, a risk flag or none
    (6, 21, None), (7, 24, None), (4, 12, {"kind": "relapse", "severity": "medium"}),
    (8, 28, None), (5, 18, {"kind": "unsafe_housing", "severity": "low"}), (7, 25, None),
]


def load(checkins_url: str, coordinator: dict, persons: list[dict]) -> int:
    for person in persons:
        _wait_known(checkins_url, coordinator, person["id"])
    _rhythms(checkins_url, coordinator, persons)
    for i, (wellbeing, days, flag) in enumerate(AGENDA):
        person = persons[i % len(persons)]
        _post(f"{checkins_url}/checkins", coordinator, {
            "person_id": person["id"], "wellbeing": wellbeing, "days_abstinent_last_30": days,
            "medication_adherence": "full", "wins": "Went to a SMART Recovery meeting",
            "practical_tasks": "Call the housing officer", "risk_flags": [flag] if flag else []})
    return len(AGENDA)


def _rhythms(checkins_url: str, coordinator: dict, persons: list[dict]) -> None:
    """Sam (peer worker and clinician assigned) gets the guide's weekly check-in and monthly
    review; everyone gets the café's Thursday peer drop-in."""
    sam = persons[0]
    tomorrow = (dt.datetime.now(ZoneInfo("Europe/London")) + dt.timedelta(days=1)).date()
    _post(f"{checkins_url}/rhythms", coordinator, {"person_id": sam["id"], "kind": "weekly_checkin",
                                                   "first_start_local": f"{tomorrow}T18:00", "duration_minutes": 20})
    _post(f"{checkins_url}/rhythms", coordinator, {"person_id": sam["id"], "kind": "monthly_review",
                                                   "first_start_local": f"{tomorrow}T10:00",
                                                   "rrule": f"FREQ=MONTHLY;BYMONTHDAY={min(tomorrow.day, 28)}"})
    for person in persons:
        _post(f"{checkins_url}/rhythms", coordinator, {"person_id": person["id"], "kind": "custom",
                                                       "title": "Recovery café drop-in",
                                                       "first_start_local": f"{tomorrow}T14:00",
                                                       "rrule": "FREQ=WEEKLY;BYDAY=TH"})


def _wait_known(checkins_url: str, headers: dict, person_id: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if requests.get(f"{checkins_url}/persons/{person_id}/starter-plan", headers=headers,
                        timeout=10).status_code == 200:
            return
        time.sleep(0.5)
    raise RuntimeError(f"check-ins did not hear of person {person_id} within {timeout}s")


def _post(url: str, headers: dict, body: dict) -> dict:
    response = requests.post(url, json=body, headers=headers, timeout=10)
    if response.status_code >= 300:
        raise RuntimeError(f"{url}: {response.status_code} {response.text}")
    return response.json()
