"""Issue 9: a session token replayed after logout is refused, by every service.

The people service's login page mints a session token (`"ses": true`) for the cookie.
Its /logout records the token id in people's ended_sessions and, in the same transaction,
the outbox event circles.people.session.ended.v1; the relay ships it and every other
service's `<service>.sessions` consumer records it too. Here the event travels for real:
the people outbox is published by the outbox relay to the test broker, read back, and
handed to every consumer loop of every other service (their own subscriptions, so the
reporting projection and the read models must take the new type without dead-lettering
it). Logging out from another service's page reaches people through a logout ticket.
"""
from __future__ import annotations

import datetime as dt
import importlib
import json
import types
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from shared.auth.tokens import decode_token, mint_logout_ticket
from shared.db.migrations import upgrade
from shared.messaging.consumer import ConsumerLoop
from shared.messaging.kafka import make_producer
from shared.messaging.relay import OutboxRelay
from shared.web import sessions
from tests.integration.people_support import PASSWORD, PeopleWorld
from tests.support.kafka_read import read_topic

pytestmark = pytest.mark.integration

OTHERS = ("checkins", "notifications", "resources", "reporting")
# A route each service answers only to a valid token (pages send the refused to the login).
PROBES = {"people": "/persons", "checkins": "/rhythms", "notifications": "/rules",
          "resources": "/staff/listings", "reporting": "/kpis/definitions"}
SAME_ORIGIN = {"Origin": "http://localhost"}
EMAIL = "coordinator@northsiderecovery.example"


@pytest.fixture
def apps(settings_for, clock):
    built = {}
    for service in ("people", *OTHERS):
        settings = settings_for(service)
        upgrade(importlib.import_module(f"services.{service}.spec").SPEC.migrations_dir, settings.database_url)
        built[service] = importlib.import_module(f"services.{service}.app").create_app(settings=settings, clock=clock)
    yield built
    for app in built.values():
        app.extensions["circles"].dispose()


@pytest.fixture
def world(apps):
    return PeopleWorld(apps["people"].test_client(), apps["people"])


def log_in(app) -> str:
    response = app.test_client().post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 303
    [cookie] = response.headers.getlist("Set-Cookie")
    return cookie.split(";")[0].removeprefix("circles_session=")


def accepted(app, token: str, as_cookie: bool) -> bool:
    client = app.test_client()
    headers = {}
    if as_cookie:
        client.set_cookie("circles_session", token)
    else:
        headers = {"Authorization": f"Bearer {token}"}
    service = app.extensions["circles"].spec.name
    response = client.get(PROBES[service], headers=headers)
    refused_page = response.status_code == 302 and "/login" in response.headers["Location"]
    if response.status_code == 401:
        assert response.mimetype == "application/problem+json"
    return response.status_code != 401 and not refused_page


def everywhere(apps, token: str) -> dict[str, tuple[bool, bool]]:
    return {name: (accepted(app, token, True), accepted(app, token, False)) for name, app in apps.items()}


def session_events(app) -> list:
    outbox = app.extensions["circles"].spec.outbox
    with app.extensions["circles"].engine.connect() as conn:
        return conn.execute(select(outbox).where(outbox.c.event_type == sessions.SESSION_ENDED)).all()


class DeadLetters:
    """The producer the consumer loops dead-letter with: nothing may arrive here."""

    def __init__(self):
        self.sent = []

    def send(self, topic, key=None, value=None, headers=None):
        self.sent.append(topic)
        return types.SimpleNamespace(get=lambda timeout=None: None)

    def flush(self, timeout=None):
        pass


def relay_and_read(people, broker, token_id: str) -> list:
    """Publish people's outbox with the real relay; read the event back from the broker."""
    runtime = people.extensions["circles"]
    producer = make_producer(runtime.settings)
    try:
        OutboxRelay(runtime.engine, runtime.spec.outbox, producer, runtime.clock, "people").publish_batch()
    finally:
        producer.close()
    return [r for r in read_topic(broker.bootstrap, "people.events") if r.key == token_id.encode()]


def consume(app, record, dead: DeadLetters) -> list[str]:
    """Every consumer loop of the service handles the record; the names of those that run."""
    runtime = app.extensions["circles"]
    loops = [ConsumerLoop(sub, runtime.spec.name, None, dead, runtime.uow, runtime.spec.processed, max_retries=0)
             for sub in runtime.spec.subscriptions(runtime)]
    for loop in loops:
        if record.topic in loop.subscription.topics:
            assert loop.process(record)
    return [loop.name for loop in loops]


