"""docker-compose.yml, .env.example, the Dockerfile and .dockerignore, checked against the code.

There is no Docker engine on the development machine, so nothing here builds or runs an
image: the files are parsed and compared with what the code actually reads and runs. The
set of environment variables comes from the code itself (tests/deploy/env_reference.py),
so renaming a setting in the code fails these tests until the deployment follows.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import os
import re
import runpy
import shlex
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

try:
    import yaml
except ImportError as exc:  # pragma: no cover - a packaging problem, not a test failure
    raise ImportError("tests/deploy needs PyYAML: list pyyaml in pyproject.toml's test extra") from exc

from tests.deploy.env_reference import (ROOT, base_names, code_env_names, scan, services,
                                        unaccounted_dynamic_reads)

SERVICES = services()
# Host ports of the web apps, as README and `make dev` use them.
WEB_PORTS = {"people": 8001, "checkins": 8002, "notifications": 8003, "resources": 8004, "reporting": 8005}
GUNICORN_CONF = "python:shared.web.gunicorn_conf"
WORKER_METRICS_PORT = "9100"
# Variables for compose and the infrastructure containers, not read by Circles code.
COMPOSE_ONLY = {
    "POSTGRES_PASSWORD": "the PostgreSQL superuser (postgres image)",
    "GRAFANA_ADMIN_PASSWORD": "Grafana's admin (GF_SECURITY_ADMIN_PASSWORD)",
    "PUBLISH_ADDRESS": "the host address published ports bind to",
    **{f"{s.upper()}_DB_PASSWORD": f"the circles_{s} role: init script and {s}'s database URL" for s in SERVICES},
}
# Compose must refuse to start without these (`${NAME:?...}`): no default is safe.
REQUIRED_SECRETS = {"JWT_SECRET", "POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD",
                    *(f"{s.upper()}_DB_PASSWORD" for s in SERVICES)}
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN")


# ---- compose interpolation, as docker compose does it -------------------------------------

class MissingVariable(Exception):
    pass


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError(f"unclosed ${{ in {text!r}")


def _expand(body: str, env: dict[str, str]) -> str:
    match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?", body, re.S)
    assert match, f"unsupported interpolation ${{{body}}}"
    name, op, arg = match.groups()
    value = env.get(name)
    if op is None:
        return value or ""
    missing = value is None or (op.startswith(":") and value == "")
    if op.endswith("-"):
        return interpolate(arg, env) if missing else value
    if op.endswith("?"):
        if missing:
            raise MissingVariable(f"{name}: {arg}")
        return value
    return "" if missing else interpolate(arg, env)


def interpolate(text: str, env: dict[str, str]) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] != "$":
            out.append(text[i])
            i += 1
        elif text[i + 1:i + 2] == "$":
            out.append("$")
            i += 2
        elif text[i + 1:i + 2] == "{":
            end = _closing_brace(text, i + 1)
            out.append(_expand(text[i + 2:end], env))
            i = end + 1
        elif match := re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[i + 1:]):
            out.append(env.get(match.group(), ""))
            i += 1 + match.end()
        else:
            out.append("$")
            i += 1
    return "".join(out)


def references(text: str) -> set[str]:
    text = text.replace("$$", "")
    return {a or b for a, b in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)", text)}


def strings(node) -> list[str]:
    """Every string value in a loaded YAML document (compose interpolates values only)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return []


# ---- the files ------------------------------------------------------------------------------

def load_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


COMPOSE = load_compose()
CONTAINERS: dict[str, dict] = COMPOSE["services"]
COMPOSE_VARIABLES = {name for value in strings(COMPOSE) for name in references(value)}
ENV_EXAMPLE_TEXT = (ROOT / ".env.example").read_text()


def env_example() -> tuple[dict[str, str], set[str]]:
    """(the values set in .env.example, every name it offers to set, commented out or not)."""
    active, settable = {}, set()
    for line in ENV_EXAMPLE_TEXT.splitlines():
        if match := re.fullmatch(r"\s*(#\s*)?([A-Z][A-Z0-9_]*)=(.*)", line):
            settable.add(match.group(2))
            if not match.group(1):
                active[match.group(2)] = match.group(3).strip().strip("'\"")
    return active, settable


ENV_ACTIVE, ENV_SETTABLE = env_example()


def environment(container: dict) -> dict[str, str | None]:
    raw = container.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) if "=" in item else (item, None) for item in raw)
    return {key: None if value is None else str(value) for key, value in raw.items()}


