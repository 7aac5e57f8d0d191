"""The notifications worker's scheduled jobs, on the injectable clock."""
import os

from services.notifications.channels.config import ChannelConfig, build_channels
from services.notifications.links import Links
from services.notifications.usecases import digest, expiring
from services.notifications.usecases.dispatch import Dispatcher
from shared.jobs import Job


def jobs(runtime) -> list[Job]:
    dispatcher = Dispatcher(build_channels(ChannelConfig.from_env(os.environ)))
    links = Links.from_env()
    return [
        Job("notifications.dispatch", every_seconds=0.2, run_once=dispatcher.run_once),
        Job("notifications.digest", every_seconds=300, run_once=digest.send_digests),
        Job("notifications.consent-expiring", every_seconds=3600,
            run_once=lambda uow: expiring.announce(uow, links)),
    ]
