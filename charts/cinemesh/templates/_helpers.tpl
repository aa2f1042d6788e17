{{/* Names ------------------------------------------------------------------ */}}

{{- define "cinemesh.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cinemesh.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The CPU services, in data-flow order. */}}
{{- define "cinemesh.serviceNames" -}}
gateway prompt identity video audio lipsync
{{- end }}

{{/* Stages whose model runs on Ray Serve when rayService.enabled. */}}
{{- define "cinemesh.modelStages" -}}
video audio lipsync
{{- end }}

{{/* Topics each service consumes (space-separated), each stage input with its pro lane (<topic>.pro, see
services/runtime/topics.py); KEDA scales on their lag. The services create the topics at start-up. */}}
{{- define "cinemesh.topicsOf" -}}
{{- $topics := dict "gateway" "jobs.completed jobs.failed" "prompt" "jobs.submitted jobs.submitted.pro" "identity" "plans.parsed plans.parsed.pro" "video" "plans.cast plans.cast.pro" "audio" "plans.cast plans.cast.pro" "lipsync" "renders.video renders.audio renders.video.pro renders.audio.pro" -}}
{{- get $topics . -}}
{{- end }}

{{/* Labels ------------------------------------------------------------------ */}}

{{- define "cinemesh.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "cinemesh.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cinemesh
{{- end }}

{{/* Selector labels of one component; never the chart version (selectors are immutable). Call with (list $ "component"). */}}
{{- define "cinemesh.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "cinemesh.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "cinemesh.componentLabels" -}}
{{ include "cinemesh.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/* Values ------------------------------------------------------------------ */}}

{{- /* The image of one component: (list $root "gateway"|"prompt"|…|"ray"|"test") → <repository>-<target>:<tag>. */}}
{{- define "cinemesh.image" -}}
{{- $root := index . 0 -}}
{{- $target := index $root.Values.image.targets (index . 1) | required (printf "image.targets.%s is required: the Dockerfile target of that component" (index . 1)) -}}
{{- printf "%s-%s:%s" $root.Values.image.repository $target (default $root.Chart.AppVersion $root.Values.image.tag) }}
{{- end }}

{{- define "cinemesh.serviceAccountName" -}}
{{- $root := index . 0 -}}
{{- if $root.Values.serviceAccount.create }}
{{- printf "%s-%s" (include "cinemesh.fullname" $root) (index . 1) | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- default "default" $root.Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "cinemesh.kafkaBootstrap" -}}
{{- if .Values.kafka.bundled }}
{{- printf "%s-kafka:9092" (include "cinemesh.fullname" .) }}
{{- else }}
{{- required "kafka.bootstrap is required when kafka.bundled is false" .Values.kafka.bootstrap }}
{{- end }}
{{- end }}

{{- define "cinemesh.artifactsUrl" -}}
{{- if .Values.objectStore.bundled }}
{{- printf "s3://%s/artifacts" .Values.objectStore.bucket }}
{{- else }}
{{- required "objectStore.url is required when objectStore.bundled is false" .Values.objectStore.url }}
{{- end }}
{{- end }}

{{- define "cinemesh.objectStoreEndpoint" -}}
{{- if .Values.objectStore.bundled }}
{{- printf "http://%s-minio:9000" (include "cinemesh.fullname" .) }}
{{- else }}
{{- .Values.objectStore.endpoint }}
{{- end }}
{{- end }}

{{- define "cinemesh.objectStoreSecret" -}}
{{- if .Values.objectStore.bundled }}
{{- printf "%s-minio" (include "cinemesh.fullname" .) }}
{{- else }}
{{- .Values.objectStore.existingSecret }}
{{- end }}
{{- end }}

{{/* Replica cap of a consumer: never more pods than partitions (extra ones would idle). Call with (list $ max). */}}
{{- define "cinemesh.partitionCap" -}}
{{- $root := index . 0 -}}
{{- min (index . 1) $root.Values.config.kafkaPartitions -}}
{{- end }}

{{/* Env shared by service containers and Ray pods: bus, stores, secrets. */}}
{{- define "cinemesh.commonEnv" -}}
- name: CINEMESH_DEPLOYMENT
  value: cluster
- name: CINEMESH_STATE_DIR
  value: /tmp/cinemesh
- name: HOME
  value: /tmp
- name: CINEMESH_KAFKA_BOOTSTRAP
  value: {{ include "cinemesh.kafkaBootstrap" . | quote }}
- name: CINEMESH_KAFKA_ASSIGNMENT
  value: group
- name: CINEMESH_KAFKA_PARTITIONS
  value: {{ .Values.config.kafkaPartitions | quote }}
- name: CINEMESH_MAX_ATTEMPTS
  value: {{ .Values.config.maxAttempts | quote }}
- name: CINEMESH_RETRY_BACKOFF_SECONDS
  value: {{ .Values.config.retryBackoffSeconds | quote }}
- name: CINEMESH_MODEL_TIMEOUT_SECONDS
  value: {{ .Values.config.modelTimeoutSeconds | quote }}
- name: CINEMESH_SHUTDOWN_GRACE_SECONDS
  value: {{ .Values.config.shutdownGraceSeconds | quote }}
- name: CINEMESH_CREDITS_PER_SECOND
  value: {{ .Values.config.creditsPerSecond | quote }}
- name: CINEMESH_DRAFT_TTL_SECONDS
  value: {{ .Values.config.draftTtlSeconds | quote }}
{{- if .Values.postgresql.bundled }}
- name: CINEMESH_DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "cinemesh.fullname" . }}-postgresql
      key: password
- name: CINEMESH_DATABASE_URL
  value: {{ printf "postgresql+psycopg://cinemesh:$(CINEMESH_DATABASE_PASSWORD)@%s-postgresql:5432/cinemesh" (include "cinemesh.fullname" .) | quote }}
{{- else }}
- name: CINEMESH_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "postgresql.existingSecret is required when postgresql.bundled is false" .Values.postgresql.existingSecret }}
      key: {{ .Values.postgresql.existingSecretKey }}
{{- end }}
- name: CINEMESH_ARTIFACTS_URL
  value: {{ include "cinemesh.artifactsUrl" . | quote }}
{{- with (include "cinemesh.objectStoreEndpoint" .) }}
- name: AWS_ENDPOINT_URL
  value: {{ . | quote }}
{{- end }}
{{- if .Values.secrets.c2pa }}
- name: CINEMESH_C2PA_CERT_CHAIN
  value: /etc/cinemesh/c2pa/chain.pem
- name: CINEMESH_C2PA_PRIVATE_KEY
  value: /etc/cinemesh/c2pa/key.pem
{{- end }}
{{- if .Values.secrets.cameoKey }}
- name: CINEMESH_CAMEO_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.cameoKey }}
      key: {{ .Values.secrets.cameoKeyKey }}
{{- end }}
{{- if .Values.secrets.keyPepper }}
- name: CINEMESH_KEY_PEPPER
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.keyPepper }}
      key: {{ .Values.secrets.keyPepperKey }}
{{- end }}
{{- if .Values.secrets.serviceToken }}
- name: CINEMESH_SERVICE_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.serviceToken }}
      key: {{ .Values.secrets.serviceTokenKey }}
{{- end }}
{{- with .Values.kafka.security }}
{{- if and (ne .protocol "PLAINTEXT") $.Values.kafka.bundled }}
{{- fail "kafka.security.protocol: the bundled broker speaks PLAINTEXT; set kafka.bundled=false and kafka.bootstrap to use SSL or SASL_SSL" }}
{{- end }}
- name: CINEMESH_KAFKA_SECURITY_PROTOCOL
  value: {{ .protocol | quote }}
{{- if eq .protocol "SASL_SSL" }}
- name: CINEMESH_KAFKA_SASL_MECHANISM
  value: {{ .saslMechanism | quote }}
