# Thin wrappers around scripts/ and the tools in .venv (see README).
.PHONY: setup run test lint format schema bench

setup:
	scripts/setup

run:
	scripts/run

test:
	scripts/test

lint: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format: setup
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

schema: setup
	.venv/bin/ipcei schema --write

bench: setup
	.venv/bin/python -m benchmarks
