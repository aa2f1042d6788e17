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

{{/* Topics each service consumes (space-separated); KEDA scales on their lag. */}}
{{- define "cinemesh.topicsOf" -}}
{{- $topics := dict "gateway" "jobs.completed jobs.failed" "prompt" "jobs.submitted" "identity" "plans.parsed" "video" "plans.cast" "audio" "plans.cast" "lipsync" "renders.video renders.audio" -}}
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

{{- define "cinemesh.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
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
{{- range $name, $value := .Values.config.extraEnv }}
- name: {{ $name }}
  value: {{ $value | quote }}
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
{{- end }}

{{- define "cinemesh.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.secrets.c2pa }}
- name: c2pa
  mountPath: /etc/cinemesh/c2pa
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
