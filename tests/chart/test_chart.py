"""The Helm chart, checked offline: helm lint/template with several values files, every built-in
object validated against the Kubernetes 1.37 schemas, every custom resource against its upstream
CRD schema, and the properties the chart promises (probes, security, scaling caps, policies)."""

from __future__ import annotations

import json
import re
import subprocess

import jsonschema
import kubernetes_validate
import pytest
import yaml
from chart.chartkit import (
    CHART,
    REPO,
    REQUIRED,
    SERVICES,
    VALUE_SETS,
    by_kind,
    crd_schemas,
    helm,
    named,
    render,
    tool,
)

from cinemesh.mesh.rayhost import MODEL_APPS
from cinemesh.runtime.topics import RENDERS_AUDIO, RENDERS_VIDEO, with_lanes

KUBERNETES_VERSION = "1.37.0"
CUSTOM_GROUPS = ("ray.io/", "keda.sh/", "monitoring.coreos.com/", "cert-manager.io/")


@pytest.mark.parametrize("value_set", list(VALUE_SETS))
def test_helm_lint_strict(value_set: str) -> None:
    args = ["lint", "--strict", str(CHART)]
    for path in VALUE_SETS[value_set]:
        args += ["-f", str(path)]
    result = helm(*args)
    assert "0 chart(s) failed" in result.stdout


@pytest.mark.parametrize("value_set", list(VALUE_SETS))
def test_builtin_kinds_match_kubernetes_schemas(value_set: str) -> None:
    docs = render(value_set)
    builtin = [d for d in docs if not d["apiVersion"].startswith(CUSTOM_GROUPS)]
    assert builtin
    for doc in builtin:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{doc['kind']}/{doc['metadata']['name']}: {exc.message} at {list(exc.path)}")


@pytest.mark.parametrize("value_set", list(VALUE_SETS))
def test_custom_resources_match_upstream_crds(value_set: str) -> None:
    schemas = crd_schemas()
    for doc in render(value_set):
        if not doc["apiVersion"].startswith(CUSTOM_GROUPS):
            continue
        schema = schemas.get((doc["apiVersion"], doc["kind"]))
        assert schema is not None, f"no vendored CRD serves {doc['apiVersion']} {doc['kind']}"
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
        assert not errors, f"{doc['kind']}/{doc['metadata']['name']}: " + "; ".join(
            f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]
        )


def test_all_features_render_every_custom_resource() -> None:
    kinds = {d["kind"] for d in render("all-features")}
    assert {"RayService", "ScaledObject", "ServiceMonitor", "PodMonitor", "PrometheusRule", "Certificate"} <= kinds
    # Features needing cluster add-ons are off by default.
    assert not {d["kind"] for d in render("defaults")} & {
        "RayService",
        "ScaledObject",
        "ServiceMonitor",
        "PodMonitor",
        "PrometheusRule",
        "Certificate",
    }


