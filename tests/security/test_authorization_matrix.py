"""The authorization matrix, generated from each service's OpenAPI document.

For every service, every operation (path x method) in its /openapi.json is called by
every caller of access_rules.py: no token, a garbage token, a token signed with another
secret, each role of organisation A (staff with and without a site list, staff inside and
outside the target person's caseload, the person themself and someone else, a supporter,
an operator) and an admin of organisation B. Path parameters name real records of
organisation A (seeded by matrix_worlds.py), bodies are minimal valid ones (the required
fields of the request schema, with a hand-written value per operation where the schema
alone is not enough).

Per call, against the access table (access_rules.ACCESS, the specification):

- public operations answer without a token; every other one answers 401 problem+json
  (with WWW-Authenticate) without a valid token;
- a caller the table does not allow gets 403, or 404 where the service hides that the
  record exists (the table says which), as problem+json;
- an allowed caller never gets 401, 403 or 404, and nobody ever gets a 5xx;
- nothing changes in the database on a refused call;
- no call changes a row outside the caller's reach (the other person's records, another
  site's, the other organisation's), allowed or not;
- no answer shows an id of a record outside the caller's reach: for the other
  organisation's admin no id of organisation A at all, for a participant nothing of the
  other person, for staff nothing of persons outside their sites or caseload (ids the
  request itself carried excepted; the public directory and feeds excepted by the table).

Every operation in every document must have an entry in the table and every entry must
name a documented operation, so a new endpoint fails here until it is classified. A
summary of the calls (operations x callers, outcomes per service) is printed at the end.
"""
from __future__ import annotations

import collections
import contextlib
import datetime as dt
import importlib
import json
import re

import pytest

from shared.clock import FixedClock
from shared.db.migrations import upgrade
from shared.settings import load_settings
from tests.security import access_rules as A
from tests.security.access_rules import ACCESS, ALLOWED
from tests.security.matrix_worlds import UUID, WORLDS

pytestmark = pytest.mark.integration

SERVICES = ("people", "checkins", "notifications", "resources", "reporting")
METHODS = ("get", "post", "put", "patch", "delete")
PROBLEM = "application/problem+json"
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone.utc)


def _openapi(service: str) -> dict:
    """The service's OpenAPI document, from its app (no database needed to describe it)."""
    settings = load_settings(service, {}).with_overrides(database_url="sqlite://", testing=True)
    app = importlib.import_module(f"services.{service}.app").create_app(settings=settings)
    try:
        response = app.test_client().get("/openapi.json")
        assert response.status_code == 200
        return response.json
    finally:
        app.extensions["circles"].dispose()


OPENAPI = {service: _openapi(service) for service in SERVICES}
OPERATIONS = {service: {(method.upper(), path): operation
                        for path, item in doc["paths"].items()
                        for method, operation in item.items() if method in METHODS}
              for service, doc in OPENAPI.items()}
CASES = [pytest.param(service, method, path, principal, id=f"{service} {method} {path} as {principal}")
         for service in SERVICES for (method, path) in OPERATIONS[service] for principal in A.EVERYONE]
RESULTS: list[dict] = []


# --- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def worlds(broker, databases):
    """world("checkins") -> that service's app on a freshly migrated database with its
    matrix world seeded; one per service for the whole module."""
    built: dict[str, object] = {}

    def world(service: str):
        if service not in built:
            try:
                settings = load_settings(service, {}).with_overrides(
                    database_url=databases.fresh(f"authz_{service}"), kafka_bootstrap_servers=broker.bootstrap,
                    consumer_backoff_seconds=0.01, testing=True)
                upgrade(importlib.import_module(f"services.{service}.spec").SPEC.migrations_dir,
                        settings.database_url)
                app = importlib.import_module(f"services.{service}.app").create_app(
                    settings=settings, clock=FixedClock(NOW))
                built[service] = WORLDS[service](app)
            except Exception as exc:  # noqa: BLE001 - every later case of the service reports it
                built[service] = exc
        if isinstance(built[service], Exception):
            raise RuntimeError(f"the {service} world could not be seeded") from built[service]
        return built[service]

    yield world
    for value in built.values():
        if not isinstance(value, Exception):
            value.runtime.dispose()


