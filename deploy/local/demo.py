"""A small demo organisation, loaded through the public APIs so events flow end to end.

The organisation and its first admin are created the way an operator would, with the
bootstrap use case; everything after that goes through HTTP. Idempotent: a second
`make dev` finds the demo persons already there and adds nothing.
"""
from __future__ import annotations

import os
import time

import requests

from deploy.local import demo_checkins, demo_people
from services.resources import seed as directory_seed

ADMIN_EMAIL = "admin@northside.example"
PASSWORD = "circles-demo-password"  # demo only; printed on start


def bootstrap_organisation() -> None:
    # Imported here: loading the demo data (`make dev`'s child that runs beside the services)
    # needs only HTTP, not the people service's code and database layer.
    from services.people.spec import SPEC as PEOPLE
    from services.people.usecases.organisations import create_organisation
    from shared.errors import Conflict
    from shared.runtime import Runtime

    runtime = Runtime(PEOPLE)
    try:
        with runtime.uow() as uow:
            create_organisation(uow, "Northside Recovery Network", ADMIN_EMAIL, "Ada (admin)", PASSWORD)
    except Conflict:
        pass  # already there from an earlier run
    finally:
        runtime.dispose()


def login(urls: dict, email: str) -> dict:
    response = requests.post(f"{urls['people']}/auth/token", json={"email": email, "password": PASSWORD}, timeout=10)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def load(urls: dict[str, str]) -> dict:
    admin = login(urls, ADMIN_EMAIL)
    existing = requests.get(f"{urls['people']}/persons", headers=admin, timeout=10).json()
    if existing:
        return {"created": False, "persons": len(existing), "reported": _reported(urls, admin)}
    persons = demo_people.build(urls["people"], admin, lambda email: login(urls, email), PASSWORD)
    coordinator = login(urls, demo_people.COORDINATOR)
    recorded = demo_checkins.load(urls["checkins"], coordinator, persons)
    # The directory: the guide's helplines, Manchester meetings and café drop-ins (409: listed already).
    listings = directory_seed.helplines() + directory_seed.demo_listings()
    for listing in listings:
        response = requests.post(f"{urls['resources']}/listings", json=listing, headers=coordinator, timeout=10)
        if response.status_code != 409:
            response.raise_for_status()
    return {"created": True, "persons": len(persons), "checkins": recorded, "listings": len(listings),
            "reported": _wait_reported(urls, admin, recorded)}


def _reported(urls: dict, headers: dict) -> int:
    """Completed check-ins counted by reporting (admin: exact figures), all years."""
    response = requests.get(f"{urls['reporting']}/kpis", headers=headers, timeout=10,
                            params={"from": "2000-01", "to": "2059-12", "granularity": "year"})
    if response.status_code != 200:
        return 0
    return sum(p["kpis"]["checkins_completed"]["value"] for p in response.json()["periods"])


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
    env = os.environ  # KAFKA_PORT, MAIL_PORT, SMS_PORT, CIRCLES_VAR_DIR: as deploy/local/run.py reads them
    var = env.get("CIRCLES_VAR_DIR") or "var"
    lines += [f"  broker         127.0.0.1:{env.get('KAFKA_PORT') or 9092} (embedded, memory only)",
              f"  mail catcher   127.0.0.1:{env.get('MAIL_PORT') or 1025} (SMTP; what notifications sends lands in "
              f"{var}/mail.jsonl)",
              f"  SMS sink       127.0.0.1:{env.get('SMS_PORT') or 1026} (texts land in {var}/sms.jsonl)", ""]
    if summary["created"]:
        lines.append(f"Demo data: {summary['persons']} persons with their networks, weekly check-in, monthly "
                     f"review and café drop-in rhythms, and {summary['checkins']} check-ins; reporting counts "
                     f"{summary['reported']} completed check-ins.")
    else:
        lines.append(f"Demo data already present: {summary['persons']} persons; "
                     f"reporting counts {summary['reported']} completed check-ins.")
    lines += ["Demo logins (password for all: " + PASSWORD + "):",
              *(f"  {role:<12} {email}" for role, email in demo_people.LOGINS),
              f"Get a token: curl -s -X POST {urls['people']}/auth/token -H 'Content-Type: application/json' "
              f"-d '{{\"email\": \"{demo_people.COORDINATOR}\", \"password\": \"{PASSWORD}\"}}'",
              "Press Ctrl-C to stop everything."]
    return "\n".join(lines)
