"""The people worker's scheduled jobs, on the injectable clock."""
import functools

from services.people.usecases import assessments, consents, erasure
from shared.jobs import Job


def jobs(runtime) -> list[Job]:
    return [
        Job("people.assessment-due", every_seconds=60, run_once=assessments.announce_due),
        Job("people.consent-expiry", every_seconds=60, run_once=consents.announce_expired),
        Job("people.retention", every_seconds=3600,
            run_once=functools.partial(erasure.erase_expired, retention_days=runtime.settings.retention_discharged_days)),
    ]
