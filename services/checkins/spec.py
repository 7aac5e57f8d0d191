"""How the checkins service plugs into the shared runtime."""
from services.checkins import db
from shared.runtime import ServiceSpec

SPEC = ServiceSpec.from_db_module("checkins", db)
