# One image for every Circles process; the command picks the service and the role:
#   gunicorn -c python:shared.web.gunicorn_conf 'services.<name>.app:create_app()'   (web, :8000)
#   python -m services.<name> worker | migrate        python -m services.reporting replay
# Checked statically by tests/deploy/test_compose.py (no Docker engine on the dev machine).

# --- build: wheels for the dependencies and for Circles itself -------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# Dependencies first, from pyproject.toml alone, so this layer survives code changes.
# Every dependency ships manylinux wheels for CPython 3.11 (amd64 and arm64): binary wheels
# only, so a missing one fails here instead of needing a compiler.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && pip wheel --only-binary=:all: --wheel-dir /wheels -r /tmp/requirements.txt
COPY shared ./shared
COPY services ./services
RUN pip wheel --no-deps --wheel-dir /wheels . \
 && python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-index --find-links /wheels circles

# --- runtime: the venv and nothing else (no compiler, no source tree, no wheels) ------------
FROM python:3.11-slim
LABEL org.opencontainers.image.title="circles" \
      org.opencontainers.image.description="Circles services: web (gunicorn), worker, migrate, replay"
# A fixed numeric uid/gid, so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
RUN groupadd --system --gid 10001 circles \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin circles
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# GUNICORN_BIND: listen on every interface inside the container (the code's default is
# loopback). Nothing writes bytecode at run time: pip compiled it at install, and the root
# filesystem is read-only under Kubernetes.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GUNICORN_BIND=0.0.0.0:8000
USER 10001:10001
EXPOSE 8000
# Gunicorn runs several processes, so its /metrics needs Prometheus multiprocess mode and a
# writable directory: PROMETHEUS_MULTIPROC_DIR defaults to /tmp/metrics (an emptyDir under
# Kubernetes) for the web role only. Every other role is one process and must not run in
# multiprocess mode (its metric files would go to a directory nobody created), so the
# variable is not set image-wide. A `command:` that bypasses this entrypoint still works:
# gunicorn_conf then makes a fresh directory under /tmp itself.
ENTRYPOINT ["/bin/sh", "-c", "if [ \"$1\" = gunicorn ]; then export PROMETHEUS_MULTIPROC_DIR=\"${PROMETHEUS_MULTIPROC_DIR:-/tmp/metrics}\"; fi; exec \"$@\"", "circles"]
# Liveness of the web role; compose gives workers their own check (their metrics port).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["gunicorn", "-c", "python:shared.web.gunicorn_conf", "services.people.app:create_app()"]
