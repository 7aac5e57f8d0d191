"""The check-ins worker's own Prometheus metrics. Labels are kinds only: never a person,
a session or an organisation's member."""
from collections import Counter as Tally

from prometheus_client import Counter

SESSIONS_MISSED = Counter("circles_sessions_missed_total",
                          "Sessions the detector marked missed (no record by start + grace)", ["kind"])


def count_missed(kinds: list[str]) -> None:
    """Call after the commit: a rolled-back claim is not a miss."""
    for kind, number in Tally(kinds).items():
        SESSIONS_MISSED.labels(kind).inc(number)
