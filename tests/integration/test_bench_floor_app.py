"""B3's floor (bench/floor_app.py) on a real database: each POST is stored as one row and
answered 201, so the benchmark's floor side measures a durable write, not an error path."""
import json

import sqlalchemy as sa

from bench import floor_app
from bench.api_server import floor_rows

BODY = {"person_id": "b3000000-0000-4000-8000-000000000002", "wellbeing": 6, "wins": "Went to the meeting"}


def test_every_post_is_one_committed_row_holding_its_body(databases, monkeypatch):
    url = databases.fresh("floor")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(floor_app.CREATE))
    monkeypatch.setenv("CHECKINS_DATABASE_URL", url)
    client = floor_app.create_app().test_client()
    answers = [client.post("/checkins", json={**BODY, "wellbeing": n}) for n in range(1, 4)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    with engine.connect() as conn:  # another connection: the rows are committed
        assert floor_rows(conn) == {"records": 3}
        bodies = conn.execute(sa.text(f"SELECT body FROM {floor_app.TABLE}")).scalars()
        assert sorted(json.loads(body)["wellbeing"] for body in bodies) == [1, 2, 3]
    engine.dispose()
