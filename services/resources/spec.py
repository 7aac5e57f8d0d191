"""How the resources service plugs into the shared runtime."""
from services.resources import db
from shared.runtime import ServiceSpec
from shared.web import sessions

SPEC = ServiceSpec.from_db_module("resources", db, subscriptions=sessions.with_subscription("resources"),
                                  jobs=sessions.with_prune_job("resources"))
