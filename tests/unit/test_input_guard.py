"""Text no database can store (NUL, lone surrogates) is a 4xx problem before any view runs."""
import json

import pytest
from flask import Flask, request

from shared.web import input_guard


@pytest.fixture
def client():
    app = Flask(__name__)
    input_guard.install(app)

    @app.route("/echo/<name>", methods=["GET", "POST"])
    def echo(name):
        return {"name": name, "args": request.args, "json": request.get_json(silent=True)}

    return app.test_client()


def post_json(client, body):
    return client.post("/echo/x", data=json.dumps(body), content_type="application/json")


def test_clean_input_passes():
    app = Flask(__name__)
    input_guard.install(app)
    app.add_url_rule("/ok", "ok", lambda: {"ok": True}, methods=["POST"])
    response = app.test_client().post("/ok?q=caf%C3%A9", json={"name": "Zoë 🙂", "list": ["a", {"b": 1}]})
    assert response.status_code == 200


@pytest.mark.parametrize("body, where", [
    ({"name": "a\x00b"}, "name"),
    ({"items": ["ok", {"note": "\x00"}]}, "items.1.note"),
    ({"k\x00": "v"}, "k\x00"),
    ({"name": "\ud800"}, "name"),
])
def test_json_fields_are_named_in_a_422_problem(client, body, where):
    response = post_json(client, body)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert list(response.json["errors"]["json"]) == [where]


def test_a_json_body_that_is_only_a_bad_string(client):
    response = post_json(client, "\x00")
    assert response.status_code == 422 and "_body" in response.json["errors"]["json"]


def test_query_strings_and_forms(client):
    query = client.get("/echo/x?q=a%00b")
    assert query.status_code == 422 and list(query.json["errors"]["query"]) == ["q"]
    form = client.post("/echo/x", data={"note": "a\x00b"})
    assert form.status_code == 422 and list(form.json["errors"]["form"]) == ["note"]


def test_a_path_with_nul_names_no_resource(client):
    response = client.get("/echo/a%00b")
    assert response.status_code == 404 and response.content_type == "application/problem+json"


def test_malformed_json_is_left_to_the_view(client):
    response = client.post("/echo/x", data="{not json", content_type="application/json")
    assert response.status_code == 200 and response.json["json"] is None
