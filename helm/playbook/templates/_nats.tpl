{{/*
Each service's NATS identity (contract/src/nats-identities.ts; the server's users are files/nats-authorization.conf,
rendered from it by `node scripts/nats-users.mjs --chart`): the user is the service's name, its password a Secret
of its own. Call with (dict "root" $ "name" "pdf-service"); empty when the service has none (an external NATS
without services.<name>.natsSecret.existingSecret: it connects as NATS_URL says).
*/}}
{{- define "playbook.natsPasswordRef" -}}
{{- $svc := include "playbook.service" (dict "root" .root "name" .name) | fromYaml -}}
{{- if $svc.natsSecret.existingSecret -}}
name: {{ $svc.natsSecret.existingSecret }}
key: {{ $svc.natsSecret.existingSecretKey }}
{{- else if .root.Values.nats.enabled -}}
name: {{ include "playbook.fullname" .root }}-{{ .name }}-nats
key: {{ $svc.natsSecret.existingSecretKey }}
{{- end -}}
{{- end }}

{{/* The NATS pods' variable holding a user's password (passwordVariableOf in kit/src/nats/server-authorization.ts). */}}
{{- define "playbook.natsPasswordVariable" -}}
NATS_PASSWORD_{{ . | upper | replace "-" "_" }}
{{- end }}
