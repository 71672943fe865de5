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
    SCALEBOT_PLATFORM=slack
RUN useradd --create-home --uid 10001 scalebot \
 && mkdir -p /data && chown scalebot:scalebot /data
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
USER scalebot
WORKDIR /home/scalebot
VOLUME ["/data"]
EXPOSE 3000
# Upgrade the schema, then start the platform(s) named by SCALEBOT_PLATFORM.
CMD ["sh", "-c", "scalebot db upgrade && exec scalebot run"]
