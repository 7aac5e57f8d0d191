"""How the notifications service plugs into the shared runtime."""
from services.notifications import db, jobs, privacy
from services.notifications.usecases import subscriptions
from shared.privacy.contributor import contributing
from shared.runtime import ServiceSpec
from shared.web import sessions

SPEC = ServiceSpec.from_db_module("notifications", db,
                                  subscriptions=contributing(privacy.CONTRIBUTOR, sessions.with_subscription(
                                      "notifications", subscriptions.subscriptions)),
                                  jobs=sessions.with_prune_job("notifications", jobs.jobs))
