"""Secrets and personal data stay out of logs and metric labels; secrets come only from the
environment, and the development JWT secret is refused outside development and tests.

The flow test runs the five services in process on fresh databases, logging at DEBUG to
the same JSON handler the services use, and carries events between them through each
service's own consumer loop (decode, de-duplication, handlers), as Kafka would: persons
with distinctive names, e-mails and phone numbers registered through the people API,
their network contacts, consent and a signed crisis plan, an invitation accepted and a
login through the page (and one with a wrong password); check-ins with free text, a self
check-in from its signed link with "talk to someone now", a missed session; notifications
routed and sent through a real SMTP server and a real SMS sink; the directory and the KPI
report read. The messages that reached the providers prove the personal data travelled;
then every captured log line and every service's /metrics output is searched for each
name, e-mail address, phone number and free text, for the JWT secret, every password and
every token (bearer, session cookie, invitation, self check-in link, calendar feed).
"""
from __future__ import annotations

import ast
import dataclasses
import importlib
import io
import json
import logging
import re
import types
import warnings
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from shared.db.migrations import upgrade
from shared.logs import JsonFormatter
from shared.settings import DEV_JWT_SECRET, ENV_FIELDS, InsecureSettings, Settings, load_settings

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("people", "checkins", "notifications", "resources", "reporting")
JWT_SECRET = "flow-test-jwt-secret-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e"
PERSON_PASSWORD = "persons-own-password-Zt5&yR9"
WRONG_PASSWORD = "a-wrong-password-Hx4@pL7"

PERSON = {"display_name": "Zebedee Quartermaine", "email": "zebedee.quartermaine@example.net",
          "phone": "+447700900471", "goals": ["Keep my allotment at Thistlewick"]}
CONTACT = {"name": "Philippa Nightingale-Voss", "email": "philippa.nvoss@example.org", "phone": "+447700900472"}
CHECKIN_TEXT = {"wins": "Walked the dog with Ottoline Brackenbury",
                "risks_and_needs": "Arrears letter from Mrs Hollowbrook",
                "practical_tasks": "Call Dr Featherstonehaugh on Friday"}
SELF_CHECKIN_HELP = "My landlord Mr Grimsbottom wants me out"
SIGNATURE = "Zebedee Q. Signature"
# A second contact whose number no SMS provider takes (the failure quotes it), and input
# that is refused (validation errors echo it back to the caller, never to the log).
BAD_NUMBER_CONTACT = {"name": "Ignatius Plumtree", "phone": "07700 900473"}
REFUSED = {"display_name": "Marmaduke Refusedname", "email": "not-an-email Marmaduke", "timezone": "Mars/Olympus"}
UNKNOWN_LOGIN = "unknown.visitor.quimby@example.com"
PERSONAL = [PERSON["display_name"], "Quartermaine", PERSON["email"], PERSON["phone"], "7700900471", "7700 900471",
            PERSON["goals"][0], "Thistlewick", CONTACT["name"], "Nightingale", CONTACT["email"], CONTACT["phone"],
            "7700900472", *CHECKIN_TEXT.values(), "Brackenbury", "Hollowbrook", "Featherstonehaugh", SELF_CHECKIN_HELP,
            "Grimsbottom", SIGNATURE, *BAD_NUMBER_CONTACT.values(), "Plumtree", "Marmaduke", "Refusedname",
            "Mars/Olympus", UNKNOWN_LOGIN, "Philippa", "coordinator@northsiderecovery.example",
            "peer_worker@northsiderecovery.example", "admin@northsiderecovery.example", "Ada Admin"]
# The fake providers in this process are not Circles: aiosmtpd logs the mail it receives.
NOT_CIRCLES = ("mail.log",)


# --- the services in process ------------------------------------------------------------------

