# One image for every Circles process; the command picks the service and the role.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml ./
COPY shared ./shared
COPY services ./services
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home /app circles
WORKDIR /app
COPY --from=build /install /usr/local
ENV PYTHONUNBUFFERED=1 GUNICORN_BIND=0.0.0.0:8000
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)" || exit 1
CMD ["gunicorn", "-c", "python:shared.web.gunicorn_conf", "services.people.app:create_app()"]
