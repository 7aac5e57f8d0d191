"""B3's baseline: a bare Flask app whose one route answers a POST to /checkins with a constant
JSON document, run by gunicorn exactly as the check-ins app is
(`gunicorn -c python:shared.web.gunicorn_conf ... 'bench.bare_app:create_app()'`).

No auth, no validation, no database, no logging or metrics: what is left is Flask, Werkzeug,
gunicorn's gthread worker and the loopback, the floor under any Flask endpoint on this machine.
The request body is read (as any POST handler must) but not parsed.
"""
from __future__ import annotations

from flask import Flask, request

ANSWER = {"id": "00000000-0000-4000-8000-000000000000", "status": "recorded"}


def create_app() -> Flask:
    app = Flask("circles.bench.bare")

    @app.post("/checkins")
    def record():
        request.get_data()
        return ANSWER, 201

    return app