@pytest.fixture
def platform(settings_for, clock):
    runtimes = {}
    apps = {}
    for service in SERVICES:
        settings = settings_for(service, log_level="DEBUG", jwt_secret=JWT_SECRET)
        upgrade(importlib.import_module(f"services.{service}.spec").SPEC.migrations_dir, settings.database_url)
        apps[service] = importlib.import_module(f"services.{service}.app").create_app(settings=settings, clock=clock)
        runtimes[service] = apps[service].extensions["circles"]
    yield apps
    for runtime in runtimes.values():
        runtime.dispose()


class CapturedLog:
    """Every record any logger passes at DEBUG, formatted by the services' JSON formatter."""

    def __init__(self):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setLevel(logging.DEBUG)
        self.handler.setFormatter(JsonFormatter("captured"))
        self.handler.addFilter(lambda record: not record.name.startswith(NOT_CIRCLES))

    def __enter__(self):
        root = logging.getLogger()
        assert root.level == logging.DEBUG  # LOG_LEVEL=DEBUG reached the services' logging
        root.addHandler(self.handler)
        return self

    def __exit__(self, *exc):
        logging.getLogger().removeHandler(self.handler)

    @property
    def text(self) -> str:
        return self.stream.getvalue()


@dataclasses.dataclass
class FakeRecord:
    topic: str
    key: bytes
    value: bytes
    headers: list
    partition: int = 0
    offset: int = 0


class DeadLetters:
    """Stands in for the producer the consumer loop dead-letters with: nothing may land here."""

    def __init__(self):
        self.sent = []

    def send(self, topic, key=None, value=None, headers=None):
        self.sent.append((topic, value))
        return types.SimpleNamespace(get=lambda timeout=None: None)

    def flush(self, timeout=None):
        pass


class Bus:
    """Each service's outbox delivered to every other service's consumer loops, in order."""

    def __init__(self, apps: dict):
        from shared.messaging.consumer import ConsumerLoop
        self.apps = apps
        self.dead = DeadLetters()
        self.delivered = {service: 0 for service in apps}
        self.loops = {service: [ConsumerLoop(sub, service, None, self.dead, app.extensions["circles"].uow,
                                             app.extensions["circles"].spec.processed, max_retries=0)
                                for sub in app.extensions["circles"].spec.subscriptions(app.extensions["circles"])]
                      for service, app in apps.items()}

    def run(self) -> int:
        moved = 0
        while True:
            batch = 0
            for producer, app in self.apps.items():
                runtime = app.extensions["circles"]
                outbox = runtime.spec.outbox
                with runtime.engine.connect() as conn:
                    rows = conn.execute(select(outbox).where(outbox.c.id > self.delivered[producer])
                                        .order_by(outbox.c.id)).all()
                for row in rows:
                    self.delivered[producer] = row.id
                    record = FakeRecord(row.topic, row.partition_key.encode(), row.payload.encode(),
                                        [(name, value.encode()) for name, value in json.loads(row.headers)],
                                        offset=row.id)
                    for consumer, loops in self.loops.items():
                        for loop in loops:
                            if consumer != producer and record.topic in loop.subscription.topics:
                                assert loop.process(record)
                    batch += 1
            moved += batch
            assert not self.dead.sent, f"dead-lettered: {self.dead.sent}"
            if not batch:
                return moved


@pytest.fixture
def providers():
    from tests.support.http_sink import HttpSink
    from tests.support.smtp_server import SmtpTestServer
    smtp, sms = SmtpTestServer().start(), HttpSink().start()
    yield smtp, sms
    smtp.stop()
    sms.stop()


