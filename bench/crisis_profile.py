"""B4's service-time probe: what one risk.flagged event costs the notifications worker's
own code (consumer handling, then dispatch and SMTP) with nothing else running."""
from __future__ import annotations

import dataclasses
import time

from bench.crisis_world import RISK_FLAGGED, ArrivalSmtpServer, World, risk_flagged, stats
from services.notifications.channels.config import ChannelConfig, SmtpConfig, build_channels
from services.notifications.spec import SPEC
from services.notifications.usecases import subscriptions
from services.notifications.usecases.dispatch import Dispatcher
from shared.events import catalogue
from shared.messaging.consumer import ConsumerLoop
from shared.runtime import Runtime
from shared.settings import load_settings


def service_times(url: str, world: World, count: int) -> dict:
    """What one event costs the worker's code with nothing else running: `count` new
    risk.flagged records through ConsumerLoop.process (decode, processed-events mark,
    routing, commit; no poll, no offset commit), then Dispatcher.run_once until nothing is
    due, against a fresh in-process SMTP server, with the email channel's send timed."""
    runtime = Runtime(SPEC, load_settings(SPEC.name).with_overrides(database_url=url))
    smtp = ArrivalSmtpServer().start()
    try:
        [checkins] = [s for s in subscriptions.subscriptions(runtime) if s.name == "notifications.checkins"]
        loop = ConsumerLoop(checkins, SPEC.name, consumer_factory=None, producer=None, uow_factory=runtime.uow,
                            processed=SPEC.processed)
        topic = catalogue.get(RISK_FLAGGED).topic
        handled = []
        for offset, person in enumerate(world.persons[:count]):
            event = risk_flagged(person, world.organisation_id)
            record = ConsumerRecordLike(topic, 0, offset, event.key.encode(), event.body(), event.headers())
            started = time.perf_counter()
            if not loop.process(record):
                raise RuntimeError("B4 profile: the consumer loop did not process a record")
            handled.append(time.perf_counter() - started)
        channels = build_channels(ChannelConfig(smtp=SmtpConfig(port=smtp.port)))
        email, smtp_times = channels["email"], []
        send = email.send

        def timed_send(message):
            started = time.perf_counter()
            try:
                return send(message)
            finally:
                smtp_times.append(time.perf_counter() - started)

        email.send = timed_send
        dispatcher, deliveries, runs = Dispatcher(channels), 0, 0
        started = time.perf_counter()
        while True:
            with runtime.uow() as uow:
                done = dispatcher.run_once(uow)
            runs += 1
            if not done:
                break
            deliveries += done
        dispatch_s = time.perf_counter() - started
    finally:
        smtp.stop()
        runtime.dispose()
    return {"events": count, "handle": stats(handled), "deliveries": deliveries, "dispatch_runs": runs,
            "dispatch_s": dispatch_s, "emails": len(smtp_times), "smtp": stats(smtp_times),
            "smtp_s": sum(smtp_times), "emails_received": len(smtp.arrivals)}


@dataclasses.dataclass(frozen=True)
class ConsumerRecordLike:
    """The fields of a kafka-python ConsumerRecord that ConsumerLoop.process reads."""
    topic: str
    partition: int
    offset: int
    key: bytes
    value: bytes
    headers: list
