"""Schemathesis against every service's OpenAPI description, in process (WSGI, no network).

Each service runs on a freshly migrated database with a little seeded data, authenticated
as an organisation's admin and, in a second run, as a coordinator of one site. Every
documented operation is called with Schemathesis's pytest integration: its explicit
examples, its coverage phase (each constraint's boundaries and violations: too long, too
short, wrong type, missing, out of range...) and its fuzzing phase (random requests the
description allows, and ones it forbids). The checks:

- no response is a 5xx (bad input is a clear 4xx problem+json),
- each status code is one the operation documents (a success explicitly, not via `default`),
- each response's content type and body match the documented schema; every error is
  application/problem+json whose `status` is the HTTP status.

Path parameters are mostly random UUIDs (a 404, which is fine); for about half the cases
the ids that were seeded (a person, a contact, a listing) replace them, and the body and
query fields of the same name, so that validation past the lookup is exercised too.

The number of cases is printed per service and role, and in total. The run is bounded for
`make test` (FUZZ_EXAMPLES fuzzing examples per operation, 10 by default, besides the
coverage cases) and derandomized, so CI is reproducible; raise FUZZ_EXAMPLES for a longer
hunt, e.g. `FUZZ_EXAMPLES=200 .venv/bin/pytest tests/security/test_fuzz_openapi.py`.
Run it on PostgreSQL too (TEST_DATABASE_URL): NUL characters and over-long strings only
fail there.
"""
from __future__ import annotations

import collections
import dataclasses
import importlib
import os
import time
import types
import uuid
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from shared.db.migrations import upgrade
from shared.settings import Settings
from tests.support.tokens import ORG_A, bearer

pytestmark = pytest.mark.integration

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))


def problem_details(ctx, response, case):
    """Every error is RFC 9457 problem+json whose `status` is the HTTP status; every
    success is a status code the operation documents by itself (not only via `default`)."""
    status = response.status_code
    if status >= 400:
        content_type = response.headers.get("content-type", [""])[0]
        assert content_type.startswith("application/problem+json"), f"{status} answered as {content_type!r}"
        body = response.json()
        assert body.get("status") == status and body.get("title"), f"not a problem document: {body!r}"
    elif case.method.upper() == case.operation.method.upper():  # OPTIONS: Flask's automatic 200 + Allow
        documented = case.operation.definition.raw.get("responses", {})
        assert str(status) in documented, f"{status} is not documented (documented: {sorted(documented)})"


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          problem_details]
SERVICES = ("people", "checkins", "notifications", "resources", "reporting")
ROLES = ("admin", "coordinator")

TARGETS = [(service, role) for service in SERVICES for role in ROLES]

# Cases per (service, role), filled as the tests run and printed when the module is done.
COUNTS: dict[tuple[str, str], int] = {}


@pytest.fixture
def service_app(settings_for, clock):
    """service_app("people") -> a Flask app on a freshly migrated database."""
    apps = []

    def build(service: str):
        # The rate limits (tested in their own right) would answer most public calls with 429.
        limits = {f.name: None for f in dataclasses.fields(Settings) if f.name.startswith("rate_limit_")}
        settings = settings_for(service, **limits)
        upgrade(importlib.import_module(f"services.{service}.spec").SPEC.migrations_dir, settings.database_url)
        app = importlib.import_module(f"services.{service}.app").create_app(settings=settings, clock=clock)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["circles"].dispose()


# --- a little data per service, so that not every call is a 404 -------------------------
# Each returns the caller's headers and the seeded ids by parameter name.

def seed_people(app, clock, role):
    from tests.integration.people_support import PeopleWorld
    world = PeopleWorld(app.test_client(), app)
    person = world.person(world.admin)["id"]
    contact = world.post(f"/persons/{person}/contacts", world.admin, {
        "name": "Jo", "role": "sponsor", "circle": "inner", "label": "helpful", "phone": "07700 900123"})["id"]
    return (world.admin if role == "admin" else world.coordinator), {"person_id": person, "contact_id": contact}