# --- a values change that breaks the schema fails lint with a readable message ---------------------


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        (["config.kafkaPartitions=0"], "at '/config/kafkaPartitions': minimum: got 0, want 1"),
        (["image.pullPolicy=Sometimes"], "at '/image/pullPolicy': value must be one of"),
        (["services.video.replicas=lots"], "at '/services/video/replicas': got string, want integer"),
        (["kafka.bundled=false"], "at '/kafka/bootstrap': minLength: got 0, want 1"),
        (["rayService.upgradeStrategy=Blue"], "at '/rayService/upgradeStrategy': value must be one of"),
        (["prometheusRule.thresholds.jobFailureRatio=2"], "at '/prometheusRule/thresholds/jobFailureRatio'"),
        (["servics.gateway.replicas=2"], "additional properties 'servics' not allowed"),
        (["kafka.security.protocol=SASL_PLAINTEXT"], "at '/kafka/security/protocol': value must be one of"),
        (["kafka.security.protocol=SASL_SSL"], "at '/kafka/security/saslSecret': minLength: got 0, want 1"),
        (["tls.certManager.issuerRef.kind=Vault"], "at '/tls/certManager/issuerRef/kind': value must be one of"),
    ],
)
def test_schema_breaking_values_fail_lint_readably(sets: list[str], message: str) -> None:
    args = ["lint", "--strict", str(CHART)]
    for item in sets:
        args += ["--set", item]
    result = helm(*args, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert message in output, output


def test_the_chart_refuses_to_render_without_the_cameo_key() -> None:
    result = helm("template", "cm", str(CHART), check=False)
    assert result.returncode != 0
    assert "secrets.cameoKey is required" in result.stderr


def test_every_pod_runs_in_cluster_mode_with_the_cameo_key_from_its_secret() -> None:
    services = [
        d
        for d in by_kind(render("defaults"), "Deployment")
        if d["metadata"]["name"].removeprefix("cm-cinemesh-") in SERVICES
    ]
    assert len(services) == len(SERVICES)
    for deployment in services:
        env = {e["name"]: e for c in deployment["spec"]["template"]["spec"]["containers"] for e in c.get("env", [])}
        assert env["CINEMESH_DEPLOYMENT"]["value"] == "cluster", deployment["metadata"]["name"]
        assert env["CINEMESH_CAMEO_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "cinemesh-cameo-key"


def test_consumer_min_above_partition_cap_fails_with_its_name() -> None:
    result = helm(
        "template",
        "cm",
        str(CHART),
        "-f",
        str(REQUIRED),
        "--set",
        "keda.enabled=true",
        "--set",
        "config.kafkaPartitions=2",
        "--set",
        "services.video.keda.minReplicas=3",
        check=False,
    )
    assert result.returncode != 0
    assert "services.video.keda.minReplicas (3) is above its cap of 2" in result.stderr


# --- what each service gets ------------------------------------------------------------------------


@pytest.mark.parametrize("value_set", list(VALUE_SETS))
def test_every_service_has_its_room(value_set: str) -> None:
    docs = render(value_set)
    for service in SERVICES:
        name = f"cm-cinemesh-{service}"
        deployment = named(docs, "Deployment", name)
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["command"] == ["python", "-m", f"cinemesh.{service}"]
        # native gRPC probes, a startup probe for model loading; under TLS on the plain-text health-only port
        tls = any(e["name"] == "CINEMESH_TLS_CERT_FILE" for e in container["env"])
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["grpc"]["port"] == (50052 if tls else 50051), probe
        assert container["startupProbe"]["failureThreshold"] * container["startupProbe"]["periodSeconds"] >= 300
        # restricted security context
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"]["drop"] == ["ALL"]
        assert {"/tmp"} <= {m["mountPath"] for m in container["volumeMounts"]}
        assert container["resources"]["requests"]["cpu"] and container["resources"]["limits"]["memory"]
        assert pod["topologySpreadConstraints"]
        assert pod["serviceAccountName"] == name
        assert named(docs, "ServiceAccount", name)["automountServiceAccountToken"] is False
        assert named(docs, "PodDisruptionBudget", name)["spec"]["maxUnavailable"] == 1
        assert named(docs, "NetworkPolicy", name)["spec"]["policyTypes"] == ["Ingress"]
        service_ports = {p["name"] for p in named(docs, "Service", name)["spec"]["ports"]}
        assert {"grpc", "metrics"} <= service_ports
        env = {e["name"]: e for e in container["env"]}
        assert env["CINEMESH_GRPC_HOST"]["value"] == "0.0.0.0"
        assert env["CINEMESH_KAFKA_ASSIGNMENT"]["value"] == "group"
        assert env["CINEMESH_KAFKA_GROUP"]["value"] == f"cinemesh-{service}"
        # selectors never carry the chart version (they are immutable)
        assert "helm.sh/chart" not in deployment["spec"]["selector"]["matchLabels"]


def test_network_policies_admit_only_real_callers() -> None:
    docs = render("all-features")
    gateway = named(docs, "NetworkPolicy", "cm-cinemesh-gateway")["spec"]["ingress"]
    api_sources = gateway[0]["from"]
    assert {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}} in api_sources
    # Cameo enrollment is public too; it has no HTTP port.
    identity = named(docs, "NetworkPolicy", "cm-cinemesh-identity")["spec"]["ingress"]
    assert identity[0]["from"] == api_sources and identity[0]["ports"] == [{"port": "grpc"}]
    prompt = named(docs, "NetworkPolicy", "cm-cinemesh-prompt")["spec"]["ingress"]
    callers = [peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"] for peer in prompt[0]["from"]]
    assert callers == ["gateway", "test"]
    assert prompt[1]["ports"] == [{"port": "metrics"}]
    assert prompt[1]["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]
    ray = named(docs, "NetworkPolicy", "cm-cinemesh-ray")["spec"]["ingress"]
    serve = next(rule for rule in ray if rule.get("ports") == [{"port": 8000}])
    assert [p["podSelector"]["matchLabels"]["app.kubernetes.io/component"] for p in serve["from"]] == [
        "video",
        "audio",
        "lipsync",
    ]
    postgres = named(render("defaults"), "NetworkPolicy", "cm-cinemesh-postgresql")["spec"]["ingress"][0]["from"]
    assert len(postgres) == len(SERVICES)


def test_keda_scales_consumers_on_lag_capped_by_partitions() -> None:
    docs = render("all-features", "config.kafkaPartitions=3")
    scaled = {d["metadata"]["name"]: d for d in by_kind(docs, "ScaledObject")}
    assert set(scaled) == {f"cm-cinemesh-{s}" for s in SERVICES}
    for name, obj in scaled.items():
        assert obj["spec"]["maxReplicaCount"] <= 3, name
        for trigger in obj["spec"]["triggers"]:
            assert trigger["type"] == "kafka"
            assert trigger["metadata"]["consumerGroup"] == name.replace("cm-cinemesh-", "cinemesh-")
    lipsync_topics = [t["metadata"]["topic"] for t in scaled["cm-cinemesh-lipsync"]["spec"]["triggers"]]
    # The pro lanes scale the consumers too: the same topics the lipsync stage reads (topics.with_lanes).
    assert lipsync_topics == with_lanes([RENDERS_VIDEO, RENDERS_AUDIO])
    # KEDA owns the replica count; no HPA of ours competes with it.
    assert not by_kind(docs, "HorizontalPodAutoscaler")
    assert all("replicas" not in d["spec"] for d in by_kind(docs, "Deployment") if "cinemesh" in d["metadata"]["name"])


def test_hpa_on_cpu_when_keda_is_off_and_consumers_capped_by_partitions() -> None:
    docs = render("external")
    hpas = {d["metadata"]["name"]: d["spec"] for d in by_kind(docs, "HorizontalPodAutoscaler")}
    assert hpas["cm-cinemesh-video"]["maxReplicas"] == 12  # asked 30, 12 partitions
    assert hpas["cm-cinemesh-gateway"]["maxReplicas"] == 20  # the API is not capped by partitions
    assert hpas["cm-cinemesh-video"]["metrics"][0]["resource"]["name"] == "cpu"


def test_rayservice_serves_one_app_per_model_stage() -> None:
    docs = render("all-features")
    (ray,) = by_kind(docs, "RayService")
    spec = ray["spec"]
    serve = yaml.safe_load(spec["serveConfigV2"])
    apps = {a["name"]: a for a in serve["applications"]}
    assert set(apps) == set(MODEL_APPS)
    for name, app in apps.items():
        assert app["import_path"] == "cinemesh.runtime.serving:build_app"
        assert app["args"]["model"] == MODEL_APPS[name]
        (deployment,) = app["deployments"]
        assert deployment["name"] == f"{name}-model"
        assert deployment["autoscaling_config"]["max_replicas"] >= deployment["autoscaling_config"]["min_replicas"]
        assert "num_gpus" in deployment["ray_actor_options"]
    assert apps["video"]["deployments"][0]["ray_actor_options"]["num_gpus"] == 1
    cluster = spec["rayClusterConfig"]
    assert cluster["enableInTreeAutoscaling"] is True
    assert spec["upgradeStrategy"]["type"] == "NewCluster"
    gpu = next(g for g in cluster["workerGroupSpecs"] if g["groupName"] == "gpu")
    assert gpu["minReplicas"] <= gpu["replicas"] <= gpu["maxReplicas"]
    assert gpu["template"]["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == 1
    # the fronts call the RayService's Serve service
    video = named(docs, "Deployment", "cm-cinemesh-video")["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in video["env"]}
    assert env["CINEMESH_MODEL_RUNTIME"] == "ray"
    assert env["CINEMESH_RAY_SERVE_URL"] == f"http://{ray['metadata']['name']}-serve-svc:8000"


def test_without_kuberay_models_run_in_the_stage_pods() -> None:
    docs = render("no-kuberay")
    assert not by_kind(docs, "RayService")
    for stage in MODEL_APPS:
        container = named(docs, "Deployment", f"cm-cinemesh-{stage}")["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["CINEMESH_MODEL_RUNTIME"] == "inprocess"


def test_external_endpoints_and_secrets() -> None:
    docs = render("external")
    assert not by_kind(docs, "StatefulSet")  # no bundled Kafka/PostgreSQL/MinIO
    container = named(docs, "Deployment", "cm-cinemesh-lipsync")["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert env["CINEMESH_KAFKA_BOOTSTRAP"]["value"].startswith("kafka-0.kafka.data.svc:9092")
    assert env["CINEMESH_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
        "name": "cinemesh-database",
        "key": "database-url",
    }
    assert env["CINEMESH_ARTIFACTS_URL"]["value"] == "s3://acme-cinemesh/artifacts"
    assert env["CINEMESH_CAMEO_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "cinemesh-cameo-key"
    assert env["CINEMESH_KEY_PEPPER"]["valueFrom"]["secretKeyRef"] == {
        "name": "cinemesh-key-pepper",
        "key": "key-pepper",
    }
    assert env["CINEMESH_C2PA_PRIVATE_KEY"]["value"] == "/etc/cinemesh/c2pa/key.pem"
    assert container["envFrom"] == [{"secretRef": {"name": "cinemesh-s3"}}]
    assert {"name": "c2pa", "mountPath": "/etc/cinemesh/c2pa", "readOnly": True} in container["volumeMounts"]


def test_bundled_dependencies_by_default() -> None:
    docs = render("defaults")
    assert {d["metadata"]["name"] for d in by_kind(docs, "StatefulSet")} == {
        "cm-cinemesh-kafka",
        "cm-cinemesh-postgresql",
        "cm-cinemesh-minio",
    }
    container = named(docs, "Deployment", "cm-cinemesh-gateway")["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert env["CINEMESH_KAFKA_BOOTSTRAP"]["value"] == "cm-cinemesh-kafka:9092"
    assert env["CINEMESH_DATABASE_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "cm-cinemesh-postgresql"
    assert env["CINEMESH_DATABASE_URL"]["value"].startswith(
        "postgresql+psycopg://cinemesh:$(CINEMESH_DATABASE_PASSWORD)@"
    )


def test_helm_test_hook_checks_gateway_health() -> None:
    docs = render("defaults")
    (pod,) = [d for d in by_kind(docs, "Pod") if d["metadata"]["annotations"].get("helm.sh/hook") == "test"]
    container = pod["spec"]["containers"][0]
    script = "\n".join(container["command"])
    assert "HealthStub" in script and "cinemesh.v1.JobService" in script
    assert container["command"][-1] == "cm-cinemesh-gateway:50051"
    compile(container["command"][2], "helm-test", "exec")  # the probe script is valid Python


def test_monitoring_objects_select_the_services() -> None:
    docs = render("all-features")
    monitors = {d["metadata"]["name"]: d for d in by_kind(docs, "ServiceMonitor")}
    assert set(monitors) == {f"cm-cinemesh-{s}" for s in SERVICES}
    for name, monitor in monitors.items():
        assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"
        assert monitor["spec"]["endpoints"][0]["port"] == "metrics"
        selector = monitor["spec"]["selector"]["matchLabels"]
        assert selector == named(docs, "Service", name)["spec"]["selector"]
    (pod_monitor,) = by_kind(docs, "PodMonitor")
    assert pod_monitor["spec"]["podMetricsEndpoints"][0]["port"] == "metrics"


def test_notes_render() -> None:
    result = helm("install", "cm", str(CHART), "-f", str(REQUIRED), "--dry-run=client", "--namespace", "media")
    assert "helm test cm" in result.stdout
    assert "secrets.c2pa is empty" in result.stdout
    assert "tls.enabled is false" in result.stdout and "answer nobody" in result.stdout
    tls = helm(
        "install",
        "cm",
        str(CHART),
        "-f",
        str(VALUE_SETS["all-features"][1]),
        "-f",
        str(REQUIRED),
        "--dry-run=client",
        "--namespace",
        "media",
    )
    assert "curl --cacert ca.pem --connect-to cm-cinemesh-gateway:8080:127.0.0.1:8080" in tls.stdout
    assert "tls.enabled is false" not in tls.stdout and "answer nobody" not in tls.stdout


# --- documentation ------------------------------------------------------------------------------


def test_every_value_is_documented_where_it_is_defined() -> None:
    """Each key down to the second level has a comment right above it (or in the block comment of `services`)."""
    lines = (CHART / "values.yaml").read_text().splitlines()
    undocumented = []
    parents: list[str] = []
    for index, line in enumerate(lines):
        match = re.match(r"^( *)([A-Za-z][\w.-]*):", line)
        if not match:
            continue
        depth = len(match.group(1)) // 2
        parents = [*parents[:depth], match.group(2)]
        if depth > 1 or (depth == 1 and parents[0] == "services"):
            continue
        previous = lines[index - 1].strip() if index else ""
        if not previous.startswith("#"):
            undocumented.append(".".join(parents))
    assert not undocumented, f"values without a comment above them: {undocumented}"


def test_schema_covers_every_top_level_value() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    schema = json.loads((CHART / "values.schema.json").read_text())
    assert set(values) <= set(schema["properties"])
    jsonschema.Draft7Validator(schema).validate(values)


# --- images ---------------------------------------------------------------------------------------


def test_dockerfile_passes_hadolint() -> None:
    result = subprocess.run(
        [tool("hadolint"), "--no-color", "--failure-threshold", "style", str(REPO / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_holds_what_the_chart_runs() -> None:
    """Every module the chart starts is in the package the Dockerfile installs."""
    dockerfile = (REPO / "Dockerfile").read_text()
    assert 'pip install ".[s3]"' in dockerfile and "grpc_tools.protoc" in dockerfile
    docs = render("all-features")
    for deployment in by_kind(docs, "Deployment"):
        command = deployment["spec"]["template"]["spec"]["containers"][0]["command"]
        module = command[2]
        package_dir = REPO / "services" / module.removeprefix("cinemesh.")
        assert (package_dir / "__main__.py").exists(), module
    (ray,) = by_kind(docs, "RayService")
    for app in yaml.safe_load(ray["spec"]["serveConfigV2"])["applications"]:
        module, _, attribute = app["import_path"].partition(":")
        source = (REPO / "services" / (module.removeprefix("cinemesh.").replace(".", "/") + ".py")).read_text()
        assert f"def {attribute}(" in source


def test_crd_validation_catches_a_misspelt_field() -> None:
    (ray,) = by_kind(render("all-features"), "RayService")
    broken = json.loads(json.dumps(ray))
    broken["spec"]["upgradeStrategy"]["tpye"] = "NewCluster"
    schema = crd_schemas()[(ray["apiVersion"], "RayService")]
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(broken))
    assert any("tpye" in e.message for e in errors)


# --- TLS, service identity, Kafka security -------------------------------------------------------


def _service_deployments(docs: tuple[dict, ...]) -> dict[str, dict]:
    return {
        name: d
        for d in by_kind(docs, "Deployment")
        if (name := d["metadata"]["name"].removeprefix("cm-cinemesh-")) in SERVICES
    }


def _container(deployment: dict) -> dict:
    return deployment["spec"]["template"]["spec"]["containers"][0]


def _env(deployment: dict) -> dict[str, dict]:
    return {e["name"]: e for e in _container(deployment).get("env", [])}


def test_tls_is_off_by_default_and_probes_use_the_grpc_port() -> None:
    docs = render("defaults")
    assert not by_kind(docs, "Certificate")
    for name, deployment in _service_deployments(docs).items():
        env = _env(deployment)
        assert not {"CINEMESH_TLS_CERT_FILE", "CINEMESH_HEALTH_PORT", "CINEMESH_SERVICE_TOKEN"} & set(env), name
        assert env["CINEMESH_KAFKA_SECURITY_PROTOCOL"]["value"] == "PLAINTEXT"
        assert _container(deployment)["readinessProbe"]["grpc"]["port"] == 50051


def test_cert_manager_issues_each_service_its_identity_and_mtls_is_on() -> None:
    docs = render("all-features")
    certificates = {c["metadata"]["name"].removeprefix("cm-cinemesh-"): c for c in by_kind(docs, "Certificate")}
    assert set(certificates) == set(SERVICES)
    for name, deployment in _service_deployments(docs).items():
        spec = certificates[name]["spec"]
        assert spec["commonName"] == f"cinemesh-{name}"
        assert {f"cm-cinemesh-{name}", f"cm-cinemesh-{name}.media.svc"} <= set(spec["dnsNames"])
        assert {"server auth", "client auth"} <= set(spec["usages"])
        assert spec["issuerRef"] == {"name": "cinemesh-ca", "kind": "Issuer", "group": "cert-manager.io"}
        env = _env(deployment)
        assert env["CINEMESH_TLS_CERT_FILE"]["value"] == "/etc/cinemesh/tls/tls.crt"
        assert env["CINEMESH_TLS_KEY_FILE"]["value"] == "/etc/cinemesh/tls/tls.key"
        assert env["CINEMESH_TLS_CA_FILE"]["value"] == "/etc/cinemesh/tls/ca.crt", "mTLS is on by default"
        volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
        assert volumes["tls"]["secret"]["secretName"] == spec["secretName"]
        mounts = {m["name"]: m for m in _container(deployment)["volumeMounts"]}
        assert mounts["tls"]["mountPath"] == "/etc/cinemesh/tls" and mounts["tls"]["readOnly"]
        # kubelet gRPC probes cannot speak TLS: they use the plain-text health-only port
        health = env["CINEMESH_HEALTH_PORT"]["value"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert str(_container(deployment)[probe]["grpc"]["port"]) == health, (name, probe)
        assert {"name": "health", "containerPort": int(health)} in _container(deployment)["ports"]
    assert "api.cinemesh.example" in certificates["gateway"]["spec"]["dnsNames"]
    assert "api.cinemesh.example" not in certificates["video"]["spec"]["dnsNames"]


def test_mtls_can_be_turned_off_leaving_server_tls() -> None:
    docs = render("all-features", "tls.mutual=false")
    for name, deployment in _service_deployments(docs).items():
        env = _env(deployment)
        assert "CINEMESH_TLS_CERT_FILE" in env and "CINEMESH_TLS_CA_FILE" not in env, name


def test_existing_tls_secrets_service_token_and_kafka_sasl_from_secrets() -> None:
    docs = render("external")
    assert not by_kind(docs, "Certificate")
    for name, deployment in _service_deployments(docs).items():
        volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
        assert volumes["tls"]["secret"]["secretName"] == f"cinemesh-tls-{name}"
        assert volumes["kafka-ca"]["secret"]["secretName"] == "cinemesh-kafka-ca"
        env = _env(deployment)
        assert env["CINEMESH_SERVICE_TOKEN"]["valueFrom"]["secretKeyRef"] == {
            "name": "cinemesh-service-token",
            "key": "service-token",
        }
        assert env["CINEMESH_KAFKA_SECURITY_PROTOCOL"]["value"] == "SASL_SSL"
        assert env["CINEMESH_KAFKA_SASL_MECHANISM"]["value"] == "SCRAM-SHA-512"
        assert env["CINEMESH_KAFKA_SASL_USERNAME"]["valueFrom"]["secretKeyRef"]["name"] == "cinemesh-kafka-user"
        assert env["CINEMESH_KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
            "name": "cinemesh-kafka-user",
            "key": "password",
        }
        assert env["CINEMESH_KAFKA_SSL_CAFILE"]["value"] == "/etc/cinemesh/kafka-ca/ca.crt"
        assert not any("value" in env[k] for k in ("CINEMESH_KAFKA_SASL_PASSWORD", "CINEMESH_SERVICE_TOKEN"))


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        (["tls.enabled=true"], "tls.enabled needs certificates"),
        (["tls.enabled=true", "tls.certManager.enabled=true"], "tls.certManager.issuerRef.name is required"),
        (["kafka.security.protocol=SSL"], "the bundled broker speaks PLAINTEXT"),
    ],
)
def test_tls_and_kafka_security_misconfiguration_refuses_to_render(sets: list[str], message: str) -> None:
    args = ["template", "cm", str(CHART), "-f", str(REQUIRED)]
    for item in sets:
        args += ["--set", item]
    result = helm(*args, check=False)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr


def test_helm_test_pod_trusts_only_the_gateway_ca_under_tls() -> None:
    (pod,) = [d for d in by_kind(render("all-features"), "Pod") if d["metadata"]["name"].endswith("gateway-health")]
    (volume,) = pod["spec"]["volumes"]
    assert volume["secret"]["secretName"] == "cm-cinemesh-gateway-tls"
    assert volume["secret"]["items"] == [{"key": "ca.crt", "path": "ca.crt"}], "never the gateway's private key"
    assert "ssl_channel_credentials" in pod["spec"]["containers"][0]["command"][2]