@pytest.fixture(scope="module", autouse=True)
def summary(request):
    """Print the matrix's counts once the module is done (past output capturing)."""
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.getplugin("terminalreporter"), plugins.getplugin("capturemanager")
    if reporter is None or not RESULTS:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        reporter.write_line("")
        for line in summary_lines(RESULTS):
            reporter.write_line(line)


def summary_lines(results: list[dict]) -> list[str]:
    """Per service: operations, callers, calls; how many calls were allowed (and of those
    answered 2xx rather than a 4xx about the request itself), refused with 401, 403 and
    404 as the table says; and how many calls failed a check."""
    header = (f"{'service':<14}{'operations':>11}{'callers':>9}{'calls':>7}{'allowed':>9}{'(2xx)':>7}"
              f"{'401':>6}{'403':>6}{'404':>6}{'failed':>8}")
    lines = ["Authorization matrix (every OpenAPI operation x every caller):", header, "-" * len(header)]
    groups = [(s, [r for r in results if r["service"] == s]) for s in SERVICES] + [("total", results)]
    for name, rows in groups:
        if not rows:
            continue
        counts = collections.Counter()
        for r in rows:
            allowed = r["expected"] == ALLOWED
            counts.update({"allowed": allowed, "2xx": allowed and 200 <= r["status"] < 300,
                           "failed": not r["passed"]})
            counts.update({r["expected"]: not allowed})
        operations = len({(r["service"], r["method"], r["path"]) for r in rows})
        callers = len({r["principal"] for r in rows})
        lines.append(f"{name:<14}{operations:>11}{callers:>9}{len(rows):>7}{counts['allowed']:>9}"
                     f"{counts['2xx']:>7}{counts[401]:>6}{counts[403]:>6}{counts[404]:>6}{counts['failed']:>8}")
    failed = [r for r in results if not r["passed"]]
    if failed:
        lines.append("Calls that failed a check:")
        lines += [f"  {r['service']} {r['method']} {r['path']} as {r['principal']}: expected {r['expected']}, "
                  f"got {r['status']}; {r['why']}" for r in failed]
    return lines


