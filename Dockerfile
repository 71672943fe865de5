# scalebot: one process serving Slack and/or Discord (SCALEBOT_PLATFORM), scheduler included.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY migrations ./migrations
RUN pip install --no-cache-dir build \
 && python -m build --wheel --outdir /dist

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SCALEBOT_DATA_DIR=/data \
    SCALEBOT_PLATFORM=slack \
    SCALEBOT_HEALTH_PORT=8080
# A CJK-capable font so the stats picture can be labelled in Chinese (about 5 MB).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 scalebot \
 && mkdir -p /data && chown scalebot:scalebot /data
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
USER scalebot
WORKDIR /home/scalebot
VOLUME ["/data"]
EXPOSE 3000 8080
# /healthz on SCALEBOT_HEALTH_PORT checks the database, the scheduler and the platform (503 if not).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD python -c "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('SCALEBOT_HEALTH_PORT', '8080'), timeout=4)"
# scalebot itself is PID 1 (exec form, no shell): it upgrades the schema on start, and on
# SIGTERM (docker stop) finishes the work in flight within SCALEBOT_SHUTDOWN_GRACE, exit 0.
STOPSIGNAL SIGTERM
CMD ["scalebot", "run"]
