"""How the resources service plugs into the shared runtime."""
from services.resources import db
from shared.privacy.contributor import Contributor, contributing
from shared.runtime import ServiceSpec
from shared.web import sessions

SPEC = ServiceSpec.from_db_module("resources", db, subscriptions=contributing(
                                      Contributor("resources", db.metadata, db.outbox), sessions.with_subscription("resources")),
                                  jobs=sessions.with_prune_job("resources"))
