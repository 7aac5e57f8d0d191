"""Every service answers /healthz, /readyz, /metrics and /openapi.json the same way."""
import pytest

SERVICES = ["people", "checkins", "notifications", "resources", "reporting"]


@pytest.mark.parametrize("service", SERVICES)
def test_health_readiness_metrics_and_openapi(service, client_for):
    client, _ = client_for(service)
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json
    assert ready.json["checks"] == {"database": "ok", "broker": "ok"}
    assert b"circles_http_requests_total" in client.get("/metrics").data
    spec = client.get("/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/healthz"]["get"]["security"] == []
    unknown = client.get("/no-such-thing")
    assert unknown.status_code == 404 and unknown.content_type == "application/problem+json"


@pytest.mark.parametrize("service", SERVICES)
def test_the_description_documents_what_ops_endpoints_and_errors_answer(service, client_for):
    """Found by Schemathesis: /healthz, /readyz and /metrics documented only the default
    (error) response, and errors were documented as application/json."""
    client, _ = client_for(service)
    spec = client.get("/openapi.json").json
    paths = spec["paths"]
    assert "application/json" in paths["/healthz"]["get"]["responses"]["200"]["content"]
    assert "application/json" in paths["/readyz"]["get"]["responses"]["200"]["content"]
    assert "application/problem+json" in paths["/readyz"]["get"]["responses"]["503"]["content"]
    assert "text/plain" in paths["/metrics"]["get"]["responses"]["200"]["content"]
    [media_type] = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert media_type == "application/problem+json"
    assert set(spec["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status"}


def test_readiness_fails_with_a_problem_when_the_broker_is_unreachable(settings_for):
    from services.checkins.app import create_app
    from shared.db.migrations import upgrade
    from services.checkins.spec import SPEC

    settings = settings_for("checkins", kafka_bootstrap_servers="127.0.0.1:1")
    upgrade(SPEC.migrations_dir, settings.database_url)
    app = create_app(settings=settings)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    assert response.json["checks"] == {"database": "ok", "broker": "unreachable"}
    app.extensions["circles"].dispose()
