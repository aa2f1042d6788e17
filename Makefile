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

.PHONY: run test protos install lint up down clean

run: $(STAMP)
	$(BIN)/cinemesh demo --output out/demo.mp4

test: $(STAMP) $(TRITON_STAMP)
	$(BIN)/ruff check services tests benchmarks
	$(BIN)/python -m pytest

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
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

$(TRITON_STAMP):
	$(PYTHON) -m venv $(TRITON_VENV) || python3 -m venv $(TRITON_VENV)
	$(TRITON_VENV)/bin/pip install -q "nvidia-pytriton==0.7.0" "numpy<2"
	touch $(TRITON_STAMP)

lint: $(STAMP)
	$(BIN)/ruff check services tests benchmarks

up: $(STAMP)
	$(BIN)/cinemesh up

down:
	$(BIN)/cinemesh down

clean:
	-$(BIN)/cinemesh down
	rm -rf build services/v1 .cinemesh out $(TRITON_VENV)
