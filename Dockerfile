# Recovery Connector. Docker cannot run on our build machines, so this file is kept simple
# and checked by reading; CI runs the same install and commands outside Docker.
# Build: docker build -t recovery-connector --build-arg EXTRAS=telegram,discord,postgres .
FROM python:3.11-slim AS build
ARG EXTRAS=telegram,discord,postgres
WORKDIR /src
COPY pyproject.toml README.md ./
COPY adapters adapters
COPY bot bot
COPY directory directory
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir ".[${EXTRAS}]"

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 recovery
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////home/recovery/data/directory.sqlite3
USER recovery
WORKDIR /home/recovery
RUN mkdir -p data
# The directory and conversation state live in DATABASE_URL; mount a volume or use
# PostgreSQL (postgresql://...) in production.
HEALTHCHECK --interval=30s --timeout=5s CMD recovery-bot directory stats > /dev/null || exit 1
ENTRYPOINT ["recovery-bot"]
CMD ["chat"]
