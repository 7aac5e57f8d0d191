"""Every error is an RFC 9457 application/problem+json response."""
import json

from werkzeug.exceptions import Conflict, NotFound

from shared.web.problems import PROBLEM_JSON, handle_unexpected, problem


def body_of(response):
    return json.loads(response.get_data(as_text=True))


def test_problem_has_type_title_status_detail():
    response = problem(409, "Conflict", "The person is already registered.")
    assert response.status_code == 409
    assert response.mimetype == PROBLEM_JSON == "application/problem+json"
    assert body_of(response) == {
        "type": "about:blank", "title": "Conflict", "status": 409, "detail": "The person is already registered.",
    }


def test_detail_is_left_out_when_not_given():
    assert "detail" not in body_of(problem(404, "Not Found"))


def test_extensions_are_merged_and_none_ones_dropped():
    body = body_of(problem(422, "Unprocessable", "bad", errors={"json": {"age": ["x"]}}, person_id=None))
    assert body["errors"] == {"json": {"age": ["x"]}}
    assert "person_id" not in body


def test_falsy_but_not_none_extensions_are_kept():
    body = body_of(problem(400, "Bad Request", count=0, items=[]))
    assert (body["count"], body["items"]) == (0, [])


def test_extra_headers_are_set():
    response = problem(401, "Unauthorized", headers={"WWW-Authenticate": 'Bearer realm="circles"'})
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="circles"'


def test_http_exceptions_become_problems():
    response = handle_unexpected(NotFound())
    assert (response.status_code, response.mimetype) == (404, PROBLEM_JSON)
    assert body_of(response)["title"] == "Not Found"


def test_http_exception_description_is_the_detail():
    response = handle_unexpected(Conflict(description="Already there."))
    assert body_of(response)["detail"] == "Already there."


def test_unexpected_errors_are_500_without_leaking_the_message(caplog):
    response = handle_unexpected(RuntimeError("password=hunter2"))
    assert response.status_code == 500
    assert "hunter2" not in response.get_data(as_text=True)
    assert body_of(response)["title"] == "Internal Server Error"
    assert "unhandled error" in caplog.text
