"""How the check-ins service plugs into the shared runtime."""
from services.checkins import db, jobs, people_feed
from shared.runtime import ServiceSpec

SPEC = ServiceSpec.from_db_module("checkins", db, subscriptions=people_feed.subscriptions, jobs=jobs.jobs)
