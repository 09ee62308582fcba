# Two commands on a fresh clone: `make sandbox` (chat with the bot in the terminal) and
# `make test` (the whole test suite). Both create .venv and install the project first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install sandbox test run check-content bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## sandbox: chat with the whole bot in the terminal (ARGS="--staff" to act as staff)
sandbox: $(STAMP)
	@$(BIN)/python -m bot sandbox $(ARGS)

## test: run every test
test: $(STAMP)
	$(BIN)/python -m pytest

## run: serve real Telegram users (needs BOT_TOKEN in .env or the environment)
run: $(STAMP)
	$(BIN)/python -m bot run

clean:
	rm -rf $(VENV) .pytest_cache
