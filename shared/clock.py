"""An injectable clock: domain logic asks it for the time, tests move it by hand."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware, in UTC."""


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, start: dt.datetime):
        self.set(start)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, **delta) -> dt.datetime:
        self._now += dt.timedelta(**delta)
        return self._now

    def set(self, moment: dt.datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs timezone-aware times")
        self._now = moment


class FileClock:
    """The time written in a file (ISO 8601), for end-to-end tests that move the clock of
    real processes; while the file is missing or empty, the system time. Never in production."""

    def __init__(self, path: str | Path):
        self._path = Path(path)

    def now(self) -> dt.datetime:
        try:
            text = self._path.read_text().strip()
        except FileNotFoundError:
            text = ""
        if not text:
            return SystemClock().now()
        return dt.datetime.fromisoformat(text).astimezone(dt.timezone.utc)


def clock_for(clock_file: str) -> Clock:
    return FileClock(clock_file) if clock_file else SystemClock()
