{{/* Chart name, at most 63 characters. */}}
{{- define "modelrollout.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every object name: fullnameOverride, or the release name when it already contains the
chart name, else <release>-<chart>. At most 63 characters (DNS label).
*/}}
{{- define "modelrollout.fullname" -}}
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

{{- define "modelrollout.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object of the chart carries. */}}
{{- define "modelrollout.labels" -}}
helm.sh/chart: {{ include "modelrollout.chart" . }}
{{ include "modelrollout.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: modelrollout
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the operator pods; never change them (Deployment selectors are immutable). */}}
{{- define "modelrollout.selectorLabels" -}}
app.kubernetes.io/name: {{ include "modelrollout.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "modelrollout.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "modelrollout.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name: required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "modelrollout.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "modelrollout.leaseName" -}}
{{- default (printf "%s-leader" (include "modelrollout.fullname" .)) .Values.leaderElection.leaseName }}
{{- end }}

{{/*
Namespaces the operator watches, de-duplicated; fails with a message naming the field when the
namespaced scope is chosen without any.
*/}}
{{- define "modelrollout.watchNamespaces" -}}
{{- if and (eq .Values.rbac.scope "namespaced") (empty .Values.watchNamespaces) }}
{{- fail "watchNamespaces: list at least one namespace when rbac.scope is namespaced (the operator gets a Role in each)" }}
{{- end }}
{{- /* The operator's --namespace takes a single namespace; remove this once it accepts a list. */}}
{{- if gt (len (.Values.watchNamespaces | uniq)) 1 }}
{{- fail "watchNamespaces: the operator watches one namespace or all of them; list at most one (install a release per namespace to watch several)" }}
{{- end }}
{{- .Values.watchNamespaces | uniq | join "," }}
{{- end }}

{{/*
What the operator does to ModelDeployments and the objects it manages, in a watched namespace.
Shared by the ClusterRole (cluster scope) and the per-namespace Roles (namespaced scope).
It creates a Role per router that reads one ConfigMap, so it holds those ConfigMap verbs itself
(RBAC refuses to grant what the granter does not have).
*/}}
{{- define "modelrollout.workloadRules" -}}
- apiGroups: [modelrollout.io]
  resources: [modeldeployments]
  verbs: [get, list, watch, update, patch]
- apiGroups: [modelrollout.io]
  resources: [modeldeployments/status]
  verbs: [update, patch]
- apiGroups: [modelrollout.io]
  resources: [modeldeployments/finalizers]
  verbs: [update]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [""]
  resources: [services, configmaps, serviceaccounts]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [roles, rolebindings]
  verbs: [get, list, watch, create, update, patch, delete]
{{- if .Values.gatewayApi.enabled }}
- apiGroups: [gateway.networking.k8s.io]
  resources: [httproutes]
  verbs: [get, list, watch, create, update, patch, delete]
{{- end }}
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
{{- end }}

{{/* Combinations of values the schema cannot explain well; each message names the field and why. */}}
{{- define "modelrollout.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail "leaderElection.enabled: must be true when replicaCount is more than 1 (replicas would reconcile the same objects concurrently)" }}
{{- end }}
{{- if eq (int .Values.metrics.port) (int .Values.health.port) }}
{{- fail "health.port: must differ from metrics.port (the chart declares them as two container ports)" }}
{{- end }}
{{- end }}