def token_of(headers: dict) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def test_personal_data_and_secrets_never_reach_logs_or_metrics(platform, providers, clock):
    from services.checkins.usecases import detector
    from tests.integration.notifications_support import NotificationsWorld
    from tests.integration.people_support import PASSWORD as STAFF_PASSWORD, PeopleWorld

    smtp, sms = providers
    apps = platform
    bus = Bus(apps)
    secrets = [JWT_SECRET, STAFF_PASSWORD, PERSON_PASSWORD, WRONG_PASSWORD]
    with CapturedLog() as log:
        # People: the organisation, its staff, a person with their network, consent and crisis plan.
        world = PeopleWorld(apps["people"].test_client(), apps["people"])
        staff_tokens = [token_of(h) for h in (world.admin, world.coordinator, world.peer_worker, world.clinician)]
        person = world.person(world.coordinator, timezone="Europe/London", region="GB", preferred_method="text",
                              **PERSON)
        base = f"/persons/{person['id']}"
        for role, path in (("peer_worker", "peer-worker"), ("clinician", "clinical-lead")):
            assigned = world.client.put(f"{base}/{path}", json={"staff_id": world.staff_ids[role]},
                                        headers=world.coordinator)
            assert assigned.status_code == 200, assigned.json
        contact = world.post(f"{base}/contacts", world.coordinator, {
            **CONTACT, "role": "family", "circle": "inner", "label": "helpful", "preferred_method": "text",
            "texts_ok": True, "calls_ok": True, "hours_start": "08:00", "hours_end": "22:00",
            "notes": "Knows about the Thistlewick allotment",
            "agreement": {"emergency_contact": True, "agreed_on": "2026-03-01"}})
        plumtree = world.post(f"{base}/contacts", world.coordinator, {
            **BAD_NUMBER_CONTACT, "role": "friend", "circle": "middle", "label": "helpful", "preferred_method": "text",
            "texts_ok": True, "agreement": {"agreed_on": "2026-03-01"}})
        refused = world.client.post("/persons", json={**REFUSED, "region": "GB"}, headers=world.coordinator)
        assert refused.status_code == 422
        assert world.client.get("/persons", query_string={"q": "Quartermaine"}, headers=world.coordinator).json
        consent = world.post(f"{base}/consents", world.coordinator, {
            "recipients": [contact["id"], plumtree["id"]], "data_classes": ["crisis_plan", "missed_session_alerts"],
            "purposes": ["crisis_response", "family_support"], "discloser": "Northside",
            "expiry_event": "end_of_treatment"})
        world.post(f"{base}/consents/{consent['consent_id']}/sign", world.coordinator, {"typed_name": SIGNATURE},
                   status=200)
        world.post(f"{base}/crisis-plan", world.coordinator, {
            "warning_signs": ["Stops answering Philippa"],
            "call_first": [{"contact_id": contact["id"], "when": "any"}]})
        world.post(f"{base}/crisis-plan/sign", world.coordinator, {"typed_name": SIGNATURE}, status=200)
        world.post(f"{base}/invitations", world.coordinator, {"email": PERSON["email"]})
        [invitation] = world.events("circles.people.invitation.sent.v1")
        secrets.append(invitation["token"])
        assert world.client.post("/invitations/accept", json={"token": invitation["token"],
                                                              "password": PERSON_PASSWORD}).status_code in (200, 204)
        browser = apps["people"].test_client()
        assert browser.post("/login", data={"email": UNKNOWN_LOGIN, "password": WRONG_PASSWORD}).status_code == 401
        assert browser.post("/login", data={"email": PERSON["email"], "password": WRONG_PASSWORD}).status_code == 401
        assert browser.post("/login", data={"email": PERSON["email"], "password": PERSON_PASSWORD}).status_code == 303
        session = browser.get_cookie("circles_session").value
        assert browser.get("/my-plan").status_code == 200
        assert browser.get(f"{base}/crisis-plan/print").status_code in (200, 403, 404)
        assert apps["people"].test_client().post("/auth/token", json={
            "email": PERSON["email"], "password": WRONG_PASSWORD}).status_code == 403
        secrets += staff_tokens + [session]
        assert bus.run() > 5

        # Check-ins: a check-in with free text, a self check-in, then a missed session.
        checkins = apps["checkins"].test_client()
        peer = world.peer_worker
        recorded = checkins.post("/checkins", headers=peer, json={
            "person_id": person["id"], "wellbeing": 4, **CHECKIN_TEXT,
            "risk_flags": [{"kind": "relapse", "severity": "high"}]})
        assert recorded.status_code == 201, recorded.json
        link = checkins.post(f"{base}/self-checkin-links", headers=peer).json["url"].removeprefix("http://localhost")
        secrets.append(link.rsplit("/", 1)[1])
        phone = apps["checkins"].test_client()
        assert phone.get(link).status_code == 200
        assert phone.post(link, data={"wellbeing": "11", "help": SELF_CHECKIN_HELP}).status_code == 422
        sent = phone.post(link, data={"wellbeing": "3", "help": SELF_CHECKIN_HELP, "talk_now": "yes"})
        assert sent.status_code == 200
        feed = checkins.post(f"{base}/calendar-token", headers=peer).json
        secrets.append(feed["token"])
        assert checkins.get(f"/calendars/{feed['token']}.ics").status_code == 200
        assert checkins.post("/rhythms", headers=peer, json={
            "person_id": person["id"], "kind": "weekly_checkin",
            "first_start_local": "2026-03-02T11:00"}).status_code == 201
        clock.advance(hours=6)
        with apps["checkins"].extensions["circles"].uow() as uow:
            assert detector.detect_missed(uow) == 1
        staff_page = apps["checkins"].test_client()
        staff_page.set_cookie("circles_session", token_of(peer))
        assert staff_page.get(f"/staff/persons/{person['id']}/sessions").status_code == 200
        coordinator_page = apps["people"].test_client()
        coordinator_page.set_cookie("circles_session", token_of(world.coordinator))
        assert coordinator_page.get("/staff/persons", query_string={"q": "Zebedee Quartermaine"}).status_code == 200
        assert bus.run() > 3

        # Notifications: send what was routed, through the real SMTP server and SMS sink.
        notifications = NotificationsWorld(apps["notifications"].extensions["circles"], clock, smtp, sms,
                                           client=apps["notifications"].test_client())
        assert notifications.dispatch() > 0
        inbox = apps["notifications"].test_client()
        inbox.set_cookie("circles_session", token_of(peer))
        assert inbox.get("/staff/inbox").status_code == 200
        assert inbox.get(f"/staff/persons/{person['id']}/deliveries").status_code == 200
        bus.run()

        # The directory and the KPIs.
        resources = apps["resources"].test_client()
        assert resources.get("/directory").status_code == 200 and resources.get("/listings").status_code == 200
        admin = world.admin
        assert apps["reporting"].test_client().get("/kpis", headers=admin, query_string={
            "from": "2026-01", "to": "2026-03"}).status_code == 200
        metrics = "\n".join(apps[s].test_client().get("/metrics").get_data(as_text=True) for s in SERVICES)

    # The personal data did travel: staff and the family contact got their messages.
    delivered = " ".join(m.get_content() for m in smtp.messages) + " ".join(r.text for r in sms.requests)
    assert smtp.messages and sms.requests
    assert PERSON["display_name"] in delivered and CONTACT["phone"] in delivered
    assert any(d.status == "failed" for d in notifications.deliveries(recipient_id=plumtree["id"]))

    text = log.text
    assert '"level": "DEBUG"' in text or '"level": "INFO"' in text
    assert len(text.splitlines()) > 50  # the flow was logged
    assert "circles_http_requests_total" in metrics
    signatures = [s.rsplit(".", 1)[1] for s in secrets if s.count(".") == 2]  # a JWT's signature alone
    encoded = [quote(value) for value in PERSONAL + secrets if quote(value) != value]  # as in a URL
    for needle in PERSONAL + secrets + signatures + encoded:
        for where, haystack in (("log", text), ("metrics", metrics)):
            found = [line for line in haystack.splitlines() if needle.lower() in line.lower()]
            assert not found, f"{needle!r} appears in the {where}: {found[:2]}"
    assert DEV_JWT_SECRET not in text and DEV_JWT_SECRET not in metrics


