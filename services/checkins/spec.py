"""How the check-ins service plugs into the shared runtime."""
from services.checkins import db, jobs, people_feed
from shared.runtime import ServiceSpec
from shared.web import sessions

SPEC = ServiceSpec.from_db_module("checkins", db,
                                  subscriptions=sessions.with_subscription("checkins", people_feed.subscriptions),
                                  jobs=sessions.with_prune_job("checkins", jobs.jobs))