def resolved_environment(name: str, env: dict[str, str] | None = None) -> dict[str, str]:
    values = env if env is not None else ENV_ACTIVE
    return {key: interpolate(value, values) for key, value in environment(CONTAINERS[name]).items()
            if value is not None}


def circles_image() -> str:
    images = {c["image"] for c in CONTAINERS.values() if "build" in c}
    assert len(images) == 1, f"every Circles container should use one image, not {images}"
    return images.pop()


def circles_containers() -> dict[str, dict]:
    image = circles_image()
    return {name: c for name, c in CONTAINERS.items() if c.get("image") == image}


def web(service: str) -> dict:
    return CONTAINERS[service]


def worker(service: str) -> dict:
    return CONTAINERS[f"{service}-worker"]


def migration(service: str) -> dict:
    return CONTAINERS[f"migrate-{service}"]


def is_job(container: dict) -> bool:
    return container.get("restart") == "no"


# ---- containers and commands ------------------------------------------------------------------

def test_every_service_has_a_web_app_a_worker_and_a_migration_job():
    assert SERVICES == sorted(WEB_PORTS)
    for service in SERVICES:
        for name in (service, f"{service}-worker", f"migrate-{service}"):
            assert name in CONTAINERS, f"docker-compose.yml has no {name}"


def test_every_circles_container_runs_the_one_image_built_from_the_dockerfile():
    image = circles_image()
    expected = {name for s in SERVICES for name in (s, f"{s}-worker", f"migrate-{s}")}
    assert expected <= set(circles_containers())
    for name, container in circles_containers().items():
        build = container.get("build")
        context = build if isinstance(build, str) else (build or {}).get("context")
        dockerfile = "Dockerfile" if isinstance(build, str) else (build or {}).get("dockerfile", "Dockerfile")
        assert container["image"] == image
        assert (ROOT / context / dockerfile).resolve() == ROOT / "Dockerfile", name


def test_web_apps_run_their_own_app_under_the_shared_gunicorn_config():
    assert importlib.util.find_spec("shared.web.gunicorn_conf") is not None
    for service in SERVICES:
        command = web(service)["command"]
        assert command == ["gunicorn", "-c", GUNICORN_CONF, f"services.{service}.app:create_app()"], service
        create_app = importlib.import_module(f"services.{service}.app").create_app
        # gunicorn calls it with no arguments
        assert all(p.default is not p.empty for p in inspect.signature(create_app).parameters.values())


def run_cli(service: str, argv: list[str], env: dict[str, str], monkeypatch) -> list[tuple]:
    """`python -m services.<service> <argv>` with the side effects recorded instead."""
    import shared.cli as cli
    from shared.settings import load_settings

    calls: list[tuple] = []
    monkeypatch.setattr(cli, "load_settings", lambda name: load_settings(name, env))
    monkeypatch.setattr(cli, "upgrade", lambda directory, url: calls.append(("migrate", Path(directory), url)))
    monkeypatch.setattr(cli, "Runtime", lambda spec, settings: SimpleNamespace(spec=spec, settings=settings))
    monkeypatch.setattr(cli, "run_worker", lambda runtime: calls.append(("worker", runtime.spec, runtime.settings)))
    monkeypatch.setattr(sys, "argv", [f"services.{service}", *argv])
    runpy.run_module(f"services.{service}", run_name="__main__")
    return calls


@pytest.mark.parametrize("service", SERVICES)
def test_worker_and_migration_commands_reach_the_service_cli(service, monkeypatch):
    spec = importlib.import_module(f"services.{service}.spec").SPEC
    assert spec.name == service

    command = migration(service)["command"]
    assert command == ["python", "-m", f"services.{service}", "migrate"], f"migrate-{service}: {command}"
    env = resolved_environment(f"migrate-{service}")
    [(kind, directory, url)] = run_cli(service, command[3:], env, monkeypatch)
    assert kind == "migrate" and url == env[f"{service.upper()}_DATABASE_URL"]
    assert directory == Path(spec.migrations_dir) and (directory / "env.py").is_file()

    command = worker(service)["command"]
    assert command == ["python", "-m", f"services.{service}", "worker"], f"{service}-worker: {command}"
    [(kind, worker_spec, settings)] = run_cli(service, command[3:], resolved_environment(f"{service}-worker"),
                                             monkeypatch)
    assert kind == "worker" and worker_spec is spec and settings.service == service


