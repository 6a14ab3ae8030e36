{{/* Names and labels. */}}
{{- define "crashloop-bot.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "crashloop-bot.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The bot's pods (every component): the selector Redis's NetworkPolicy admits. */}}
{{- define "crashloop-bot.botSelector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
crashloop.dev/role: bot
{{- end -}}

{{- define "crashloop-bot.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "crashloop-bot.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "crashloop-bot.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end -}}

{{- define "crashloop-bot.redisName" -}}
{{ include "crashloop-bot.fullname" . }}-redis
{{- end -}}

{{/* Effective capabilities: readOnly switches every non-read capability off. */}}
{{- define "crashloop-bot.debug" -}}
{{- if and .Values.actions.debug (not .Values.readOnly) }}true{{ end -}}
{{- end -}}
{{- define "crashloop-bot.write" -}}
{{- if and .Values.actions.write (not .Values.readOnly) }}true{{ end -}}
{{- end -}}
{{- define "crashloop-bot.impersonate" -}}
{{- if and .Values.identity.impersonate (not .Values.readOnly) }}true{{ end -}}
{{- end -}}

{{/* The namespaces debug/write are bound in: literal names, at least one, never a wildcard. */}}
{{- define "crashloop-bot.actionNamespaces" -}}
{{- if eq (len .Values.actions.namespaces) 0 -}}
{{- fail "actions.debug / actions.write need actions.namespaces: the namespaces (literal names) to grant them in. They are never granted cluster-wide." -}}
{{- end -}}
{{- range .Values.actions.namespaces -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" .) -}}
{{- fail (printf "actions.namespaces holds %q, which is not a namespace name (no globs: list each namespace)." .) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The web tier's clusters: clusters, else [clusterName]. */}}
{{- define "crashloop-bot.clusters" -}}
{{- if .Values.clusters -}}
{{- if not (has .Values.clusterName .Values.clusters) -}}
{{- fail (printf "clusterName %q must be listed in clusters." .Values.clusterName) -}}
{{- end -}}
{{- join "," .Values.clusters -}}
{{- else -}}
{{- .Values.clusterName -}}
{{- end -}}
{{- end -}}

{{/* REDIS_URL, with the password from the Secret by reference (Kubernetes expands $(REDIS_PASSWORD)). */}}
{{- define "crashloop-bot.redisEnv" -}}
{{- if eq .Values.redis.mode "bundled" }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required "redis.auth.existingSecret is required with the bundled Redis: create a Secret holding its password (see NOTES / docs/helm.md)" .Values.redis.auth.existingSecret }}
      key: {{ .Values.redis.auth.existingSecretKey }}
- name: REDIS_URL
  value: "redis://:$(REDIS_PASSWORD)@{{ include "crashloop-bot.redisName" . }}:6379"
{{- else if .Values.redis.external.existingSecret }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.external.existingSecret }}
      key: {{ .Values.redis.external.existingSecretKey }}
{{- else }}
{{- $url := required "redis.mode external needs redis.external.url or redis.external.existingSecret" .Values.redis.external.url }}
{{- if not (regexMatch "^rediss?://" $url) }}
{{- fail "redis.external.url must start with redis:// or rediss:// (Sentinel: redis.external.sentinel.hosts)" }}
{{- end }}
{{- if regexMatch "^[a-z+]+://[^/@]*:[^/@]*@" $url }}
{{- fail "redis.external.url holds a password: put the whole URL in a Secret and set redis.external.existingSecret instead" }}
{{- end }}
- name: REDIS_URL
  value: {{ $url | quote }}
{{- end }}
{{- if and (eq .Values.redis.mode "external") .Values.redis.external.sentinel.hosts }}
- name: REDIS_SENTINELS
  value: {{ join "," .Values.redis.external.sentinel.hosts | quote }}
- name: REDIS_SENTINEL_MASTER
  value: {{ .Values.redis.external.sentinel.master | quote }}
{{- with .Values.redis.external.sentinel.passwordKey }}
- name: REDIS_SENTINEL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required "redis.external.sentinel.passwordKey needs redis.external.existingSecret" $.Values.redis.external.existingSecret }}
      key: {{ . }}
{{- end }}
{{- end }}
{{- end -}}
