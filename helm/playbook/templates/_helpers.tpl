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

{{/*
The database credentials, each a user of its own with its MONGO_URL in a Secret of its own: one per enabled
service with a mongoDb (readWrite on that database only) and "backup" while the backup job is on (read on every
service's database: mongodump of a database needs only find on it). Each is {name, secret, key, generated,
roles}: the chart's Secret <fullname>-<name>-mongodb (generated) or the operator's existingSecret. Returns
{"credentials": [...]} as JSON, for fromJson.
*/}}
{{- define "playbook.databaseCredentials" -}}
{{- $fullname := include "playbook.fullname" . -}}
{{- $credentials := list -}}
{{- $databases := list -}}
{{- range $name, $_ := .Values.services -}}
{{- $svc := include "playbook.service" (dict "root" $ "name" $name) | fromYaml -}}
{{- if $svc.mongoDb }}{{ $databases = append $databases $svc.mongoDb }}{{ end -}}
{{- if and $svc.enabled $svc.mongoDb -}}
{{- $credentials = append $credentials (dict "name" $name "from" $svc.mongoSecret "roles" (list (dict "role" "readWrite" "db" $svc.mongoDb))) -}}
{{- end -}}
{{- end -}}
{{- if .Values.backup.enabled -}}
{{- $roles := list -}}
{{- range $databases | uniq | sortAlpha }}{{ $roles = append $roles (dict "role" "read" "db" .) }}{{ end -}}
{{- $credentials = append $credentials (dict "name" "backup" "from" .Values.backup.mongoSecret "roles" $roles) -}}
{{- end -}}
{{- $resolved := list -}}
{{- range $credentials -}}
{{- $existing := .from.existingSecret -}}
{{- $secret := $existing | default (printf "%s-%s-mongodb" $fullname .name) -}}
{{- $key := ternary .from.existingSecretKey $.Values.secrets.keys.mongoUrl (not (empty $existing)) -}}
{{- $resolved = append $resolved (dict "name" .name "secret" $secret "key" $key "generated" (empty $existing) "roles" .roles) -}}
{{- end -}}
{{- toJson (dict "credentials" $resolved) -}}
{{- end }}

{{/* What the in-chart MongoDB's database-users container makes of the credentials: [{name, roles}] as JSON. */}}
{{- define "playbook.databaseUsers" -}}
{{- $users := list -}}
{{- range . }}{{ $users = append $users (pick . "name" "roles") }}{{ end -}}
{{- toJson $users -}}
{{- end }}

{{/* Where one credential's MONGO_URL comes from: {name, key} of a Secret; call with (dict "root" $ "name" "backup"). */}}
{{- define "playbook.mongoUrlRef" -}}
{{- $name := .name -}}
{{- range (include "playbook.databaseCredentials" .root | fromJson).credentials -}}
{{- if eq .name $name -}}
name: {{ .secret }}
key: {{ .key }}
{{- end -}}
{{- end -}}
{{- end }}

