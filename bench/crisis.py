"""Benchmark B4, the crisis path: how long from a `risk.flagged` event reaching the broker
until the SMTP server has accepted the first email about it, against the raw
produce-to-consume round trip on the same broker, measured in the same run.

Each repetition gets a fresh embedded broker (unless --bootstrap names one) and a fresh,
migrated notifications database:
  (a) baseline: N records, one at a time at a steady pace, produced with the producer
      settings the services use (shared.messaging.kafka.make_producer: acks=all, one request
      in flight; send + flush, as the outbox relay does) to a fresh 3-partition topic, and
      read by a consumer with the services' consumer settings (make_consumer: fetch_max_wait
      200 ms, poll(500 ms) as ConsumerLoop does) that is assigned, positioned at the end and
      polling before the first record; per record: consume time - produce time.
  (b) crisis path: N + WARMUP people seeded into the read model through the service's own
      people-event handlers (read_model.HANDLERS): each with a peer worker and a clinical
      lead (staff with email), one crisis contact with an email address, a consent for
      crisis_contacts / crisis_plan / crisis_response and a signed crisis plan calling that
      contact first ("any" time). The real worker, `python -m services.notifications worker`
      (relay, both consumers and the three jobs, JOBS_EVERY_SECONDS small, the system clock),
      runs as its own process against the broker and an aiosmtpd server in this process
      (tests/support/smtp_server.py) that stamps each message's arrival. WARMUP events go
      first (group join, first fetch) and are not measured; then N risk.flagged CloudEvents,
      one per person, built with shared.events.build_event and produced as the relay
      produces them (key, ce_* headers, JSON body; send + flush), at the same pace as (a).
      Per event: arrival of the FIRST email whose X-Circles-Delivery names a delivery of that
      event (deliveries.source_event_id, read after the run) - produce time.
Produce, consume and arrival times are all time.time() on this machine; the worker's own
stamps (processed_events.processed_at, deliveries.created_at / sent_at) come from its
system clock, so the bench can split each event's latency into stages.

The pace must stay well below what one worker process can route and send, or the figures
measure a queue, not latency: after each run the bench times the worker's code alone
(service_times: PROFILE_EVENTS more records through ConsumerLoop.process, then the
dispatcher) and the report sets that capacity beside the offered rate and the drift of
the latencies from the first tenth of the events to the last.
"""
from __future__ import annotations

import collections
import dataclasses
import os
import signal
import subprocess
import sys
import tempfile
import time
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

from sqlalchemy import func, select

from bench.crisis_broker import relay_producer, baseline, produce_paced
from bench.crisis_profile import service_times
from bench.crisis_world import RISK_FLAGGED, ArrivalSmtpServer, World, percentile, risk_flagged, seed, stats
from bench.infra import Databases, broker
from services.notifications.channels.email import DELIVERY_HEADER
from services.notifications.models import Delivery
from services.notifications.spec import SPEC
from services.notifications.usecases import dispatch, read_model, routing, subscriptions
from shared import jobs as jobs_module
from shared import worker as worker_module
from shared.db.engine import make_engine
from shared.db.migrations import upgrade
from shared.events import catalogue
from shared.messaging import consumer as consumer_module
from shared.messaging import relay as relay_module
from shared.settings import ENV_FIELDS

ROOT = Path(__file__).resolve().parent.parent
TARGET = 20.0  # issue 10, B4: crisis p99 within 20x the broker round trip's p99
WARMUP = 5
PROFILE_EVENTS = 200
# The code the worker runs for this path, as it was when the bench started.
SOURCES = {Path(m.__file__): Path(m.__file__).read_bytes() for m in (
    subscriptions, routing, dispatch, read_model, consumer_module, relay_module, jobs_module, worker_module)}
for _name in ("channels/email.py", "usecases/recipients.py", "jobs.py"):
    _path = ROOT / "services" / "notifications" / _name
    SOURCES[_path] = _path.read_bytes()


class VerificationError(AssertionError):
    """The crisis path did not do what it must (an event without its email, a repeat)."""


@dataclasses.dataclass(frozen=True)
class Options:
    events: int
    repeat: int
    database_url: str | None
    bootstrap: str | None
    interval_s: float = 0.1  # one event every so many seconds: well below the worker's capacity
    jobs_every_s: float = 0.05  # the worker's JOBS_EVERY_SECONDS; 0: unset

    @property
    def timeout(self) -> float:
        return 120 + self.events * 0.1


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(options: Options) -> tuple[list[dict], str, str]:
    """Every repetition's figures, the database dialect and the server version."""
    with tempfile.TemporaryDirectory(prefix="circles-bench-b4-") as tmp:
        tmp_dir = Path(tmp)
        databases = Databases(options.database_url, tmp_dir)
        version = databases.server_version()
        say(f"B4: {options.events} risk.flagged events x {options.repeat} repetitions, one every "
            f"{options.interval_s * 1000:g} ms; notifications database: {databases.dialect} ({version})")
        runs = [repetition(options, index, databases, tmp_dir) for index in range(options.repeat)]
        return runs, databases.dialect, version


