"""How the check-ins service plugs into the shared runtime."""
from services.checkins import db, jobs, people_feed
from shared.privacy.contributor import Contributor, contributing
from shared.runtime import ServiceSpec
from shared.web import sessions

SPEC = ServiceSpec.from_db_module("checkins", db,
                                  subscriptions=contributing(Contributor("checkins", db.metadata, db.outbox),
                                                             sessions.with_subscription("checkins",
                                                                                        people_feed.subscriptions)),
                                  jobs=sessions.with_prune_job("checkins", jobs.jobs))
