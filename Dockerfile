# The bot for real:
#   docker build -t redcrescent-bot .
#   docker run -d --env-file .env -v redcrescent-data:/data redcrescent-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DATABASE_PATH=/data/bot.sqlite3

WORKDIR /app
# Exact versions (and hashes) from requirements.lock, in their own layer: a change to the code
# or the content does not reinstall the dependencies. Regenerate the lock with `make lock`.
COPY requirements.lock ./
RUN python -m venv /opt/venv \
    && python -m pip install --no-cache-dir --upgrade pip \
    && python -m pip install --no-cache-dir --require-hashes -r requirements.lock

# The project itself, editable so content/ stays beside the code, where the bot looks for it.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
COPY content ./content
RUN python -m pip install --no-cache-dir --no-deps -e .

# A fixed, unprivileged user: with a bind mount instead of the volume, give the host folder to
# uid 10001 (chown 10001 /srv/redcrescent) so the bot can write its database there.
RUN useradd --create-home --uid 10001 bot \
    && mkdir -p /data \
    && chown bot:bot /data
USER bot
VOLUME ["/data"]

# Healthy when the database opens, its migrations are current and the content loads.
HEALTHCHECK --interval=60s --timeout=20s --start-period=30s --retries=3 CMD ["python", "-m", "bot", "health"]

CMD ["python", "-m", "bot", "run"]
