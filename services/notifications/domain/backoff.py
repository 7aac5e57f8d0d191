"""Retry delays: exponential with jitter, capped; after MAX_ATTEMPTS the message is failed."""
from __future__ import annotations

import datetime as dt
import random

BASE_SECONDS = 15
CAP_SECONDS = 3600
MAX_ATTEMPTS = 8


def delay(attempt: int, rng: random.Random | None = None) -> dt.timedelta:
    """The wait after the n-th failed attempt (1-based): between half and all of
    base * 2^(n-1), capped; the random half keeps many retries from arriving together."""
    ceiling = min(CAP_SECONDS, BASE_SECONDS * 2 ** (attempt - 1))
    return dt.timedelta(seconds=(rng or random).uniform(ceiling / 2, ceiling))
