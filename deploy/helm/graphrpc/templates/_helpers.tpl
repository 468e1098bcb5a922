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
app.kubernetes.io/version: {{ include "graphrpc.versionLabel" . | quote }}
app.kubernetes.io/part-of: graphrpc
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/*
The version label: the image tag (or appVersion) made a valid label value, which allows
letters, digits and - _ . only, at most 63 characters, starting and ending alphanumeric.
*/}}
{{- define "graphrpc.versionLabel" -}}
{{- $version := .Values.image.tag | default .Chart.AppVersion | toString -}}
{{- $version = regexReplaceAll "[^-A-Za-z0-9_.]" $version "_" | trunc 63 -}}
{{- regexReplaceAll "^[^A-Za-z0-9]+|[^A-Za-z0-9]+$" $version "" -}}
{{- end -}}

{{/*
The image reference: repository:tag, or repository:tag@digest when image.digest is set (the
runtime pulls by the digest; the tag stays for the reader).
*/}}
{{- define "graphrpc.image" -}}
{{- $ref := printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- with .Values.image.digest -}}
{{- $ref = printf "%s@%s" $ref . -}}
{{- end -}}
{{- $ref -}}
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
The files graphrpc reads, each in a directory of its own: whole volumes, never subPath, so an
updated Secret or ConfigMap reaches the running pod (the kubelet swaps the directory's ..data
symlink) and graphrpc's reload sees it.
*/}}
{{- define "graphrpc.tlsDir" -}}/etc/graphrpc/tls{{- end -}}
{{- define "graphrpc.clientCADir" -}}/etc/graphrpc/client-ca{{- end -}}
{{- define "graphrpc.neo4jCADir" -}}/etc/graphrpc/neo4j-ca{{- end -}}
{{- define "graphrpc.catalogDir" -}}/etc/graphrpc/catalog{{- end -}}
{{- define "graphrpc.accessDir" -}}/etc/graphrpc/access{{- end -}}

{{/* "true" when the chart mounts a catalog (its own ConfigMap or the user's), else "". */}}
{{- define "graphrpc.catalogEnabled" -}}
{{- if or .Values.catalog.existingConfigMap .Values.catalog.queries -}}true{{- end -}}
{{- end -}}

{{/* The catalog's ConfigMap: the user's, or the one the chart creates. */}}
{{- define "graphrpc.catalogName" -}}
{{- if .Values.catalog.existingConfigMap -}}
{{- .Values.catalog.existingConfigMap -}}
{{- else -}}
{{- printf "%s-catalog" (include "graphrpc.fullname" . | trunc 55 | trimSuffix "-") -}}
{{- end -}}
{{- end -}}

{{/* "true" when the chart renders the access file into a Secret of its own. */}}
{{- define "graphrpc.accessRendered" -}}
{{- if and (not .Values.access.existingSecret) (or .Values.access.tokens .Values.access.certificates) -}}true{{- end -}}
{{- end -}}

{{/* "true" when graphrpc gets an access file; without one it runs open. */}}
{{- define "graphrpc.accessEnabled" -}}
{{- if or .Values.access.existingSecret (include "graphrpc.accessRendered" .) -}}true{{- end -}}
{{- end -}}

{{/* The access file's Secret: the user's, or the one the chart creates. */}}
{{- define "graphrpc.accessName" -}}
{{- if .Values.access.existingSecret -}}
{{- .Values.access.existingSecret -}}
{{- else -}}
{{- printf "%s-access" (include "graphrpc.fullname" . | trunc 56 | trimSuffix "-") -}}
{{- end -}}
{{- end -}}

{{/*
Checks over HTTP on the admin port when asked, and always with TLS on the listener: the
kubelet's native gRPC probe cannot do TLS. "true" or "".
*/}}
{{- define "graphrpc.httpProbes" -}}
{{- if or .Values.tls.enabled (eq .Values.probes.mode "http") -}}true{{- end -}}
{{- end -}}

{{/* "Does this pod reach the database?": gRPC health of GraphQuery, or /readyz. */}}
{{- define "graphrpc.databaseCheck" -}}
{{- if include "graphrpc.httpProbes" . -}}
httpGet:
  path: /readyz
  port: admin
  scheme: HTTP
{{- else -}}
grpc:
  port: {{ .Values.containerPort }}
  service: graphrpc.v1.GraphQueryService
{{- end -}}
{{- end -}}

{{/*
"Is graphrpc serving?", whatever the database does: gRPC health's "liveness" service through
the gRPC port (which a drain closes), or /livez.
*/}}
{{- define "graphrpc.servingCheck" -}}
{{- if include "graphrpc.httpProbes" . -}}
httpGet:
  path: /livez
  port: admin
  scheme: HTTP
{{- else -}}
grpc:
  port: {{ .Values.containerPort }}
  service: liveness
{{- end -}}
{{- end -}}

