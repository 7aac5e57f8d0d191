"""A small demo data set, loaded through the public APIs so events flow end to end.

Idempotent: a second `make dev` finds the demo persons already there and adds nothing.
"""
from __future__ import annotations

import time

import requests

from shared.auth import mint_token
from shared.settings import load_settings

ORGANISATION = "0b5c1a7e-3f4d-4c2a-9a51-6f0e2d8b7c11"  # "Northside Recovery Network"
SITES = {
    "Northside recovery café": "5d2f8c1a-7b3e-4f60-8a9d-1c2b3a4d5e6f",
    "Riverside peer hub": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
}
PERSONS = [
    # Aliases are normal: people choose how they are named.
    {"display_name": "Sam R.", "timezone": "Europe/London", "region": "GB", "site": "Northside recovery café"},
    {"display_name": "Jo", "timezone": "Europe/London", "region": "GB", "site": "Northside recovery café"},
    {"display_name": "Alex (alias)", "timezone": "Europe/London", "region": "GB", "site": "Riverside peer hub"},
    {"display_name": "Priya K.", "timezone": "America/New_York", "region": "US-NY", "site": "Riverside peer hub"},
]
WELLBEING = [6, 7, 4, 8, 5, 7]


def coordinator_token() -> str:
    return mint_token(load_settings("demo"), subject="demo-coordinator", role="coordinator",
                      organisation_id=ORGANISATION)


def load(urls: dict[str, str]) -> dict:
    headers = {"Authorization": f"Bearer {coordinator_token()}"}
    existing = requests.get(f"{urls['people']}/persons", headers=headers, timeout=10).json()
    if existing:
        return {"created": False, "persons": len(existing), "expected_checkins": None,
                "reported": _reported(urls, headers)}
    people = [_post(f"{urls['people']}/persons", headers, {
        "display_name": p["display_name"], "timezone": p["timezone"], "region": p["region"],
        "site_id": SITES[p["site"]]}) for p in PERSONS]
    for i, wellbeing in enumerate(WELLBEING):
        person = people[i % len(people)]
        _post(f"{urls['checkins']}/checkins", headers, {
            "person_id": person["id"], "site_id": person["site_id"], "wellbeing": wellbeing,
            "wins": "Went to a SMART Recovery meeting", "practical_tasks": "Call the housing officer"})
    return {"created": True, "persons": len(people), "expected_checkins": len(WELLBEING),
            "reported": _wait_reported(urls, headers, len(WELLBEING))}


def _post(url: str, headers: dict, body: dict) -> dict:
    response = requests.post(url, json=body, headers=headers, timeout=10)
    response.raise_for_status()
    return response.json()


def _reported(urls: dict, headers: dict) -> int:
    response = requests.get(f"{urls['reporting']}/kpis/checkins-completed", headers=headers, timeout=10)
    return response.json().get("total", 0)


def _wait_reported(urls: dict, headers: dict, expected: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    total = _reported(urls, headers)
    while total < expected and time.monotonic() < deadline:
        time.sleep(0.5)
        total = _reported(urls, headers)
    return total


def describe(urls: dict[str, str], summary: dict) -> str:
    lines = ["", "Circles is running:"]
    lines += [f"  {name:<14} {url}   (API docs: {url}/docs, spec: {url}/openapi.json)" for name, url in urls.items()]
    lines += ["  broker         127.0.0.1:9092 (embedded, memory only)", ""]
    if summary["created"]:
        lines.append(f"Demo data: {summary['persons']} persons and {summary['expected_checkins']} check-ins "
                     f"posted; reporting counts {summary['reported']} completed check-ins.")
    else:
        lines.append(f"Demo data already present: {summary['persons']} persons; "
                     f"reporting counts {summary['reported']} completed check-ins.")
    lines += ["A coordinator token for the demo organisation (valid one hour):",
              f"  {coordinator_token()}",
              f"Try: curl -H 'Authorization: Bearer <token>' {urls['reporting']}/kpis/checkins-completed",
              "Press Ctrl-C to stop everything."]
    return "\n".join(lines)
