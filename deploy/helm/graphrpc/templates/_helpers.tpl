{{/* Names, labels and derived numbers shared by every template. */}}

{{/* The chart name, or nameOverride. */}}
{{- define "graphrpc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The resource name prefix: DNS labels are limited to 63 characters. */}}
{{- define "graphrpc.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "graphrpc.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The headless Service's name; the suffix must fit in 63 characters too. */}}
{{- define "graphrpc.headlessName" -}}
{{- printf "%s-headless" (include "graphrpc.fullname" . | trunc 54 | trimSuffix "-") -}}
{{- end -}}

{{/* The labels selectors use; they must never change between releases. */}}
{{- define "graphrpc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "graphrpc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The standard labels on every resource, but the component. */}}
{{- define "graphrpc.commonLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "graphrpc.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/part-of: graphrpc
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The standard labels on every resource. */}}
{{- define "graphrpc.labels" -}}
{{ include "graphrpc.commonLabels" . }}
app.kubernetes.io/component: server
{{- end -}}

{{/*
The admin Service's labels, and the ServiceMonitor's selector: the component tells it apart
from the gRPC Services, which select the same pods.
*/}}
{{- define "graphrpc.adminSelectorLabels" -}}
{{ include "graphrpc.selectorLabels" . }}
app.kubernetes.io/component: admin
{{- end -}}

{{- define "graphrpc.adminLabels" -}}
{{ include "graphrpc.commonLabels" . }}
app.kubernetes.io/component: admin
{{- end -}}

{{/* The admin Service's name; the suffix must fit in 63 characters too. */}}
{{- define "graphrpc.adminName" -}}
{{- printf "%s-admin" (include "graphrpc.fullname" . | trunc 57 | trimSuffix "-") -}}
{{- end -}}

{{/* The OpenTelemetry service name: otel.serviceName, or the release's full name. */}}
{{- define "graphrpc.otelServiceName" -}}
{{- default (include "graphrpc.fullname" .) .Values.otel.serviceName -}}
{{- end -}}

{{- define "graphrpc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "graphrpc.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the Neo4j password: the user's, or the one the chart creates. */}}
{{- define "graphrpc.passwordSecretName" -}}
{{- if .Values.neo4j.existingSecret -}}
{{- .Values.neo4j.existingSecret -}}
{{- else -}}
{{- printf "%s-neo4j" (include "graphrpc.fullname" . | trunc 57 | trimSuffix "-") -}}
{{- end -}}
{{- end -}}

{{- define "graphrpc.passwordSecretKey" -}}
{{- if .Values.neo4j.existingSecret -}}
{{- .Values.neo4j.existingSecretKey -}}
{{- else -}}
password
{{- end -}}
{{- end -}}

{{/*
The kubelet counts the preStop pause against the grace period, so it must cover the pause,
graphrpc's drain (GRAPHRPC_SHUTDOWN_GRACE) and the time to close the pool and exit.
*/}}
{{- define "graphrpc.terminationGracePeriodSeconds" -}}
{{- $s := .Values.shutdown -}}
{{- add $s.preStopSleepSeconds $s.graceSeconds $s.marginSeconds -}}
{{- end -}}

{{/* A duration of the schema's form (e.g. 500ms, 30s, 5m, 1h) in milliseconds. */}}
{{- define "graphrpc.durationMs" -}}
{{- $number := regexFind "^[0-9]+" . | int64 -}}
{{- $unit := trimPrefix (regexFind "^[0-9]+" .) . -}}
{{- $factor := get (dict "ms" 1 "s" 1000 "m" 60000 "h" 3600000) $unit | int64 -}}
{{- mul $number $factor -}}
{{- end -}}
