"""How the resources service plugs into the shared runtime."""
from services.resources import db
from shared.runtime import ServiceSpec

SPEC = ServiceSpec.from_db_module("resources", db)
