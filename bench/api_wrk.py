"""B3's load tool: Debian's wrk, the Lua script both apps get, and a parser for wrk's output."""
from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

from shared.auth import mint_token
from shared.settings import load_settings

ORG = "11111111-1111-4111-8111-111111111111"
PEER_WORKER = "b3000000-0000-4000-8000-000000000001"
PERSONS = [f"b3000000-0000-4000-8000-{i:012d}" for i in range(2, 202)]  # fixed, so the script is too
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


class BenchmarkFailed(RuntimeError):
    """A run whose requests failed or did not write what they should: no rate is reported."""


def lua_script(persons: list[str], token: str) -> str:
    """POST /checkins with a valid check-in; each request about the next of the seeded persons
    (per wrk thread), with a wellbeing score that varies, so writes spread over many persons."""
    names = ", ".join(f'"{p}"' for p in persons)
    return f"""-- B3 (bench/api.py): one valid check-in per request
local persons = {{{names}}}
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
request = function()
  n = n + 1
  local body = string.format('{{"person_id": "%s", "wellbeing": %d, "wins": "Went to the Tuesday meeting", '
    .. '"risks_and_needs": "Low mood at weekends", "practical_tasks": "Bus pass renewal", '
    .. '"days_abstinent_last_30": %d, "medication_adherence": "full"}}',
    persons[n % #persons + 1], n % 10 + 1, n % 31)
  return wrk.format(nil, "/checkins", nil, body)
end
"""


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS[match[2]]


def parse_wrk(text: str) -> dict:
    """wrk --latency output: requests, seconds, requests/s, latency percentiles (seconds),
    non-2xx/3xx responses and socket errors (both 0 when wrk prints no such line)."""
    requests = re.search(r"^\s*(\d+) requests in ([\d.]+\w+),", text, re.M)
    rate = re.search(r"^Requests/sec:\s*([\d.]+)", text, re.M)
    if not requests or not rate:
        raise ValueError(f"wrk printed no totals:\n{text}")
    latency = {f"p{int(m[1])}": _seconds(m[2]) for m in re.finditer(r"^\s+(\d+)%\s+(\S+)[ \t]*$", text, re.M)}
    if not {"p50", "p99"} <= latency.keys():
        raise ValueError(f"wrk printed no latency distribution (--latency):\n{text}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {"requests": int(requests[1]), "seconds": _seconds(requests[2]), "rps": float(rate[1]), **latency,
            "non2xx": int(non2xx[1]) if non2xx else 0,
            "socket_errors": dict(zip(("connect", "read", "write", "timeout"),
                                      map(int, errors.groups()) if errors else (0, 0, 0, 0)))}


class Wrk:
    def __init__(self, tmp: Path, threads: int):
        self.threads = threads
        first = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.splitlines()
        self.version = first[0].split(" Copyright")[0].strip() if first else "wrk (version unknown)"
        settings = load_settings("checkins", {})  # the development secret, as the app gets it (CIRCLES_DEV=1)
        token = mint_token(settings, subject=PEER_WORKER, role="peer_worker", organisation_id=ORG,
                           ttl_seconds=12 * 3600)
        self.script = tmp / "b3.lua"
        self.script.write_text(lua_script(PERSONS, token))

    def command(self, url: str, connections: int, duration: int) -> list[str]:
        return ["wrk", f"-t{min(self.threads, connections)}", f"-c{connections}", f"-d{duration}s", "--latency",
                "--timeout", "10s", "-s", str(self.script), f"{url}/checkins"]

    def run(self, url: str, connections: int, duration: int) -> dict:
        command = self.command(url, connections, duration)
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
        if done.returncode:
            raise BenchmarkFailed(f"{shlex.join(command)} exited {done.returncode}: {done.stderr}{done.stdout}")
        return {**parse_wrk(done.stdout), "output": done.stdout}