def test_workers_create_their_topics_with_three_partitions():
    """No topics job: each worker creates the topics it uses (shared/worker.py), and the
    broker auto-creates nothing."""
    from shared.settings import load_settings

    for service in SERVICES:
        settings = load_settings(service, resolved_environment(f"{service}-worker"))
        assert (settings.kafka_topic_partitions, settings.kafka_replication_factor) == (3, 1)
    assert environment(CONTAINERS["kafka"])["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_apps_and_workers_wait_for_their_migration_and_healthy_infrastructure():
    for service in SERVICES:
        for name, container in ((service, web(service)), (f"{service}-worker", worker(service))):
            depends = container.get("depends_on") or {}
            assert depends.get(f"migrate-{service}") == {"condition": "service_completed_successfully"}, name
            assert depends.get("kafka") == {"condition": "service_healthy"}, name
            assert depends.get("postgres") == {"condition": "service_healthy"}, name
        assert migration(service)["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert "prometheus" in CONTAINERS["grafana"]["depends_on"]


def test_jobs_run_once_and_everything_else_restarts_with_a_healthcheck():
    jobs = {name for name, c in CONTAINERS.items() if is_job(c)}
    assert jobs == {f"migrate-{s}" for s in SERVICES}, f"restart: \"no\" on {sorted(jobs)}"
    for name, container in CONTAINERS.items():
        if name in jobs:
            continue
        assert container.get("restart") in {"unless-stopped", "always"}, name
        check = container.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"
    for service in SERVICES:
        assert "http://127.0.0.1:8000/healthz" in " ".join(web(service)["healthcheck"]["test"])
        assert f"http://127.0.0.1:{WORKER_METRICS_PORT}/metrics" in " ".join(worker(service)["healthcheck"]["test"])


def published(container: dict, env: dict[str, str] | None = None) -> dict[int, tuple[str, int]]:
    """container port -> (host address, host port)"""
    ports = {}
    for entry in container.get("ports", []):
        *address, host, inside = interpolate(str(entry), env or ENV_ACTIVE).split(":")
        ports[int(inside)] = (address[0] if address else "0.0.0.0", int(host))
    return ports


def test_published_ports():
    for service, port in WEB_PORTS.items():
        assert published(web(service)) == {8000: ("127.0.0.1", port)}
    assert published(CONTAINERS["mailpit"]) == {8025: ("127.0.0.1", 8025)}
    assert published(CONTAINERS["prometheus"]) == {9090: ("127.0.0.1", 9090)}
    assert published(CONTAINERS["grafana"]) == {3000: ("127.0.0.1", 3000)}
    # PUBLISH_ADDRESS opens them up (behind a TLS proxy)
    assert published(web("people"), {"PUBLISH_ADDRESS": "0.0.0.0"}) == {8000: ("0.0.0.0", 8001)}
    for name, container in CONTAINERS.items():
        # `docker compose up --scale <service>-worker=N` needs workers without host ports or fixed names
        assert "container_name" not in container, name
        if name.endswith("-worker"):
            assert not container.get("ports"), name


def test_workers_serve_metrics_where_prometheus_scrapes_them():
    for service in SERVICES:
        env = resolved_environment(f"{service}-worker")
        assert env["WORKER_METRICS_PORT"] == WORKER_METRICS_PORT
        assert env["WORKER_METRICS_ADDR"] == "0.0.0.0"
        assert "WORKER_METRICS_PORT" not in resolved_environment(service)


# ---- environment variables: only ones the code reads, all it needs --------------------------

def test_the_code_scan_finds_the_known_readers():
    """Guards the scanner itself: if these go missing, the scan (not the code) is broken."""
    names = code_env_names()
    assert {"GUNICORN_WORKERS", "WORKER_METRICS_PORT", "CIRCLES_ADMIN_PASSWORD", "PEOPLE_DATABASE_URL",
            "DATABASE_URL", "NOTIFICATIONS_SMTP_HOST", "NOTIFICATIONS_PEOPLE_URL"} <= names
    assert unaccounted_dynamic_reads(scan()) == [], "names computed at run time outside the recorded readers"


def test_compose_sets_only_variables_the_code_reads():
    known = code_env_names()
    for name, container in circles_containers().items():
        unknown = sorted(set(environment(container)) - known)
        assert not unknown, f"{name} sets variables no code reads: {unknown}"


def test_env_example_offers_only_variables_the_code_or_compose_reads():
    unknown = sorted(ENV_SETTABLE - code_env_names() - set(COMPOSE_ONLY))
    assert not unknown, f".env.example offers variables nothing reads: {unknown}"
    for name in COMPOSE_ONLY:
        assert name in COMPOSE_VARIABLES, f"{name} is listed as compose's but docker-compose.yml never uses it"


def test_env_example_documents_every_variable_the_code_reads():
    undocumented = sorted(name for name in base_names()
                          if not re.search(rf"(?<![A-Z0-9_]){name}(?![A-Z0-9_])", ENV_EXAMPLE_TEXT))
    assert not undocumented, f".env.example never mentions {undocumented}"


def test_every_setting_in_env_example_reaches_compose_and_back():
    used = COMPOSE_VARIABLES
    assert sorted(ENV_SETTABLE - used) == [], ".env.example offers settings compose never passes on"
    assert sorted(used - ENV_SETTABLE) == [], "docker-compose.yml reads variables .env.example does not offer"


def test_each_process_gets_what_it_needs_and_only_its_own_database():
    from sqlalchemy.engine import make_url

    from shared.settings import DEV_JWT_SECRET, load_settings

    for service in SERVICES:
        for name in (service, f"{service}-worker", f"migrate-{service}"):
            env = resolved_environment(name)
            databases = sorted(key for key in env if key.endswith("DATABASE_URL"))
            assert databases == [f"{service.upper()}_DATABASE_URL"], f"{name} sees {databases}"
            settings = load_settings(service, env)
            url = make_url(settings.database_url)
            assert (url.drivername, url.host, url.port) == ("postgresql+psycopg", "postgres", 5432), name
            assert url.database == url.username == f"circles_{service}", name
            assert url.password == ENV_ACTIVE[f"{service.upper()}_DB_PASSWORD"], name
            if name.startswith("migrate-"):
                continue
            assert settings.jwt_secret == ENV_ACTIVE["JWT_SECRET"] != DEV_JWT_SECRET, name
            assert settings.kafka_bootstrap_servers == "kafka:9092", name
        web_env = resolved_environment(service)
        for key in ("GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT"):
            assert int(web_env[key]) > 0


def test_the_notifications_worker_mails_through_mailpit_and_links_to_the_services():
    from services.notifications.channels.config import ChannelConfig
    from services.notifications.links import Links

    env = resolved_environment("notifications-worker")
    config = ChannelConfig.from_env(env)
    assert (config.smtp.host, config.smtp.port, config.smtp.starttls) == ("mailpit", 1025, False)
    assert config.sms.url == ""  # no SMS provider in compose: documented in .env.example and README
    links = Links.from_env(env)
    assert [links.people, links.checkins, links.reporting] == [f"http://127.0.0.1:{WEB_PORTS[s]}"
                                                             for s in ("people", "checkins", "reporting")]
    # the channels are the worker's alone
    for name in circles_containers():
        if name != "notifications-worker":
            assert not any(k.startswith("NOTIFICATIONS_SMTP") for k in environment(CONTAINERS[name])), name


def test_compose_refuses_to_start_without_the_secrets():
    for name in REQUIRED_SECRETS:
        uses = [use for value in strings(COMPOSE) for use in re.findall(rf"\$\{{{name}(:?[-?+]?)", value)]
        assert uses and set(uses) == {":?"}, f"{name} must be required (${{{name}:?...}}) wherever it is used"
        assert name in ENV_ACTIVE
    for name in circles_containers():
        with pytest.raises(MissingVariable):
            resolved_environment(name, {})


def test_no_secrets_in_the_repository():
    for line in ENV_EXAMPLE_TEXT.splitlines():
        match = re.fullmatch(r"\s*#?\s*([A-Z][A-Z0-9_]*)=(.*)", line)
        if match and SECRET_NAME.search(match.group(1)):
            value = match.group(2).strip()
            assert value == "" or "change-me" in value, f".env.example: {match.group(1)} looks like a real secret"
    for name, container in CONTAINERS.items():
        for key, value in environment(container).items():
            if SECRET_NAME.search(key):
                assert value and re.fullmatch(r"\$\{[A-Z0-9_]+(:[-?][^}]*)?\}", value), f"{name}: {key} is written out"
            if key.endswith("DATABASE_URL"):
                assert re.search(r"://[^:/@]+:\$\{[A-Z0-9_]+_DB_PASSWORD:\?", value), f"{name}: {key} embeds a password"
    assert ".env" in (ROOT / ".gitignore").read_text().split()


def test_postgres_creates_one_database_and_role_per_service():
    postgres = CONTAINERS["postgres"]
    env = environment(postgres)
    for service in SERVICES:
        assert env[f"{service.upper()}_DB_PASSWORD"] == f"${{{service.upper()}_DB_PASSWORD:?set {service.upper()}_DB_PASSWORD in .env}}"
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in postgres["volumes"]}
    script = ROOT / mounts["/docker-entrypoint-initdb.d/init-databases.sh"]
    assert script.is_file() and os.access(script, os.X_OK)
    text = script.read_text()
    [listed] = re.findall(r"for service in ([a-z ]+); do", text)
    assert sorted(listed.split()) == SERVICES
    assert '_DB_PASSWORD"' in text and 'name="circles_$service"' in text
    assert 'CREATE DATABASE :"name" OWNER :"name"' in text and 'REVOKE ALL ON DATABASE :"name" FROM PUBLIC' in text
    assert "pg_isready" in postgres["healthcheck"]["test"] and "127.0.0.1" in postgres["healthcheck"]["test"]


def test_kafka_runs_in_kraft_mode_with_three_partitions_on_a_volume():
    kafka = CONTAINERS["kafka"]
    env = environment(kafka)
    assert "controller" in env["KAFKA_PROCESS_ROLES"] and env["CLUSTER_ID"]
    assert env["KAFKA_NUM_PARTITIONS"] == "3"
    assert env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://kafka:9092"
    assert any(volume.split(":")[1] == env["KAFKA_LOG_DIRS"] and volume.split(":")[0] in COMPOSE["volumes"]
               for volume in kafka["volumes"])


def test_third_party_images_are_pinned():
    expected = {"kafka": "apache/kafka:", "postgres": "postgres:16", "mailpit": "axllent/mailpit:v",
                "prometheus": "prom/prometheus:v", "grafana": "grafana/grafana:"}
    for name, prefix in expected.items():
        image = CONTAINERS[name]["image"]
        assert image.startswith(prefix) and re.search(r":v?\d+(\.\d+)*", image) and "latest" not in image, image


def test_mounted_files_we_own_exist():
    assert (ROOT / "deploy/postgres/init-databases.sh").is_file()
    assert (ROOT / "Dockerfile").is_file()


def bind_mounts(name: str) -> dict[str, Path]:
    return {volume.split(":")[1]: ROOT / volume.split(":")[0]
            for volume in CONTAINERS[name].get("volumes", []) if volume.startswith("./")}


def test_monitoring_configuration_is_mounted_from_the_repository():
    mounts = {**bind_mounts("prometheus"), **bind_mounts("grafana")}
    assert mounts == {
        "/etc/prometheus/prometheus.yml": ROOT / "deploy/prometheus/prometheus.yml",
        "/etc/prometheus/rules": ROOT / "deploy/prometheus/rules",
        "/etc/grafana/provisioning": ROOT / "deploy/grafana/provisioning",
        "/var/lib/grafana/dashboards": ROOT / "deploy/grafana/dashboards",
    }
    missing = sorted(str(path.relative_to(ROOT)) for path in mounts.values() if not path.exists())
    assert not missing, f"compose mounts monitoring files that do not exist: {missing}"


def test_prometheus_scrapes_every_web_app_and_worker_by_its_compose_name():
    config = ROOT / "deploy/prometheus/prometheus.yml"
    targets = {target for job in yaml.safe_load(config.read_text()).get("scrape_configs", [])
               for static in job.get("static_configs", []) for target in static.get("targets", [])}
    for service in SERVICES:
        assert f"{service}:8000" in targets and f"{service}-worker:{WORKER_METRICS_PORT}" in targets, service
    for target in targets:
        assert target.rsplit(":", 1)[0] in CONTAINERS, f"Prometheus scrapes {target}, which compose does not run"


# ---- Dockerfile and .dockerignore -------------------------------------------------------------

def dockerfile_stages() -> list[list[tuple[str, str]]]:
    instructions, pending = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.endswith("\\"):
            pending += text[:-1] + " "
            continue
        keyword, _, args = (pending + text).partition(" ")
        instructions.append((keyword.upper(), args.strip()))
        pending = ""
    stages: list[list[tuple[str, str]]] = []
    for keyword, args in instructions:
        if keyword == "FROM":
            stages.append([])
        stages[-1].append((keyword, args))
    return stages


def instruction(stage, keyword: str) -> list[str]:
    return [args for key, args in stage if key == keyword]


def image_env(stage) -> dict[str, str]:
    env = {}
    for args in instruction(stage, "ENV"):
        env.update(token.split("=", 1) for token in shlex.split(args) if "=" in token)
    return env


def test_dockerfile_builds_wheels_then_copies_only_the_venv_into_a_slim_image():
    build, *_, final = dockerfile_stages()
    assert re.fullmatch(r"python:3\.11-slim\s+AS\s+build", build[0][1], re.I)
    assert final[0][1] == "python:3.11-slim"
    build_steps = " ".join(instruction(build, "RUN"))
    assert "pip wheel" in build_steps and "python -m venv /opt/venv" in build_steps and "--no-index" in build_steps
    copies = instruction(final, "COPY")
    assert copies and all(args.startswith("--from=build ") for args in copies), "no source or wheels in the image"
    assert "--from=build /opt/venv /opt/venv" in copies
    for args in instruction(final, "RUN"):
        assert not re.search(r"apt-get|apk|gcc|build-essential|pip ", args), f"build tools in the final stage: {args}"
    env = image_env(final)
    assert env["PATH"].startswith("/opt/venv/bin:")
    assert env["PYTHONDONTWRITEBYTECODE"] == "1" and env["GUNICORN_BIND"] == "0.0.0.0:8000"


def test_dockerfile_runs_as_a_fixed_non_root_user_with_a_healthcheck():
    final = dockerfile_stages()[-1]
    [user] = instruction(final, "USER")
    assert user.split(":")[0] == "10001"
    [check] = instruction(final, "HEALTHCHECK")
    assert "http://127.0.0.1:8000/healthz" in check
    [command] = instruction(final, "CMD")
    assert json.loads(command)[:3] == ["gunicorn", "-c", GUNICORN_CONF]


def test_entrypoint_gives_only_gunicorn_a_metrics_directory(tmp_path):
    [entrypoint] = instruction(dockerfile_stages()[-1], "ENTRYPOINT")
    entrypoint = json.loads(entrypoint)
    for program in ("gunicorn", "python"):
        fake = tmp_path / program
        fake.write_text('#!/bin/sh\necho "${PROMETHEUS_MULTIPROC_DIR-unset} $*"\n')
        fake.chmod(0o755)

    def run(*command, **env):
        result = subprocess.run([*entrypoint, *command], env={"PATH": f"{tmp_path}:/usr/bin:/bin", **env},
                                capture_output=True, text=True, check=True, timeout=10)
        return result.stdout.strip()

    assert run("gunicorn", "-c", GUNICORN_CONF, "app") == f"/tmp/metrics -c {GUNICORN_CONF} app"
    assert run("gunicorn", PROMETHEUS_MULTIPROC_DIR="/run/m") == "/run/m"
    assert run("python", "-m", "services.people", "worker") == "unset -m services.people worker"


DOCKERIGNORE = ROOT / ".dockerignore"


def dockerignore_patterns() -> list[tuple[bool, re.Pattern]]:
    patterns = []
    for line in DOCKERIGNORE.read_text().splitlines():
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        negate = text.startswith("!")
        text = text.lstrip("!").strip("/")
        regex = "".join("(?:.*/)?" if part == "**/" else ".*" if part == "**" else "[^/]*" if part == "*"
                        else "[^/]" if part == "?" else re.escape(part)
                        for part in re.findall(r"\*\*/|\*\*|\*|\?|[^*?]+", text))
        patterns.append((negate, re.compile(regex)))
    return patterns


def in_build_context(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    excluded = False
    for negate, regex in dockerignore_patterns():
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            excluded = not negate
    return not excluded


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_build_context():
    for path in (".env", ".git/HEAD", ".venv/bin/python", "var/people.db", "var/mail.jsonl",
                 "tests/artifacts/reporting-dashboard.png", "bench/RESULTS.md", "bench/artifacts/run.json",
                 "services/people/__pycache__/app.cpython-311.pyc", "circles.egg-info/PKG-INFO"):
        assert not in_build_context(path), path
    for path in ("pyproject.toml", "shared/settings.py", "shared/web/static/circles.css",
                 "services/people/app.py", "services/people/migrations/env.py", "services/people/templates/base.html"):
        assert in_build_context(path), path
    build = dockerfile_stages()[0]
    for args in instruction(build, "COPY"):
        *sources, _ = shlex.split(args)
        for source in sources:
            assert (ROOT / source).exists() and in_build_context(source), f"the Dockerfile copies {source}"
