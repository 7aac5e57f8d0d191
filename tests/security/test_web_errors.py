"""No stack traces in responses: an unexpected exception in a view, in every service, is a
plain 500 (problem+json from the API, a plain page from the pages) that holds neither the
traceback, nor a file path, nor the exception's own words; the error is logged on the
server, with its traceback, under the request's correlation id (the X-Correlation-ID the
response carries, which the page also shows as a reference to quote)."""
from __future__ import annotations

import importlib
import io
import json
import logging

import pytest

from shared.db.migrations import upgrade
from shared.logs import JsonFormatter
from tests.support.tokens import ORG_A, bearer

pytestmark = pytest.mark.integration

SERVICES = ("people", "checkins", "notifications", "resources", "reporting")
SECRET = "s3cr3t-detail for Sam Example, sam@example.org"
LEAKS = ("Traceback", "RuntimeError", "s3cr3t", "sam@example.org", "/work/", ".py", 'File "', "line ")


@pytest.fixture
def app_for(settings_for, clock):
    apps = []

    def build(service: str):
        settings = settings_for(service)
        upgrade(importlib.import_module(f"services.{service}.spec").SPEC.migrations_dir, settings.database_url)
        app = importlib.import_module(f"services.{service}.app").create_app(settings=settings, clock=clock)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["circles"].dispose()


class ServerLog:
    """Every log record, as the JSON lines the services write (formatted while the request
    is still running, so each carries its correlation id). Attached after the app is
    built: building one sets up the process's logging afresh."""

    def __init__(self):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonFormatter("test"))

    def attach(self) -> None:
        logging.getLogger().addHandler(self.handler)

    def __call__(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line.startswith("{")]


@pytest.fixture
def server_log():
    log = ServerLog()
    yield log
    logging.getLogger().removeHandler(log.handler)


def explode():
    raise RuntimeError(f"{SECRET} at /work/main/services/secret.py line 42")


def add_failing_routes(app) -> None:
    """A test-only API route, and one that belongs to one of the app's page blueprints."""
    page_blueprint = sorted(app.config["CIRCLES_PAGE_BLUEPRINTS"])[0]
    app.add_url_rule("/__test/explode", "test_explode", explode)
    app.add_url_rule("/__test/explode-page", f"{page_blueprint}.test_explode", explode)


def assert_no_leak(response) -> None:
    body = response.get_data(as_text=True)
    for leak in LEAKS:
        assert leak not in body, f"{leak!r} in the response: {body[:300]}"


def assert_logged(log: list[dict], correlation_id: str) -> None:
    [entry] = [e for e in log if e["message"] == "unhandled error"]
    assert entry["level"] == "ERROR" and entry["correlation_id"] == correlation_id
    assert "Traceback" in entry["exception"] and "RuntimeError: s3cr3t-detail" in entry["exception"]


@pytest.mark.parametrize("service", SERVICES)
def test_an_unexpected_error_in_the_api_is_a_bare_problem_and_logged(service, app_for, server_log):
    app = app_for(service)
    add_failing_routes(app)
    server_log.attach()
    headers = bearer(app.extensions["circles"].settings, role="admin", org=ORG_A)
    response = app.test_client().get("/__test/explode", headers=headers)
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert response.json == {"type": "about:blank", "title": "Internal Server Error", "status": 500,
                             "detail": "An unexpected error occurred; it has been logged."}
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert_no_leak(response)
    assert_logged(server_log(), response.headers["X-Correlation-ID"])


@pytest.mark.parametrize("service", SERVICES)
def test_an_unexpected_error_in_a_page_is_a_plain_page_and_logged(service, app_for, server_log):
    app = app_for(service)
    add_failing_routes(app)
    server_log.attach()
    client = app.test_client()
    client.set_cookie("circles_session", bearer(app.extensions["circles"].settings, role="admin",
                                                org=ORG_A)["Authorization"].removeprefix("Bearer "))
    response = client.get("/__test/explode-page")
    assert response.status_code == 500 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    correlation_id = response.headers["X-Correlation-ID"]
    assert "<h1>Something went wrong</h1>" in page and f"quote the reference {correlation_id}" in page
    assert "script-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert_no_leak(response)
    assert_logged(server_log(), correlation_id)


def test_a_failing_use_case_behind_a_real_page_and_a_real_endpoint(app_for, server_log, monkeypatch):
    """The same through the people service's own person list (page) and person search (API)."""
    from services.people import pages
    from services.people.usecases import persons
    app = app_for("people")
    server_log.attach()
    monkeypatch.setattr(persons, "search", lambda *a, **k: explode())
    monkeypatch.setattr(pages.persons, "search", lambda *a, **k: explode())
    headers = bearer(app.extensions["circles"].settings, role="admin", org=ORG_A)
    api = app.test_client().get("/persons", headers=headers)
    assert api.status_code == 500 and api.mimetype == "application/problem+json"
    assert_no_leak(api)
    client = app.test_client()
    client.set_cookie("circles_session", headers["Authorization"].removeprefix("Bearer "))
    page = client.get("/staff/persons?q=Sam")
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert_no_leak(page)
    logged = [e for e in server_log() if e["message"] == "unhandled error"]
    assert [e["correlation_id"] for e in logged] == [api.headers["X-Correlation-ID"],
                                                    page.headers["X-Correlation-ID"]]