# --- building a request from the OpenAPI document ----------------------------------------------------
def example(schema: dict, doc: dict):
    """A minimal value for a schema: required properties only, the first enum value,
    minimums and minimum lengths."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return example(doc["components"]["schemas"][name], doc)
    if "allOf" in schema:
        merged = {}
        for part in schema["allOf"]:
            merged.update(example(part, doc))
        return merged
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if kind == "object":
        required = set(schema.get("required", ()))
        return {name: example(prop, doc) for name, prop in schema.get("properties", {}).items()
                if name in required and not prop.get("readOnly")}
    if kind == "array":
        return [example(schema.get("items", {}), doc) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return {"uuid": "00000000-0000-4000-8000-000000000000", "date": "2026-03-01",
            "date-time": "2026-03-01T10:00:00+00:00", "email": "someone@example.org",
            "uri": "https://example.org/", "url": "https://example.org/"}.get(
        schema.get("format"), "x" * max(schema.get("minLength", 1), 1))


def build_request(world, service: str, method: str, path: str) -> tuple[str, dict, object]:
    doc, operation, key = OPENAPI[service], OPERATIONS[service][(method, path)], (method, path)
    body = None
    if "requestBody" in operation:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        body = {**example(schema, doc), **(world.body(key) or {})}
    url = path
    for name in re.findall(r"{(\w+)}", path):
        value = world.path_value(key, name)
        assert value is not None, f"the {service} world has no value for the path parameter {name}"
        url = url.replace("{" + name + "}", str(value))
    given = world.queries.get(key, {})
    query = dict(given)
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter["in"] == "query" and parameter.get("required") and name not in query:
            query[name] = world.values.get(name) or example(parameter.get("schema", {}), doc)
    return url, query, body


# --- the matrix ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("service", "method", "path", "principal"), CASES)
def test_access(worlds, service, method, path, principal):
    rule = ACCESS[service].get((method, path))
    assert rule is not None, (f"{service} {method} {path} is not in access_rules.ACCESS: classify it "
                              "(who may call it, and whether it is public)")
    expected = rule.expected(principal)
    world = worlds(service)
    url, query, body = build_request(world, service, method, path)
    # A public operation's credential is its input (a password, an invitation or feed
    # token), not the caller: reach is checked on the others.
    reach = not rule.public and principal not in A.UNAUTHENTICATED
    protected = world.protected_rows(principal) if reach else None
    before = world.fingerprint() if expected != ALLOWED else None

    response = world.client.open(url, method=method, query_string=query, json=body,
                                 headers=world.tokens[principal])
    result = {"service": service, "method": method, "path": path, "principal": principal,
              "expected": expected, "status": response.status_code, "passed": False, "why": ""}
    RESULTS.append(result)
    try:
        check(world, rule, principal, expected, response, f"{method} {url}", (url, query, body), protected, before)
    except AssertionError as exc:
        result["why"] = str(exc).split(":", 1)[0]
        raise
    result["passed"] = True


def check(world, rule, principal, expected, response, call, request, protected, before) -> None:
    status, text = response.status_code, response.get_data(as_text=True)
    where = f"{call} as {principal} -> {status}: {text[:600]}"
    assert status < 500, f"server error: {where}"
    if expected == ALLOWED:
        assert status not in (401, 403, 404), f"an allowed caller was refused: {where}"
    else:
        assert status == expected, f"expected {expected}: {where}"
        assert response.mimetype == PROBLEM and response.json["status"] == expected, f"not problem+json: {where}"
        if expected == 401:
            assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), f"no challenge: {where}"
        assert world.fingerprint() == before, f"a refused call changed the database: {where}"
    if protected is None:
        return
    assert world.protected_rows(principal) == protected, (
        f"the call changed records outside the caller's reach (another person's, site's or organisation's): {where}")
    if not rule.public_data:
        asked = {m.lower() for m in UUID.findall(json.dumps(request))}
        shown = {m.lower() for m in UUID.findall(text)} & (world.secret_ids(principal, protected) - asked)
        assert not shown, f"the answer shows ids of records outside the caller's reach {sorted(shown)}: {where}"


# --- the table is complete and the documents agree with it ----------------------------------------------
@pytest.mark.parametrize("service", SERVICES)
def test_every_documented_operation_is_classified_and_every_entry_is_documented(service):
    documented, classified = set(OPERATIONS[service]), set(ACCESS[service])
    missing = sorted(documented - classified)
    assert not missing, f"operations missing from the access table: {missing}"
    stale = sorted(classified - documented)
    assert not stale, f"access table entries that no {service} operation has: {stale}"


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_marks_exactly_the_public_operations(service):
    """An operation the table calls public says `security: []` in the document; every
    other one inherits the document's bearer requirement."""
    doc = OPENAPI[service]
    assert doc.get("security") == [{"bearerAuth": []}]
    wrong = sorted(f"{method} {path}" for (method, path), operation in OPERATIONS[service].items()
                   if (method, path) in ACCESS[service]
                   and ACCESS[service][(method, path)].public != (operation.get("security") == []))
    assert not wrong, f"the OpenAPI document and the access table disagree on who needs a token: {wrong}"


def test_every_caller_is_checked_on_every_operation():
    """The matrix is complete: operations x callers, for every service."""
    operations = sum(len(ops) for ops in OPERATIONS.values())
    assert len(CASES) == operations * len(A.EVERYONE)
    assert len(A.EVERYONE) == 16 and operations >= 100
