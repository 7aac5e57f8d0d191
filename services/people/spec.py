"""How the people service plugs into the shared runtime."""
from services.people import db, disclosure_feed, jobs
from shared.runtime import ServiceSpec
from shared.web import sessions

SPEC = ServiceSpec.from_db_module("people", db, jobs=sessions.with_prune_job("people", jobs.jobs),
                                  subscriptions=disclosure_feed.subscriptions)