# --- secrets come only from the environment -----------------------------------------------------

SECRETISH = re.compile(r"(secret|password|passwd|token|api_?key|private_?key|credential)", re.I)
SECRET_CONSTANT = re.compile(r"(SECRETS?|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$")


def test_settings_hold_no_secret_but_the_documented_development_one():
    defaults = Settings(service="people", database_url="sqlite://")
    for field in dataclasses.fields(Settings):
        if SECRETISH.search(field.name):
            value = getattr(defaults, field.name)
            assert value in ("", (), None, DEV_JWT_SECRET), f"{field.name} has a built-in value"
    assert DEV_JWT_SECRET.startswith("circles-dev-secret-change-me")  # says what it is
    assert load_settings("people", {"JWT_SECRET": "from-the-environment"}).jwt_secret == "from-the-environment"
    assert {"JWT_SECRET", "JWT_PREVIOUS_SECRETS"} <= set(ENV_FIELDS)
    from services.notifications.channels.config import ChannelConfig
    channels = ChannelConfig.from_env({})
    for part in (channels.smtp, channels.sms, channels.webhook):
        for field in dataclasses.fields(part):
            if SECRETISH.search(field.name):
                assert getattr(part, field.name) in ("", None), f"{type(part).__name__}.{field.name}"


def test_no_secret_is_written_into_the_code():
    """No string constant with a secret-like name anywhere in services/ or shared/, but the
    development JWT secret; and no long literal that looks like a key."""
    found = []
    for path in [*ROOT.joinpath("services").rglob("*.py"), *ROOT.joinpath("shared").rglob("*.py")]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an odd escape in a docstring is not this test's business
            tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            names = [getattr(t, "id", getattr(t, "attr", "")) for t in targets]
            if (isinstance(value, ast.Constant) and isinstance(value.value, str) and len(value.value) >= 8
                    and any(SECRET_CONSTANT.search(n) for n in names)):
                found.append((str(path.relative_to(ROOT)), names, value.value))
    assert found == [("shared/settings.py", ["DEV_JWT_SECRET"], DEV_JWT_SECRET)]