{{/* The Service port's appProtocol: a mesh must not take a TLS stream for cleartext gRPC. */}}
{{- define "graphrpc.appProtocol" -}}
{{- if .Values.service.appProtocol -}}
{{- .Values.service.appProtocol -}}
{{- else if .Values.tls.enabled -}}
https
{{- else -}}
grpc
{{- end -}}
{{- end -}}

{{/* Environment variables the chart sets itself; extraEnv may not set them again. */}}
{{- define "graphrpc.ownedEnv" -}}
{{- $names := list "NEO4J_PASSWORD" "NEO4J_PASSWORD_FILE" "GRAPHRPC_TLS_CERT_FILE" "GRAPHRPC_TLS_KEY_FILE" "GRAPHRPC_TLS_CLIENT_CA_FILE" "NEO4J_TLS_CA_FILE" "GRAPHRPC_CATALOG_FILE" "GRAPHRPC_ACCESS_FILE" -}}
{{- $config := include (print .Template.BasePath "/configmap.yaml") . | fromYaml -}}
{{- range $name, $_ := $config.data -}}
{{- $names = append $names $name -}}
{{- end -}}
{{- join "," $names -}}
{{- end -}}

{{/* Deployment-level values that cannot work together, refused before anything is applied. */}}
{{- define "graphrpc.checkDeploymentValues" -}}
{{- with .Values.autoscaling -}}
{{- if and .enabled (gt (int64 .minReplicas) (int64 .maxReplicas)) -}}
{{- fail (printf "autoscaling.minReplicas (%d) exceeds autoscaling.maxReplicas (%d): the autoscaler could never satisfy both" (int64 .minReplicas) (int64 .maxReplicas)) -}}
{{- end -}}
{{- end -}}
{{- if and (ne .Values.service.type "ClusterIP") (not .Values.tls.enabled) (not .Values.service.allowPlaintextExposure) -}}
{{- fail (printf "service.type %s exposes graphrpc outside the cluster, but tls.enabled is false: tokens and Cypher would travel in clear. Turn on tls.enabled, or set service.allowPlaintextExposure=true if something in front terminates TLS" .Values.service.type) -}}
{{- end -}}
{{- $owned := splitList "," (include "graphrpc.ownedEnv" .) -}}
{{- range .Values.extraEnv -}}
{{- if eq .name "NEO4J_PASSWORD" -}}
{{- fail "extraEnv may not set NEO4J_PASSWORD: the password reaches graphrpc as a file only (neo4j.password or neo4j.existingSecret)" -}}
{{- end -}}
{{- if has .name $owned -}}
{{- fail (printf "extraEnv sets %s, which the chart already sets from its values: set that value instead" .name) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Values that cannot work together, refused before anything is applied. The schema checks each
value alone; graphrpc would refuse most of these at start-up, in a crash-looping pod.
*/}}
{{- define "graphrpc.checkSecurityValues" -}}
{{- if and .Values.tls.enabled (not .Values.tls.existingSecret) -}}
{{- fail "tls.enabled needs tls.existingSecret: a kubernetes.io/tls Secret with tls.crt and tls.key" -}}
{{- end -}}
{{- with .Values.tls.clientAuth -}}
{{- if .enabled -}}
{{- if not $.Values.tls.enabled -}}
{{- fail "tls.clientAuth.enabled needs tls.enabled: client certificates are checked in the TLS handshake" -}}
{{- end -}}
{{- if eq (not .existingSecret) (not .configMap) -}}
{{- fail "tls.clientAuth.enabled needs exactly one of tls.clientAuth.existingSecret and tls.clientAuth.configMap (the client CA, under ca.crt)" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and .Values.neo4j.tls.caSecret .Values.neo4j.tls.caConfigMap -}}
{{- fail "set neo4j.tls.caSecret or neo4j.tls.caConfigMap, not both" -}}
{{- end -}}
{{- if and .Values.catalog.queries .Values.catalog.existingConfigMap -}}
{{- fail "set catalog.queries or catalog.existingConfigMap, not both" -}}
{{- end -}}
{{- if and .Values.access.existingSecret (or .Values.access.tokens .Values.access.certificates) -}}
{{- fail "access.existingSecret holds the whole access file: leave access.tokens and access.certificates empty" -}}
{{- end -}}
{{- $hashes := list -}}
{{- range .Values.access.tokens -}}
{{- if has .sha256 $hashes -}}
{{- fail (printf "access.tokens lists sha256 %s twice: one token, one principal" .sha256) -}}
{{- end -}}
{{- $hashes = append $hashes .sha256 -}}
{{- end -}}
{{- if and .Values.access.certificates (not .Values.tls.clientAuth.enabled) -}}
{{- fail "access.certificates needs tls.clientAuth.enabled: without mutual TLS no client presents a certificate" -}}
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