def seed_checkins(app, clock, role):
    from tests.integration.checkins_support import CheckinsWorld
    world = CheckinsWorld(app.extensions["circles"], clock, client=app.test_client())
    site = str(uuid.uuid4())
    person = world.person(site=site)
    return world.headers(role=role, sites=(site,)), {"person_id": person.id}


def seed_notifications(app, clock, role):
    from tests.integration.notifications_support import NotificationsWorld
    nowhere = types.SimpleNamespace(port=9, url="http://127.0.0.1:9")  # nothing is sent in these tests
    world = NotificationsWorld(app.extensions["circles"], clock, nowhere, nowhere, client=app.test_client())
    person = world.person()
    return bearer(app.extensions["circles"].settings, role=role, org=ORG_A), {"person_id": person.id}


def seed_resources(app, clock, role):
    from tests.integration.test_resources_directory import CAFE, RIVERSIDE
    settings = app.extensions["circles"].settings
    client = app.test_client()
    editor = bearer(settings, role="coordinator", org=ORG_A)
    ids = []
    for body in (RIVERSIDE, CAFE):
        response = client.post("/listings", json=body, headers=editor)
        assert response.status_code == 201, response.json
        ids.append(response.json["id"])
    return bearer(settings, role=role, org=ORG_A), {"listing_id": ids[0], "service_id": ids[1]}


def seed_reporting(app, clock, role):
    from tests.support.reporting_history import SITE_NORTH, History, apply_live, utc
    runtime = app.extensions["circles"]
    history = History()
    person = history.person(utc(2026, 1, 2), SITE_NORTH, peer_worker="pw-1")
    history.checkin(person, utc(2026, 1, 5), days_abstinent=5)
    apply_live(runtime, history.events)
    return bearer(runtime.settings, role=role, org=ORG_A, sites=(SITE_NORTH,)), {"person_id": person}


SEEDS = {"people": seed_people, "checkins": seed_checkins, "notifications": seed_notifications,
         "resources": seed_resources, "reporting": seed_reporting}


# --- the fuzzing ----------------------------------------------------------------------------

@dataclasses.dataclass
class Target:
    service: str
    role: str
    schema: object
    known: dict
    statuses: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    started: float = dataclasses.field(default_factory=time.monotonic)


def _write(request, line: str) -> None:
    """To the terminal even under output capture (so `make test` shows the counts)."""
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is None or reporter is None:  # pragma: no cover - pytest without them
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)


@pytest.fixture(scope="module", autouse=True)
def case_counts(request):
    yield
    if COUNTS:
        _write(request, "")
        for (service, role), cases in COUNTS.items():
            _write(request, f"[fuzz] {service:<14} {role:<12} {cases:>6} cases")
        _write(request, f"[fuzz] total {sum(COUNTS.values())} cases ({EXAMPLES} fuzzing examples per operation)")


@pytest.fixture(params=TARGETS, ids=[f"{service}-{role}" for service, role in TARGETS])
def fuzz_target(request, service_app, clock):
    service, role = request.param
    app = service_app(service)
    headers, known = SEEDS[service](app, clock, role)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    schema.config.update(headers=headers)
    target = Target(service, role, schema, known)
    yield target
    COUNTS[(service, role)] = cases = sum(target.statuses.values())
    _write(request, f"\n[fuzz] {service} as {role}: {cases} cases in {time.monotonic() - target.started:.1f}s; "
                    f"statuses {dict(sorted(target.statuses.items()))}")


@pytest.fixture
def api_schema(request, fuzz_target):
    # Schemathesis's lazy schema renames the test node per operation through `_nodeid`,
    # an attribute pytest 9.2 no longer has; give it one (the id pytest reports is unchanged).
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    return fuzz_target.schema


def _use_known_ids(case, known: dict) -> None:
    """For about half the cases (chosen by the case's content, so reproducibly): the seeded
    ids as path parameters, and in the query and body fields of the same name."""
    if zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 2:
        return
    for container in (case.path_parameters, case.query, case.body):
        if isinstance(container, dict):
            for name, value in known.items():
                if name in container:
                    container[name] = value


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.timeout(3600)
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_description(case, fuzz_target):
    _use_known_ids(case, fuzz_target.known)
    response = case.call_and_validate(checks=CHECKS)
    fuzz_target.statuses[response.status_code] += 1
