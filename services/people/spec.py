"""How the people service plugs into the shared runtime."""
from services.people import db, disclosure_feed, jobs, privacy_feed
from shared.privacy.contributor import guarded
from shared.runtime import ServiceSpec
from shared.web import sessions

SPEC = ServiceSpec.from_db_module("people", db,
                                  jobs=sessions.with_prune_job("people", jobs.jobs),
                                  subscriptions=guarded(db.metadata, disclosure_feed.subscriptions,
                                                        privacy_feed.subscriptions))
