"""How the notifications service plugs into the shared runtime."""
from services.notifications import db, jobs
from services.notifications.usecases import subscriptions
from shared.runtime import ServiceSpec
from shared.web import sessions

SPEC = ServiceSpec.from_db_module("notifications", db,
                                  subscriptions=sessions.with_subscription("notifications", subscriptions.subscriptions),
                                  jobs=sessions.with_prune_job("notifications", jobs.jobs))
