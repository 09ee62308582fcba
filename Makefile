# Two commands on a fresh clone: `make sandbox` (chat with the bot in the terminal) and
# `make test` (the whole test suite). Both create .venv and install the project first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install sandbox test run check-content bench lock clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## sandbox: chat with the whole bot in the terminal (ARGS="--staff" to act as staff)
sandbox: $(STAMP)
	@$(BIN)/python -m bot sandbox $(ARGS)

## test: run every test, then check the content as staff would
test: $(STAMP)
	$(BIN)/python -m pytest -n auto
	$(BIN)/python -m bot check-content

## check-content: validate content/ (exit 1 on any problem)
check-content: $(STAMP)
	$(BIN)/python -m bot check-content

## bench: print the speed and quality figures (not run by CI)
bench: $(STAMP)
	$(BIN)/python bench/eval.py
	$(BIN)/python bench/qa_speed.py
	$(BIN)/python bench/qa_throughput.py

## lock: regenerate requirements.lock (exact versions and hashes for the Docker image) from pyproject.toml
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements.lock

## run: serve real Telegram users (needs BOT_TOKEN in .env or the environment)
run: $(STAMP)
	$(BIN)/python -m bot run

clean:
	rm -rf $(VENV) .pytest_cache
