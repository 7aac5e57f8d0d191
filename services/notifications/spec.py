"""How the notifications service plugs into the shared runtime."""
from services.notifications import db, jobs
from services.notifications.usecases import subscriptions
from shared.runtime import ServiceSpec

SPEC = ServiceSpec.from_db_module("notifications", db, subscriptions=subscriptions.subscriptions, jobs=jobs.jobs)
