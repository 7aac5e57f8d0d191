"""CPU seconds spent by B3's gunicorn (its whole process group) and by the local PostgreSQL
server, read from /proc around a wrk run: where each side's requests cost their CPU."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[str, int, float] | None:
    """(command name, session id, CPU seconds) of one process, or None if it has gone."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        text = Path(f"/proc/{pid}/stat").read_text()
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        return name, int(fields[3]), (int(fields[11]) + int(fields[12])) / TICK
    return None


def sample(gunicorn_session: int) -> dict[str, float | None]:
    """CPU seconds so far of gunicorn's session (master and workers) and of every postgres
    process; postgres is None when no PostgreSQL server runs on this host."""
    totals: dict[str, float | None] = {"gunicorn": 0.0, "postgres": None}
    for pid in os.listdir("/proc"):
        if pid.isdigit() and (stat := _stat(pid)):
            name, session, seconds = stat
            if session == gunicorn_session:
                totals["gunicorn"] += seconds
            elif name == "postgres":
                totals["postgres"] = (totals["postgres"] or 0.0) + seconds
    return totals


def per_request(before: dict, after: dict, requests: int) -> dict[str, float | None]:
    """CPU milliseconds per completed request, by part (None where it could not be seen).
    A process that ends during the run drops out of `after`: gunicorn's workers live for the
    whole run and the apps' database connections are held open, so none of the measured ones do."""
    return {part: None if before[part] is None or after[part] is None
            else max(after[part] - before[part], 0.0) * 1000 / max(requests, 1) for part in before}