{{/* NATS URL when it is not a secret (in-chart or external.url). */}}
{{- define "playbook.natsUrl" -}}
{{- if .Values.nats.enabled -}}
{{- printf "%s://%s-nats:4222" (ternary "tls" "nats" .Values.nats.tls.enabled) (include "playbook.fullname" .) -}}
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
Changes to what feeds the Secret roll the pods that read it, and only those: the Secret's name and keys, the
values behind a workload's secretEnv, with "mongo" the inputs of one credential's URL (its name) or, with true,
of every credential and the root login (the MongoDB pod), the external NATS URL with "nats".
Generated values are kept across upgrades (lookup), so they never change the checksum by themselves. Call with
(dict "root" $ "secretEnv" $svc.secretEnv "mongo" "auth-service" "nats" true).
*/}}
{{- define "playbook.secretChecksum" -}}
{{- $values := .root.Values -}}
{{- $inputs := dict "existingSecret" $values.secrets.existingSecret "keys" $values.secrets.keys -}}
{{- range $name, $key := .secretEnv | default dict }}{{ $inputs = set $inputs $key (index $values.secrets $key | default "") }}{{ end -}}
{{- if eq (toString .mongo) "true" }}{{ $inputs = set $inputs "mongodb" (dict "settings" (pick $values.mongodb "enabled" "rootUser" "rootPassword" "replicas" "replicaSetName") "credentials" (include "playbook.databaseCredentials" .root)) }}{{ end -}}
{{- if and .mongo (ne (toString .mongo) "true") }}{{ $inputs = set $inputs "mongodb" (dict "settings" (pick $values.mongodb "enabled" "replicas" "replicaSetName") "url" (include "playbook.mongoUrlRef" (dict "root" .root "name" .mongo))) }}{{ end -}}
{{- if .nats }}{{ $inputs = set $inputs "nats" $values.nats.external }}{{ end -}}
{{- toJson $inputs | sha256sum -}}
{{- end }}

{{/*
A Deployment's replica count. With autoscaling the HPA owns it: an upgrade keeps what the live Deployment has
(dropping the field would reset it to 1 until the HPA reacts), and a first install leaves it to the HPA.
Call with (dict "root" $ "name" "gateway" "svc" $svc).
*/}}
{{- define "playbook.replicas" -}}
{{- if not .svc.autoscaling.enabled -}}
{{- .svc.replicas -}}
{{- else -}}
{{- $live := lookup "apps/v1" "Deployment" .root.Release.Namespace (printf "%s-%s" (include "playbook.fullname" .root) .name) -}}
{{- dig "spec" "replicas" "" $live -}}
{{- end -}}
{{- end }}

