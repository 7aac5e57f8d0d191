"""The people worker's scheduled jobs, on the injectable clock."""
from services.people.usecases import assessments, consents
from shared.jobs import Job


def jobs(runtime) -> list[Job]:
    return [
        Job("people.assessment-due", every_seconds=60, run_once=assessments.announce_due),
        Job("people.consent-expiry", every_seconds=60, run_once=consents.announce_expired),
    ]
