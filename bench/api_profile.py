"""Where a check-in write spends its time: `POST /checkins` through Flask's test client under
cProfile, in a process with the gunicorn workers' environment (bench/api_server.environment)
on a seeded database; prints JSON for bench/api_report.py.

`python -m bench.api_profile N` (run by bench/api.py; no gunicorn, no sockets, one thread:
what the app itself costs per request, the part the bare baseline does not have).
"""
from __future__ import annotations

import cProfile
import json
import pstats
import sys
import time

from bench.api_wrk import ORG, PEER_WORKER, PERSONS

# First match wins: a function's own time (tottime) is charged to the first prefix its file has.
GROUPS = [
    ("PostgreSQL driver (psycopg) and the wait for the server", ("psycopg/", "psycopg_binary/", "psycopg_pool/")),
    ("SQLAlchemy (ORM, Core, pool)", ("sqlalchemy/",)),
    ("marshmallow / flask-smorest / apispec", ("marshmallow/", "flask_smorest/", "apispec/", "webargs/")),
    ("Flask / Werkzeug / Jinja", ("flask/", "werkzeug/", "jinja2/", "click/", "itsdangerous/")),
    ("PyJWT and its crypto", ("jwt/", "cryptography/", "hmac.py", "hashlib.py")),
    ("prometheus_client (multiprocess files)", ("prometheus_client/",)),
    ("logging (the JSON access line)", ("logging/", "shared/logs.py")),
    ("json", ("json/",)),
    ("Circles code (services/, shared/)", ("services/", "shared/")),
]


# Stages of the request: cumulative time (cumtime) of one function each, found by file and name.
STAGES = [
    ("the whole request (Flask's wsgi_app)", "flask/app.py", "wsgi_app"),
    ("auth: the bearer token decoded and checked", "shared/web/auth.py", "authenticate"),
    ("validation: CheckinIn loaded by marshmallow", "marshmallow/schema.py", "load"),
    ("use case: record_checkin (person, insert, session, miss streak, outbox, commit)",
     "services/checkins/usecases/checkins.py", "record_checkin"),
    ("of which UnitOfWork.commit (outbox insert, COMMIT)", "shared/db/uow.py", "commit"),
    ("response: _view (the record, its flags and items as written)", "services/checkins/api/checkins.py", "_view"),
    ("response: CheckinOut dumped by marshmallow", "marshmallow/schema.py", "dump"),
    ("access log line and request metrics", "shared/web/observability.py", "_finish"),
]


def group_of(filename: str) -> str:
    name = filename.replace("\\", "/")
    for title, prefixes in GROUPS:
        if any(f"/{prefix}" in name or name.endswith(f"/{prefix}") for prefix in prefixes):
            return title
    return "other (Python built-ins, stdlib, the test client)"


def main(argv: list[str]) -> int:
    requests = int(argv[0]) if argv else 1000
    from services.checkins.app import create_app
    from shared.auth import mint_token

    from sqlalchemy import event

    app = create_app()
    runtime = app.extensions["circles"]
    statements = {"sql": 0, "begin": 0, "commit": 0, "rollback": 0}
    for name, key in (("before_cursor_execute", "sql"), ("begin", "begin"), ("commit", "commit"),
                      ("rollback", "rollback")):
        event.listen(runtime.engine, name, lambda *_, key=key: statements.__setitem__(key, statements[key] + 1))
    token = mint_token(runtime.settings, subject=PEER_WORKER, role="peer_worker", organisation_id=ORG)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    bodies = [{"person_id": PERSONS[i % len(PERSONS)], "wellbeing": i % 10 + 1, "wins": "Went to the Tuesday meeting",
               "risks_and_needs": "Low mood at weekends", "practical_tasks": "Bus pass renewal",
               "days_abstinent_last_30": i % 31, "medication_adherence": "full"} for i in range(requests + 100)]
    for body in bodies[:100]:  # warm: imports, the pool's connections, first-request caches
        assert client.post("/checkins", json=body, headers=headers).status_code == 201
    statements.update(dict.fromkeys(statements, 0))
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for body in bodies[100:]:
        status = client.post("/checkins", json=body, headers=headers).status_code
        if status != 201:
            raise SystemExit(f"POST /checkins answered {status}")
    profiler.disable()
    elapsed = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())
    groups: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        groups[group_of(filename)] = groups.get(group_of(filename), 0.0) + tottime
    top = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:12]
    print(json.dumps({
        "requests": requests, "wall_ms": elapsed / requests * 1000, "profiled_ms": total / requests * 1000,
        "groups": sorted(([name, seconds / requests * 1000] for name, seconds in groups.items()),
                         key=lambda g: -g[1]),
        "top": [[f"{_short(f)}:{line}({name})", calls / requests, tottime / requests * 1000]
                for (f, line, name), (_, calls, tottime, _, _) in top],
        "statements": {key: count / requests for key, count in statements.items()},
        "stages": [[title, _cumulative(stats, suffix, name) / requests * 1000] for title, suffix, name in STAGES],
    }))
    return 0


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    return sum(row[3] for (f, _, n), row in stats.stats.items() if n == name and f.replace("\\", "/").endswith(suffix))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
