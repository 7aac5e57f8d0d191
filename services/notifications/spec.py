"""How the notifications service plugs into the shared runtime."""
from services.notifications import db
from shared.runtime import ServiceSpec

SPEC = ServiceSpec.from_db_module("notifications", db)
