"""Data-protection rights across services: subject access and erasure.

The people service receives a request and announces it on people.events; every other
service answers on its own `<service>.privacy` topic (short retention: those records hold
the person's data) with its part of a subject-access bundle, or with the confirmation that
it erased the person. Services keep only a one-way hash of an erased person's id, so an
event about them read again later (a replay, a redelivery) never re-creates them.
"""