def test_the_development_secret_is_refused_outside_development_and_tests(settings_for):
    from services.people.app import create_app
    from services.people.spec import SPEC
    from shared.runtime import Runtime
    from shared.worker import run_worker

    production = load_settings("people", {}).with_overrides(database_url=settings_for("people").database_url)
    assert not production.testing and not production.dev_mode and production.jwt_secret == DEV_JWT_SECRET
    with pytest.raises(InsecureSettings, match="JWT_SECRET is the development secret"):
        create_app(settings=production)
    with pytest.raises(InsecureSettings):
        run_worker(Runtime(SPEC, settings=production))  # before it touches the broker or the database
    rotating = production.with_overrides(jwt_secret="a-real-secret", jwt_previous_secrets=(DEV_JWT_SECRET,))
    with pytest.raises(InsecureSettings):
        create_app(settings=rotating)
    for allowed in (production.with_overrides(jwt_secret="a-real-secret-from-the-environment"),
                    production.with_overrides(testing=True),
                    load_settings("people", {"CIRCLES_DEV": "1"}).with_overrides(
                        database_url=production.database_url)):
        app = create_app(settings=allowed)
        app.extensions["circles"].dispose()


def test_make_dev_and_the_tests_say_they_are_development():
    run = ast.parse(ROOT.joinpath("deploy/local/run.py").read_text())
    assert any(isinstance(n, ast.Constant) and n.value == "CIRCLES_DEV" for n in ast.walk(run))
    assert load_settings("people", {"CIRCLES_DEV": "1"}).dev_mode
    assert load_settings("people", {"CIRCLES_TESTING": "1"}).testing
    assert ROOT.joinpath("docker-compose.yml").read_text().count("JWT_SECRET: ${JWT_SECRET:?") == 1
