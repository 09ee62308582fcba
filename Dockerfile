# The bot for real: docker build -t redcrescent-bot . && docker run --env-file .env -v bot-data:/data redcrescent-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DATABASE_PATH=/data/bot.sqlite3

WORKDIR /app
# Installed the way the Makefile does it: a venv and an editable install of pyproject.toml
# (editable keeps content/ beside the code, where the bot looks for it by default).
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
COPY content ./content
RUN python -m venv /opt/venv \
    && python -m pip install --no-cache-dir --upgrade pip \
    && python -m pip install --no-cache-dir -e .

RUN useradd --create-home --uid 10001 bot \
    && mkdir -p /data \
    && chown bot:bot /data
USER bot
VOLUME ["/data"]

CMD ["python", "-m", "bot", "run"]
