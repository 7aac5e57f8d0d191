"""How the reporting service plugs into the shared runtime."""
from services.reporting import db, projections
from shared.runtime import ServiceSpec

SPEC = ServiceSpec.from_db_module("reporting", db, subscriptions=projections.subscriptions)
