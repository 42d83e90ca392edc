# Recovery Connector. Docker cannot run on our build machines, so this file is kept simple
# and checked by reading; CI runs the same install and commands outside Docker.
# Build: docker build -t recovery-connector --build-arg EXTRAS=telegram,discord,postgres .
# Run:   see compose.yaml (PostgreSQL, a migration step, the bot in webhook mode).

# -- build: install the package and its extras into a virtual environment ------------------
FROM python:3.11-slim AS build
ARG EXTRAS=telegram,discord,postgres
WORKDIR /src
COPY pyproject.toml README.md ./
COPY adapters adapters
COPY bot bot
COPY directory directory
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir ".[${EXTRAS}]"

# -- run: only the virtual environment, as an unprivileged user ----------------------------
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 recovery
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_URL=sqlite:////home/recovery/data/directory.sqlite3 \
    LOG_FORMAT=json \
    HEALTH_LISTEN=0.0.0.0:9090
USER recovery
WORKDIR /home/recovery
RUN mkdir -p data
# The directory and conversation state live in DATABASE_URL; mount a volume or use
# PostgreSQL (postgresql://...) in production. 8080: Telegram webhook (behind your TLS
# proxy); 9090: /healthz, /readyz, /metrics (keep it private).
EXPOSE 8080 9090
# Liveness of `recovery-bot run` (/healthz; /readyz is for load balancers). No curl in
# the slim image: Python's urllib does the request.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os, urllib.request; port = os.environ['HEALTH_LISTEN'].rpartition(':')[2]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)" || exit 1
# SIGTERM (docker stop) finishes the messages in hand, then exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["recovery-bot"]
CMD ["run", "telegram"]
