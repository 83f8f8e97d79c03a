{{- define "flotilla.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "flotilla.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "flotilla.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "flotilla.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "flotilla.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flotilla.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "flotilla.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "flotilla.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: controller
{{- end -}}

{{- define "flotilla.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "flotilla.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "flotilla.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Where the member kubeconfig Secret number i is mounted. */}}
{{- define "flotilla.kubeconfigPath" -}}
{{- printf "/etc/flotilla/kubeconfigs/%d/%s" .index .secret.key -}}
{{- end -}}

{{/*
Rules that span several values, which values.schema.json cannot express. They fail the install with a message
naming the values to change.
*/}}
{{- define "flotilla.validate" -}}
{{- $v := .Values -}}
{{- if and (gt (int $v.replicaCount) 1) (not $v.leaderElection.enabled) (le (int $v.sharding.shards) 1) -}}
{{- fail (printf "replicaCount is %d but neither leaderElection.enabled nor sharding.shards > 1 is set: several controllers would write to the same clusters and branch at once" (int $v.replicaCount)) -}}
{{- end -}}
{{- if lt (int $v.replicaCount) (int $v.sharding.shards) -}}
{{- fail (printf "sharding.shards is %d but replicaCount is %d: every shard needs a replica to own it (set replicaCount >= sharding.shards)" (int $v.sharding.shards) (int $v.replicaCount)) -}}
{{- end -}}
{{- end -}}