def test_after_logout_the_token_is_refused_by_people_at_once_and_by_every_service_after_the_event(
        apps, world, broker):
    token = log_in(apps["people"])
    claims = decode_token(apps["people"].extensions["circles"].settings, token)
    assert claims.session and claims.expires_at > dt.datetime.now(dt.timezone.utc)
    bearer = world.coordinator["Authorization"].removeprefix("Bearer ")  # /auth/token: not a session
    assert not decode_token(apps["people"].extensions["circles"].settings, bearer).session
    assert set(everywhere(apps, token).values()) == {(True, True)}

    client = apps["people"].test_client()
    client.set_cookie("circles_session", token)
    out = client.post("/logout", headers=SAME_ORIGIN)
    assert out.status_code == 303 and out.headers["Location"] == apps["people"].extensions["circles"].settings.login_url
    assert out.headers["Set-Cookie"].startswith("circles_session=;")

    seen = everywhere(apps, token)
    assert seen["people"] == (False, False)  # people refuses at once, as cookie and as bearer
    page = apps["people"].test_client()
    page.set_cookie("circles_session", token)
    assert page.get("/staff/persons").status_code == 302  # a page sends the visitor to log in again
    assert all(seen[name] == (True, True) for name in OTHERS)  # the others until the event arrives

    [record] = relay_and_read(apps["people"], broker, claims.token_id)
    dead = DeadLetters()
    for name in OTHERS:
        assert f"{name}.sessions" in consume(apps[name], record, dead)
        consume(apps[name], record, dead)  # redelivered: a no-op
    assert dead.sent == []  # the reporting projection and the read models take the new type quietly
    assert set(everywhere(apps, token).values()) == {(False, False)}
    assert set(everywhere(apps, bearer).values()) == {(True, True)}  # an unrelated token is unaffected
    assert set(everywhere(apps, log_in(apps["people"])).values()) == {(True, True)}  # a new login works


def test_the_event_names_the_token_and_nothing_about_who_it_was(apps, world):
    token = log_in(apps["people"])
    principal = decode_token(apps["people"].extensions["circles"].settings, token)
    client = apps["people"].test_client()
    client.set_cookie("circles_session", token)
    client.post("/logout", headers=SAME_ORIGIN)
    client.set_cookie("circles_session", token)
    client.post("/logout", headers=SAME_ORIGIN)  # a second logout with the same token: no second event
    [row] = session_events(apps["people"])
    payload, headers = json.loads(row.payload), dict(json.loads(row.headers))
    assert payload == {"token_id": principal.token_id,
                       "expires_at": principal.expires_at.isoformat()}
    assert row.partition_key == principal.token_id and "ce_subject" not in headers
    everything = row.payload + row.headers
    for personal in (principal.subject, EMAIL, principal.organisation_id, *principal.site_ids, "coordinator"):
        assert personal not in everything


def test_logging_out_on_another_services_page_ends_the_session_at_people(apps, world):
    token = log_in(apps["people"])
    token_id = decode_token(apps["people"].extensions["circles"].settings, token).token_id
    checkins = apps["checkins"].test_client()
    checkins.set_cookie("circles_session", token)
    assert checkins.post("/logout", headers={"Origin": "https://evil.example"}).status_code == 403
    assert accepted(apps["checkins"], token, True)

    out = checkins.post("/logout", headers=SAME_ORIGIN)
    # The cookie goes, this service refuses the token at once, and the browser posts again
    # (307) to the people service's /logout, beside its login page, with a logout ticket.
    assert out.status_code == 307 and out.headers["Set-Cookie"].startswith("circles_session=;")
    target = urlsplit(out.headers["Location"])
    login = urlsplit(apps["people"].extensions["circles"].settings.login_url)
    assert (target.netloc, target.path) == (login.netloc, "/logout") and target.query.startswith("ticket=")
    assert not accepted(apps["checkins"], token, True) and accepted(apps["people"], token, False)

    # After a cross-origin redirect the browser sends `Origin: null`: the ticket vouches.
    people = apps["people"].test_client()
    ended = people.post(f"/logout?{target.query}", headers={"Origin": "null"})
    assert ended.status_code == 303
    assert not accepted(apps["people"], token, True) and not accepted(apps["people"], token, False)
    [row] = session_events(apps["people"])
    assert json.loads(row.payload)["token_id"] == token_id


def test_a_logout_ticket_is_only_good_from_the_platform(apps, world):
    token = log_in(apps["people"])
    principal = decode_token(apps["people"].extensions["circles"].settings, token)
    settings = apps["people"].extensions["circles"].settings
    forged = mint_logout_ticket(settings.with_overrides(jwt_secret="x" * 40), principal.token_id, principal.expires_at)
    people = apps["people"].test_client()
    for ticket in (forged, token, "garbage"):  # a session token is no ticket either
        response = people.post("/logout", query_string={"ticket": ticket}, headers={"Origin": "null"})
        assert response.status_code == 403
    assert accepted(apps["people"], token, True) and session_events(apps["people"]) == []


@pytest.mark.parametrize("service", ("people", *OTHERS))
def test_ended_rows_are_pruned_once_the_token_has_expired_on_the_clock(apps, clock, service):
    runtime = apps[service].extensions["circles"]
    [job] = [j for j in runtime.spec.jobs(runtime) if j.name == f"{service}.ended-sessions-prune"]
    expires = clock.now() + dt.timedelta(hours=1)
    with runtime.uow() as uow:
        sessions.record_ended(uow.session, "a" * 32, expires, clock.now())
        sessions.record_ended(uow.session, "b" * 32, expires + dt.timedelta(hours=1), clock.now())
        uow.commit()
    with runtime.uow() as uow:
        assert job.run_once(uow) == 0
    clock.set(expires + dt.timedelta(seconds=1))
    with runtime.uow() as uow:
        assert job.run_once(uow) == 1
    assert not sessions.is_ended(runtime, "a" * 32) and sessions.is_ended(runtime, "b" * 32)


def test_every_other_service_consumes_the_event_and_people_does_not(apps):
    for name, app in apps.items():
        runtime = app.extensions["circles"]
        names = {s.name: s for s in runtime.spec.subscriptions(runtime)}
        if name == "people":
            assert not any(sessions.SESSION_ENDED in s.handlers for s in names.values())
        else:
            assert names[f"{name}.sessions"].topics == ["people.events"]
