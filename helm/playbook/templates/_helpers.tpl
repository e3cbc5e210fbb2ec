{{/* Chart name, trimmed to the 63 characters a label allows. */}}
{{- define "playbook.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name prefix of every object. */}}
{{- define "playbook.fullname" -}}
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

{{/* Labels every object carries; call with (dict "root" $ "component" "gateway"). */}}
{{- define "playbook.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "playbook.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: {{ include "playbook.name" .root }}
{{- end }}

{{/* The labels a selector may use (immutable on Deployments and StatefulSets). */}}
{{- define "playbook.selectorLabels" -}}
app.kubernetes.io/name: {{ include "playbook.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end }}

{{/* One service's values: serviceDefaults with services.<name> merged on top; call with (dict "root" $ "name" "gateway"). */}}
{{- define "playbook.service" -}}
{{- $svc := index .root.Values.services .name -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.serviceDefaults) (deepCopy $svc)) -}}
{{- end }}

{{/* <registry>/<repository>:<tag>; call with (dict "root" $ "image" $svc.image). */}}
{{- define "playbook.image" -}}
{{- $tag := default (default .root.Chart.AppVersion .root.Values.image.tag) .image.tag -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .image.repository $tag -}}
{{- end }}

{{- define "playbook.secretName" -}}
{{- default (include "playbook.fullname" .) .Values.secrets.existingSecret -}}
{{- end }}

{{/* Where MONGO_URL comes from: {name, key} of a Secret. */}}
{{- define "playbook.mongoUrlRef" -}}
{{- if and (not .Values.mongodb.enabled) .Values.mongodb.external.existingSecret -}}
name: {{ .Values.mongodb.external.existingSecret }}
key: {{ .Values.mongodb.external.existingSecretKey }}
{{- else -}}
name: {{ include "playbook.secretName" . }}
key: {{ .Values.secrets.keys.mongoUrl }}
{{- end }}
{{- end }}

{{/* NATS URL when it is not a secret (in-chart or external.url). */}}
{{- define "playbook.natsUrl" -}}
{{- if .Values.nats.enabled -}}
{{- printf "nats://%s-nats:4222" (include "playbook.fullname" .) -}}
{{- else -}}
{{- .Values.nats.external.url -}}
{{- end }}
{{- end }}

{{/* Pod-level security context shared by every workload; numeric ids so runAsNonRoot can be verified. */}}
{{- define "playbook.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid | default 1000 }}
runAsGroup: {{ .uid | default 1000 }}
fsGroup: {{ .uid | default 1000 }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "playbook.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Egress to cluster DNS, used by every NetworkPolicy that allows egress. */}}
{{- define "playbook.dnsEgress" -}}
- to:
    {{- toYaml .Values.networkPolicy.dns | nindent 4 }}
  ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
{{- end }}

{{/* Egress to NATS and MongoDB, wherever they run. */}}
{{- define "playbook.natsEgress" -}}
{{- if .Values.nats.enabled }}
- to:
    - podSelector:
        matchLabels: {{- include "playbook.selectorLabels" (dict "root" . "component" "nats") | nindent 10 }}
  ports:
    - {protocol: TCP, port: 4222}
{{- else }}
- ports:
    - {protocol: TCP, port: {{ .Values.networkPolicy.externalNats.port }}}
  {{- with .Values.networkPolicy.externalNats.to }}
  to: {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{- define "playbook.mongoEgress" -}}
{{- if .Values.mongodb.enabled }}
- to:
    - podSelector:
        matchLabels: {{- include "playbook.selectorLabels" (dict "root" . "component" "mongodb") | nindent 10 }}
  ports:
    - {protocol: TCP, port: 27017}
{{- else }}
- ports:
    - {protocol: TCP, port: {{ .Values.networkPolicy.externalMongodb.port }}}
  {{- with .Values.networkPolicy.externalMongodb.to }}
  to: {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
Changes to what feeds the Secret roll the pods. Generated values are kept across upgrades (lookup), so
they never change the checksum by themselves.
*/}}
{{- define "playbook.secretChecksum" -}}
{{- toJson (dict "secrets" .Values.secrets "mongodb" (pick .Values.mongodb "enabled" "rootUser" "rootPassword" "external") "nats" .Values.nats.external) | sha256sum -}}
{{- end }}
