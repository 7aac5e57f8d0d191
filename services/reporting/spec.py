"""How the reporting service plugs into the shared runtime."""
from services.reporting import db, jobs
from services.reporting.projection import live
from shared.runtime import ServiceSpec

SPEC = ServiceSpec.from_db_module("reporting", db, subscriptions=live.subscriptions, jobs=jobs.jobs)
