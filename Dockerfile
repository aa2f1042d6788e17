# syntax=docker/dockerfile:1
# One image per service, each a build target that installs only that service's extras (pyproject.toml), so
# the gateway image carries no torch, dlib or Ray and the prompt image no video models:
#
#   target    runs                              installs
#   gateway   python -m cinemesh.gateway         cinemesh[s3]            (also the `helm test` pod)
#   prompt    python -m cinemesh.prompt          cinemesh[prompt,s3]
#   identity  python -m cinemesh.identity        cinemesh[identity,s3]
#   video     python -m cinemesh.video           cinemesh[video,s3]
#   audio     python -m cinemesh.audio           cinemesh[audio,s3]
#   lipsync   python -m cinemesh.lipsync         cinemesh[lipsync,s3]
#   ray       the RayService's head and workers  cinemesh[ray,video,audio,lipsync,s3]
#
#   docker build --target gateway -t ghcr.io/cinemesh/cinemesh-gateway:0.1.0 .
#
# The chart runs <image.repository>-<target> per service (values: image.targets). tests/chart/test_images.py
# lists what each target installs and checks every service imports only what its target declares.
# torch is pinned in pyproject.toml; on Linux x86_64 PyPI serves its CUDA build, which the GPU workers use.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# Generated contracts (services/v1) are not committed: generate them as `make protos` does, in a stage of
# their own so that no target carries grpcio-tools.
FROM ${PYTHON_IMAGE} AS protos
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN pip install "grpcio-tools==1.81.*" "protobuf>=6.31,<7"
COPY protos ./protos
RUN mkdir -p build/gen services/v1 \
    && python -m grpc_tools.protoc -I protos --python_out=build/gen --pyi_out=build/gen \
        --grpc_python_out=build/gen protos/cinemesh/v1/*.proto \
    && cp build/gen/cinemesh/v1/*.py build/gen/cinemesh/v1/*.pyi services/v1/ \
    && echo '"""Generated from protos/cinemesh/v1; do not edit."""' > services/v1/__init__.py

# The sources and an empty virtual environment; each build-<target> below installs into it.
FROM ${PYTHON_IMAGE} AS source
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/cinemesh/bin:$PATH
WORKDIR /src
RUN python -m venv /opt/cinemesh
COPY pyproject.toml README.md ./
COPY services ./services
COPY --from=protos /src/services/v1 ./services/v1

# DL3013 (each build stage): the project itself is installed from source; its dependencies are pinned in
# pyproject.toml.
FROM source AS build-gateway
# hadolint ignore=DL3013
RUN pip install ".[s3]"

FROM source AS build-prompt
# hadolint ignore=DL3013
RUN pip install ".[prompt,s3]"

FROM source AS build-identity
# hadolint ignore=DL3013
RUN pip install ".[identity,s3]"

FROM source AS build-video
# hadolint ignore=DL3013
RUN pip install ".[video,s3]"

FROM source AS build-audio
# hadolint ignore=DL3013
RUN pip install ".[audio,s3]"

FROM source AS build-lipsync
# hadolint ignore=DL3013
RUN pip install ".[lipsync,s3]"

FROM source AS build-ray
# hadolint ignore=DL3013
RUN pip install ".[ray,video,audio,lipsync,s3]"

# What every target shares: a non-root user and the environment; the targets add their virtual environment.
FROM ${PYTHON_IMAGE} AS runtime
RUN groupadd --gid 10001 cinemesh \
    && useradd --uid 10001 --gid 10001 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin cinemesh
# The chart mounts a writable emptyDir at /tmp; the root filesystem stays read-only.
ENV PATH=/opt/cinemesh/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    CINEMESH_STATE_DIR=/tmp/cinemesh \
    CINEMESH_GRPC_HOST=0.0.0.0
WORKDIR /tmp
EXPOSE 50051 9464

FROM runtime AS gateway
COPY --from=build-gateway /opt/cinemesh /opt/cinemesh
USER 10001:10001
EXPOSE 8080
CMD ["python", "-m", "cinemesh.gateway"]

FROM runtime AS prompt
COPY --from=build-prompt /opt/cinemesh /opt/cinemesh
USER 10001:10001
CMD ["python", "-m", "cinemesh.prompt"]

FROM runtime AS identity
COPY --from=build-identity /opt/cinemesh /opt/cinemesh
USER 10001:10001
CMD ["python", "-m", "cinemesh.identity"]

FROM runtime AS video
COPY --from=build-video /opt/cinemesh /opt/cinemesh
USER 10001:10001
CMD ["python", "-m", "cinemesh.video"]

FROM runtime AS audio
COPY --from=build-audio /opt/cinemesh /opt/cinemesh
USER 10001:10001
CMD ["python", "-m", "cinemesh.audio"]

FROM runtime AS lipsync
COPY --from=build-lipsync /opt/cinemesh /opt/cinemesh
USER 10001:10001
CMD ["python", "-m", "cinemesh.lipsync"]

# The Ray head and workers of the RayService (`ray start`, Serve apps from cinemesh.runtime.serving:build_app).
FROM runtime AS ray
# wget: KubeRay's default probes of Ray pods call the dashboard agent with it.
# DL3008: take the distribution's current (security-patched) wget rather than a pinned build.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends wget \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build-ray /opt/cinemesh /opt/cinemesh
USER 10001:10001
EXPOSE 8000 8265 6379
CMD ["ray", "start", "--head", "--block"]
