# syntax=docker/dockerfile:1
# One image for everything the chart runs: the six services (python -m cinemesh.<service>),
# the Ray head and workers of the RayService (`ray start`, Serve apps from
# cinemesh.runtime.serving:build_app) and the `helm test` pod.
#
#   docker build --target runtime -t ghcr.io/cinemesh/cinemesh:0.1.0 .
#
# torch is pinned in pyproject.toml; on Linux x86_64 PyPI serves its CUDA build, which the
# GPU workers use (the CPU-only pods carry it unused).
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/cinemesh
ENV PATH=/opt/cinemesh/bin:$PATH
COPY pyproject.toml README.md ./
COPY protos ./protos
COPY services ./services
# Generated contracts (services/v1) are not committed: generate them as `make protos` does.
# DL3013: the project itself (".[s3]") is installed from source; its dependencies are pinned in pyproject.toml.
# hadolint ignore=DL3013
RUN pip install "grpcio-tools==1.81.*" "protobuf>=6.31,<7" \
    && mkdir -p build/gen services/v1 \
    && python -m grpc_tools.protoc -I protos --python_out=build/gen --pyi_out=build/gen \
        --grpc_python_out=build/gen protos/cinemesh/v1/*.proto \
    && cp build/gen/cinemesh/v1/*.py build/gen/cinemesh/v1/*.pyi services/v1/ \
    && echo '"""Generated from protos/cinemesh/v1; do not edit."""' > services/v1/__init__.py \
    && pip install ".[s3]" \
    && pip uninstall -y grpcio-tools

FROM ${PYTHON_IMAGE} AS runtime
# wget: KubeRay's default probes of Ray pods call the dashboard agent with it.
# DL3008: take the distribution's current (security-patched) wget rather than a pinned build.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends wget \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 cinemesh \
    && useradd --uid 10001 --gid 10001 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin cinemesh
COPY --from=build /opt/cinemesh /opt/cinemesh
# The chart mounts a writable emptyDir at /tmp; the root filesystem stays read-only.
ENV PATH=/opt/cinemesh/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    CINEMESH_STATE_DIR=/tmp/cinemesh \
    CINEMESH_GRPC_HOST=0.0.0.0
USER 10001:10001
WORKDIR /tmp
EXPOSE 50051 9464 8080
CMD ["python", "-m", "cinemesh.gateway"]