{{/* A Kubernetes quantity ("20Gi", "500M", 1024) in bytes, as a float, so sizes can be compared. */}}
{{- define "playbook.quantityBytes" -}}
{{- $quantity := toString . -}}
{{- $number := regexFind "^[0-9.]+" $quantity -}}
{{- $units := dict "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "Pi" 1125899906842624 "k" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 "P" 1000000000000000 -}}
{{- mulf (float64 $number) (get $units (trimPrefix $number $quantity) | default 1) -}}
{{- end }}

{{/*
The size and class a StatefulSet's data claim is rendered with: a StatefulSet's volumeClaimTemplates are
immutable, so once it exists they stay as they are and a new persistence.size only applies to a new
StatefulSet (docs/deploy.md, "Growing a volume"). Call with (dict "root" $ "component" "mongodb" "persistence" $m.persistence).
*/}}
{{- define "playbook.statefulSetClaim" -}}
{{- $live := lookup "apps/v1" "StatefulSet" .root.Release.Namespace (printf "%s-%s" (include "playbook.fullname" .root) .component) -}}
{{- with dig "spec" "volumeClaimTemplates" (list) $live | first }}
size: {{ dig "spec" "resources" "requests" "storage" "" . | quote }}
storageClass: {{ dig "spec" "storageClassName" "" . | quote }}
{{- else }}
size: {{ .persistence.size | quote }}
storageClass: {{ .persistence.storageClass | quote }}
{{- end }}
{{- end }}

{{/* A StatefulSet's one volumeClaimTemplate, "data"; call like playbook.statefulSetClaim. */}}
{{- define "playbook.volumeClaimTemplate" -}}
{{- $claim := include "playbook.statefulSetClaim" . | fromYaml -}}
- metadata:
    name: data
  spec:
    accessModes: [ReadWriteOnce]
    {{- with $claim.storageClass }}
    storageClassName: {{ . }}
    {{- end }}
    resources:
      requests:
        storage: {{ $claim.size }}
{{- end }}

{{/*
The size and class of a PVC the chart owns. Its class is immutable, so a live claim keeps its own; its size
grows to the requested one when the class allows expansion, otherwise (or when asked to shrink, which
Kubernetes refuses) it stays at the live size. Call with (dict "root" $ "claim" "<name>" "persistence" $b.persistence).
*/}}
{{- define "playbook.ownedClaim" -}}
{{- $live := lookup "v1" "PersistentVolumeClaim" .root.Release.Namespace .claim -}}
{{- $current := dig "spec" "resources" "requests" "storage" "" $live -}}
{{- if $current -}}
{{- $className := dig "spec" "storageClassName" "" $live -}}
{{- $grows := gt (float64 (include "playbook.quantityBytes" .persistence.size)) (float64 (include "playbook.quantityBytes" $current)) -}}
{{- $expandable := false -}}
{{- /* Read the cluster-scoped StorageClass only when asked to grow: a namespaced helm user may not get it. */ -}}
{{- if and $grows $className }}{{ $expandable = dig "allowVolumeExpansion" false (lookup "storage.k8s.io/v1" "StorageClass" "" $className) }}{{ end }}
size: {{ ternary .persistence.size $current $expandable | quote }}
storageClass: {{ $className | quote }}
{{- else }}
size: {{ .persistence.size | quote }}
storageClass: {{ .persistence.storageClass | quote }}
{{- end -}}
{{- end }}

{{/*
Pod anti-affinity of a StatefulSet's members across nodes: "hard" refuses to put two on one node (a node
failure then takes at most one), "soft" prefers not to. Call with (dict "root" $ "component" "nats" "mode" "soft").
*/}}
{{- define "playbook.podAntiAffinity" -}}
{{- $term := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" (include "playbook.selectorLabels" (dict "root" .root "component" .component) | fromYaml)) -}}
podAntiAffinity:
{{- if eq .mode "hard" }}
  requiredDuringSchedulingIgnoredDuringExecution:
    {{- list $term | toYaml | nindent 4 }}
{{- else }}
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm: {{- toYaml $term | nindent 8 }}
{{- end }}
{{- end }}

{{/* A StatefulSet's PodDisruptionBudget: a drain takes one member at a time, so a 3-member set keeps its quorum. */}}
{{- define "playbook.statefulSetPdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "playbook.fullname" .root }}-{{ .component }}
  labels: {{- include "playbook.labels" . | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {{- include "playbook.selectorLabels" . | nindent 6 }}
{{- end }}

{{/*
The in-chart MongoDB's hosts and options for a connection string: the single node through its Service, or
every member of the replica set by its stable name with the set's name, so the driver finds the primary and
follows it when it changes.
*/}}
{{- define "playbook.mongoHosts" -}}
{{- $m := .Values.mongodb -}}
{{- $service := printf "%s-mongodb" (include "playbook.fullname" .) -}}
{{- if gt (int $m.replicas) 1 -}}
{{- $members := list -}}
{{- range $i := until (int $m.replicas) -}}
{{- $members = append $members (printf "%s-%d.%s.%s.svc:27017" $service $i $service $.Release.Namespace) -}}
{{- end -}}
{{- printf "%s/?authSource=admin&replicaSet=%s" (join "," $members) $m.replicaSetName -}}
{{- else -}}
{{- printf "%s:27017/?authSource=admin" $service -}}
{{- end -}}
{{- end }}

{{/* Replicas of every JetStream stream: config.natsStreamReplicas, else as many as the in-chart NATS has nodes. */}}
{{- define "playbook.natsStreamReplicas" -}}
{{- $replicas := int (.Values.config.natsStreamReplicas | default (ternary .Values.nats.replicas 1 .Values.nats.enabled)) -}}
{{- if and .Values.nats.enabled (gt $replicas (int .Values.nats.replicas)) -}}
{{- fail (printf "config.natsStreamReplicas (%d) cannot exceed nats.replicas (%d): a stream keeps each replica on another node" $replicas (int .Values.nats.replicas)) -}}
{{- end -}}
{{- $replicas -}}
{{- end }}
