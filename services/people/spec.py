"""How the people service plugs into the shared runtime."""
from services.people import db, jobs
from shared.runtime import ServiceSpec

SPEC = ServiceSpec.from_db_module("people", db, jobs=jobs.jobs)