- name: CINEMESH_KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.security.saslSecret is required with SASL_SSL" .saslSecret }}
      key: {{ .saslUsernameKey }}
- name: CINEMESH_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .saslSecret }}
      key: {{ .saslPasswordKey }}
{{- end }}
{{- if and (ne .protocol "PLAINTEXT") .caSecret }}
- name: CINEMESH_KAFKA_SSL_CAFILE
  value: /etc/cinemesh/kafka-ca/{{ .caSecretKey }}
{{- end }}
{{- end }}
{{- range $name, $value := .Values.config.extraEnv }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}

{{/* Name of the Secret with one service's TLS certificate (tls.crt, tls.key, ca.crt). Call with (list $ "service"). */}}
{{- define "cinemesh.tlsSecret" -}}
{{- $root := index . 0 -}}
{{- if $root.Values.tls.certManager.enabled }}
{{- printf "%s-%s-tls" (include "cinemesh.fullname" $root) (index . 1) }}
{{- else }}
{{- printf "%s-%s" (required "tls.enabled needs certificates: set tls.certManager.enabled=true (with tls.certManager.issuerRef.name) or tls.existingSecretPrefix (Secrets <prefix>-<service> with tls.crt, tls.key and ca.crt)" $root.Values.tls.existingSecretPrefix) (index . 1) }}
{{- end }}
{{- end }}

{{/* Env of one service's TLS: its certificate, key and (mTLS) CA, and the plain-text health port for probes. */}}
{{- define "cinemesh.tlsEnv" -}}
{{- $root := index . 0 -}}
{{- if $root.Values.tls.enabled }}
- name: CINEMESH_TLS_CERT_FILE
  value: /etc/cinemesh/tls/tls.crt
- name: CINEMESH_TLS_KEY_FILE
  value: /etc/cinemesh/tls/tls.key
{{- if $root.Values.tls.mutual }}
- name: CINEMESH_TLS_CA_FILE
  value: /etc/cinemesh/tls/ca.crt
{{- end }}
- name: CINEMESH_HEALTH_PORT
  value: {{ $root.Values.ports.health | quote }}
{{- end }}
{{- end }}

{{/* envFrom with the object-store credentials, when there are any. */}}
{{- define "cinemesh.envFrom" -}}
{{- with (include "cinemesh.objectStoreSecret" .) }}
envFrom:
  - secretRef:
      name: {{ . }}
{{- end }}
{{- end }}

{{/* Volumes every cinemesh container needs: a writable /tmp, and the C2PA identity when set. */}}
{{- define "cinemesh.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.pod.tmpSizeLimit }}
{{- if .Values.secrets.c2pa }}
- name: c2pa
  secret:
    secretName: {{ .Values.secrets.c2pa }}
    defaultMode: 0440
{{- end }}
{{- if and (ne .Values.kafka.security.protocol "PLAINTEXT") .Values.kafka.security.caSecret }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.kafka.security.caSecret }}
    defaultMode: 0444
{{- end }}
{{- end }}

{{- define "cinemesh.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.secrets.c2pa }}
- name: c2pa
  mountPath: /etc/cinemesh/c2pa
  readOnly: true
{{- end }}
{{- if and (ne .Values.kafka.security.protocol "PLAINTEXT") .Values.kafka.security.caSecret }}
- name: kafka-ca
  mountPath: /etc/cinemesh/kafka-ca
  readOnly: true
{{- end }}
{{- end }}

{{/* A restricted security context for the bundled infrastructure containers. */}}
{{- define "cinemesh.infraSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
capabilities:
  drop: ["ALL"]
{{- end }}
