"""How the reporting service plugs into the shared runtime."""
from services.reporting import db, jobs
from services.reporting.projection import live
from shared.runtime import ServiceSpec
from shared.web import sessions

SPEC = ServiceSpec.from_db_module("reporting", db,
                                  subscriptions=sessions.with_subscription("reporting", live.subscriptions),
                                  jobs=sessions.with_prune_job("reporting", jobs.jobs))
