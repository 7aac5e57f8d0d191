"""B3's floor: the least any request that stores something durably can do here. One Flask
route parses the same POST body, inserts it as one row with the database driver itself (no
ORM, no auth, no validation, no outbox, no logging or metrics), commits, and answers a constant
201. Run by gunicorn exactly as the other two sides are.

Its rate against the bare route is the highest ratio any write endpoint can reach on this
machine with this gunicorn config: what is left is one INSERT, one durable COMMIT, and the
database server's share of the same CPUs.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid

from flask import Flask, request

TABLE = "floor_writes"
CREATE = f"CREATE TABLE {TABLE} (id VARCHAR(36) PRIMARY KEY, body TEXT NOT NULL)"
ANSWER = {"id": "00000000-0000-4000-8000-000000000000", "status": "recorded"}


def connect(url: str):
    """A DBAPI connection for a SQLAlchemy-style URL: psycopg for PostgreSQL, sqlite3 for a file."""
    if url.startswith("sqlite"):
        return sqlite3.connect(url.split(":///", 1)[1], timeout=10, check_same_thread=False)
    import psycopg
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))


def create_app() -> Flask:
    url = os.environ["CHECKINS_DATABASE_URL"]
    marker = "?" if url.startswith("sqlite") else "%s"
    insert = f"INSERT INTO {TABLE} (id, body) VALUES ({marker}, {marker})"
    local = threading.local()  # one connection per gunicorn thread, opened on its first request
    app = Flask("circles.bench.floor")

    def connection():
        if not hasattr(local, "connection"):
            local.connection = connect(url)
        return local.connection

    @app.post("/checkins")
    def record():
        body = request.get_json()
        cursor = connection().cursor()
        cursor.execute(insert, (str(uuid.uuid4()), json.dumps(body)))
        cursor.close()
        connection().commit()
        return ANSWER, 201

    return app
