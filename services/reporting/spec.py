"""How the reporting service plugs into the shared runtime."""
from services.reporting import db, jobs, privacy
from services.reporting.projection import live
from shared.privacy.contributor import contributing
from shared.runtime import ServiceSpec
from shared.web import sessions

SPEC = ServiceSpec.from_db_module("reporting", db,
                                  # Not guarded: reporting keeps an erased person's facts under a pseudonym.
                                  subscriptions=contributing(privacy.CONTRIBUTOR, sessions.with_subscription(
                                      "reporting", live.subscriptions), guarded=False),
                                  jobs=sessions.with_prune_job("reporting", jobs.jobs))
