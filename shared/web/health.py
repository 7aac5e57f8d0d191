"""/healthz (the process answers), /readyz (its database and broker answer), /metrics."""
from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import text

from shared.messaging.kafka import broker_reachable
from shared.web.auth import public
from shared.web.metrics import metrics_response
from shared.web.problems import PROBLEM_JSON, ProblemSchema, problem

blp = Blueprint("ops", __name__, description="Health, readiness and metrics (public)")


class HealthSchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"example": "ok"})


class ReadySchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"example": "ready"})
    checks = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True,
                            metadata={"description": "Each dependency: ok or unreachable"})


def _database_ok() -> bool:
    try:
        with current_app.extensions["circles"].engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means not ready
        return False


@blp.route("/healthz")
@public
class Health(MethodView):
    @blp.doc(security=[])
    @blp.response(200, HealthSchema)
    def get(self):
        """Liveness: the process is up and serving."""
        return {"status": "ok"}


@blp.route("/readyz")
@public
class Ready(MethodView):
    @blp.doc(security=[])
    @blp.response(200, ReadySchema)
    @blp.alt_response(503, schema=ProblemSchema, content_type=PROBLEM_JSON,
                      description="A dependency is unreachable; 'checks' says which")
    def get(self):
        """Readiness: the service's database and the Kafka broker are reachable."""
        runtime = current_app.extensions["circles"]
        checks = {
            "database": "ok" if _database_ok() else "unreachable",
            "broker": "ok" if broker_reachable(runtime.settings.kafka_bootstrap_servers) else "unreachable",
        }
        if all(v == "ok" for v in checks.values()):
            return {"status": "ready", "checks": checks}
        return problem(503, "Service Unavailable", "A dependency is unreachable.", checks=checks)


@blp.route("/metrics")
@public
class Metrics(MethodView):
    @blp.doc(security=[], responses={"200": {
        "description": "Prometheus metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}})
    def get(self):
        """Prometheus metrics in the text exposition format."""
        return metrics_response()