def repetition(options: Options, index: int, databases: Databases, tmp_dir: Path) -> dict:
    label = f"[{index + 1}/{options.repeat}]"
    started = time.perf_counter()
    with broker(options.bootstrap, tmp_dir / "broker.log") as bootstrap:
        say(f"{label} broker {bootstrap} ready after {time.perf_counter() - started:.1f}s; baseline")
        result = {"load_before": os.getloadavg()[0]}
        result["baseline"] = baseline(bootstrap, options.events, options.interval_s, options.timeout, WARMUP)
        b = result["baseline"]
        say(f"{label} baseline: p50 {b['p50'] * 1000:.1f} ms, p99 {b['p99'] * 1000:.1f} ms, "
            f"max {b['max'] * 1000:.1f} ms; crisis path")
        url = databases.fresh(f"notifications_b4_{index}")
        try:
            result["crisis"] = crisis(bootstrap, url, options, index, tmp_dir, label)
        finally:
            databases.drop(url)
        result["load_after"] = os.getloadavg()[0]
    c = result["crisis"]
    say(f"{label} crisis: p50 {c['p50'] * 1000:.1f} ms, p99 {c['p99'] * 1000:.1f} ms, max {c['max'] * 1000:.1f} ms; "
        f"ratio p99 {c['p99'] / b['p99']:.1f}x; {c['emails']} emails, "
        + ("verified" if not c["problems"] else f"{len(c['problems'])} problem(s): {c['problems'][0]}"))
    return result


# --- measuring ------------------------------------------------------------------------

class WorkerProcess:
    """`python -m services.notifications worker` with its settings in the environment."""

    def __init__(self, url: str, bootstrap: str, smtp_port: int, jobs_every: float, log_path: Path):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("NOTIFICATIONS_") and k not in ENV_FIELDS and k != "WORKER_METRICS_PORT"}
        env.update(NOTIFICATIONS_DATABASE_URL=url, KAFKA_BOOTSTRAP_SERVERS=bootstrap,
                   NOTIFICATIONS_SMTP_HOST="127.0.0.1", NOTIFICATIONS_SMTP_PORT=str(smtp_port), PYTHONUNBUFFERED="1",
                   CIRCLES_DEV="1")  # a benchmark: the development JWT secret is fine
        if jobs_every:  # 0: every job at its own pace (the dispatcher every second)
            env["JOBS_EVERY_SECONDS"] = str(jobs_every)
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "services.notifications", "worker"], cwd=ROOT,
                                        env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def check(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"the notifications worker exited with {self.process.returncode}:\n{self.tail()}")

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM (the worker finishes what it holds and closes its clients), SIGKILL after 30 s."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def crisis(bootstrap: str, url: str, options: Options, index: int, tmp_dir: Path, label: str) -> dict:
    upgrade(SPEC.migrations_dir, url)
    started = time.perf_counter()
    world = seed(url, WARMUP + options.events)
    seed_s = time.perf_counter() - started
    say(f"{label} seeded {len(world.persons)} people in {seed_s:.1f}s; starting the notifications worker")
    smtp = ArrivalSmtpServer().start()
    worker = WorkerProcess(url, bootstrap, smtp.port, options.jobs_every_s, tmp_dir / f"worker_{index}.log")
    producer = relay_producer(bootstrap)
    engine = make_engine(url)
    topic = catalogue.get(RISK_FLAGGED).topic
    try:
        started = time.perf_counter()
        warm_people, people = world.persons[:WARMUP], world.persons[WARMUP:]
        # Warm-up: one event at a time until its contact's email arrives (the worker starts,
        # its consumer joins the group and fetches from the start of checkins.events).
        for person in warm_people:
            produce_paced(producer, topic, lambda _i: risk_flagged(person, world.organisation_id), 1, 0)
            _wait(lambda: smtp.received(world.contact_email[person]), time.time() + 120, worker, "warm-up email")
        warmup_s = time.perf_counter() - started
        say(f"{label} worker warm after {warmup_s:.1f}s; producing {options.events} events, one every "
            f"{options.interval_s * 1000:g} ms")
        sent = produce_paced(producer, topic, lambda i: risk_flagged(people[i], world.organisation_id),
                             options.events, options.interval_s)
        produced_s = sent[-1][1] - sent[0][1]
        _wait(lambda: all(smtp.received(world.contact_email[p]) for p in people),
              time.time() + options.timeout, worker, "every crisis contact's email")
        _wait(lambda: _pending(engine) == 0, time.time() + options.timeout, worker, "no pending deliveries")
        time.sleep(0.5)  # anything sent twice would arrive now
        drained_s = time.time() - sent[-1][1]
    finally:
        engine.dispose()
        producer.close(timeout=5)
        worker.stop()
        smtp.stop()
    result = analyse(url, world, people, sent, smtp.arrivals)
    result.update(seed_s=seed_s, warmup_s=warmup_s, produced_s=produced_s, drained_s=drained_s)
    count = min(PROFILE_EVENTS, len(world.persons))
    say(f"{label} service times, in this process, one thread: {count} more events through the "
        "consumer's record path, then the dispatcher")
    result["service"] = service_times(url, world, count)
    return result


def _wait(done, deadline: float, worker: WorkerProcess, what: str) -> None:
    while not done():
        worker.check()
        if time.time() > deadline:
            raise TimeoutError(f"B4: waited in vain for {what}; worker log:\n{worker.tail()}")
        time.sleep(0.05)


def _pending(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Delivery).where(Delivery.status == "pending")).scalar_one()


def analyse(url: str, world: World, people: list[str], sent, arrivals) -> dict:
    """Match every email to its delivery and source event; latencies, stages, checks."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            d = Delivery.__table__.c
            deliveries = {row.id: row for row in conn.execute(select(
                d.id, d.source_event_id, d.recipient_kind, d.recipient_id, d.channel, d.address, d.status,
                d.created_at, d.sent_at, d.attempts))}
            p = SPEC.processed.c
            processed = dict(conn.execute(select(p.event_id, p.processed_at).where(
                p.consumer == "notifications.checkins")).all())
    finally:
        engine.dispose()
    parser = BytesHeaderParser(policy=policy.default)
    emails = collections.defaultdict(list)  # event id -> [(arrival, delivery row)]
    per_delivery = collections.Counter()
    problems: list[str] = []
    for at, raw, _rcpt in arrivals:
        delivery_id = str(parser.parsebytes(raw)[DELIVERY_HEADER] or "")
        per_delivery[delivery_id] += 1
        row = deliveries.get(delivery_id)
        if row is None:
            problems.append(f"an email names delivery {delivery_id!r}, not in the database")
            continue
        emails[row.source_event_id].append((at, row))
    repeated = {k: v for k, v in per_delivery.items() if v > 1}
    if repeated:
        problems.append(f"{len(repeated)} deliveries emailed more than once, e.g. {next(iter(repeated))}")
    person_of_event = {event_id: person for (event_id, _, _), person in zip(sent, people)}
    latencies, stages, counts, slowest = [], collections.defaultdict(list), collections.Counter(), []
    contact_missing = contact_twice = 0
    for event_id, produced, acked in sent:
        got = sorted(emails.get(event_id, []), key=lambda e: e[0])
        counts[len(got)] += 1
        contact = [row for _, row in got if row.recipient_kind == "contact"
                   and row.address == world.contact_email[person_of_event[event_id]]]
        contact_missing += not contact
        contact_twice += len(contact) > 1
        if not got:
            continue
        first_at, first = got[0]
        latency = first_at - produced
        latencies.append(latency)
        consumed = processed[event_id].timestamp()
        split = {"ack": acked - produced, "consumed": consumed - produced,
                 "planned": first.created_at.timestamp() - consumed,
                 "claimed": first.sent_at.timestamp() - first.created_at.timestamp(),
                 "accepted": first_at - first.sent_at.timestamp(),
                 "first_is_contact": float(first.recipient_kind == "contact")}
        for key, value in split.items():
            stages[key].append(value)
        slowest.append((latency, split))
    if contact_missing:
        problems.append(f"{contact_missing} events without an email to their crisis contact")
    if contact_twice:
        problems.append(f"{contact_twice} events emailed their crisis contact more than once")
    if len(latencies) != len(sent):
        problems.append(f"{len(sent) - len(latencies)} of {len(sent)} events produced no email at all")
    mine = {event_id for event_id, _, _ in sent}
    unsent = sum(1 for row in deliveries.values() if row.source_event_id in mine and row.channel == "email"
                 and row.status != "sent")
    if unsent:
        problems.append(f"{unsent} email deliveries of measured events not sent")
    if not latencies:
        raise VerificationError("B4: no measured event produced an email: " + "; ".join(problems))
    slowest.sort(key=lambda item: item[0], reverse=True)
    tail = [split for _, split in slowest[:max(1, len(slowest) // 100)]]
    claimed_batches = collections.Counter(row.sent_at for row in deliveries.values()
                                          if row.source_event_id in mine and row.status == "sent")
    decile = max(1, len(latencies) // 10)
    return {
        **stats(latencies),
        # A queue building up shows as later events waiting longer than early ones.
        "first_decile_p50": percentile(latencies[:decile], 50),
        "last_decile_p50": percentile(latencies[-decile:], 50),
        "stages": {key: stats(values) for key, values in stages.items()},
        "tail": {key: sum(s[key] for s in tail) / len(tail) for key in tail[0]},
        "emails_per_event": dict(sorted(counts.items())),
        "emails": sum(len(v) for k, v in emails.items() if k in mine),
        "deliveries_per_dispatch": sum(claimed_batches.values()) / max(1, len(claimed_batches)),
        "problems": problems,
    }
