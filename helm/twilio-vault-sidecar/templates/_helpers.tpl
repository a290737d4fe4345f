{{/*
Names and labels.
*/}}
{{- define "twilio-vault-sidecar.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "twilio-vault-sidecar.fullname" -}}
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

{{- define "twilio-vault-sidecar.selectorLabels" -}}
app.kubernetes.io/name: {{ include "twilio-vault-sidecar.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "twilio-vault-sidecar.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "twilio-vault-sidecar.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "twilio-vault-sidecar.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "twilio-vault-sidecar.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The port Vault listens on: networkPolicy.vault.port, else the port in vault.address, else the
scheme's default.
*/}}
{{- define "twilio-vault-sidecar.vaultPort" -}}
{{- if .Values.networkPolicy.vault.port }}
{{- .Values.networkPolicy.vault.port }}
{{- else }}
{{- $url := urlParse .Values.vault.address }}
{{- $port := regexFind ":[0-9]+$" $url.host | trimPrefix ":" }}
{{- if $port }}{{ $port }}{{ else if eq $url.scheme "http" }}80{{ else }}443{{ end }}
{{- end }}
{{- end }}

{{/*
Seconds in a duration of the form values.schema.json allows for verification.interval: "0", or a
whole number with s, m, h or d.
*/}}
{{- define "twilio-vault-sidecar.seconds" -}}
{{- $text := toString . -}}
{{- $number := regexFind "^[0-9]+" $text | int -}}
{{- $unit := regexFind "[a-z]+$" $text -}}
{{- if eq $text "0" }}0
{{- else if eq $unit "s" }}{{ $number }}
{{- else if eq $unit "m" }}{{ mul $number 60 }}
{{- else if eq $unit "h" }}{{ mul $number 3600 }}
{{- else if eq $unit "d" }}{{ mul $number 86400 }}
{{- else }}{{ fail (printf "twilio-vault-sidecar: %q is not a duration of s, m, h or d" $text) }}
{{- end }}
{{- end }}

{{/*
The label matchers every alerting rule selects the service's series with: the release's namespace
and prometheusRule.extraSelector.
*/}}
{{- define "twilio-vault-sidecar.ruleSelector" -}}
namespace="{{ .Release.Namespace }}"{{ with .Values.prometheusRule.extraSelector }},{{ . }}{{ end }}
{{- end }}

{{/*
The sidecar container, for this chart's own pods and for app charts that add the sidecar to theirs.

Context: a dict with
  Values  the sidecar's values (this chart's values; in an app chart that lists this chart as a
          dependency: `index .Values "twilio-vault-sidecar"`)
  Chart   optional; the image tag defaults to its AppVersion, else to Values.image.tag
  mode    "local" (default: listen on 127.0.0.1, only the pod reaches it) or "shared" (0.0.0.0)

  containers:
    - name: app
      …
    {{- include "twilio-vault-sidecar.container" (dict "Values" (index .Values "twilio-vault-sidecar")) | nindent 4 }}
  volumes:
    {{- include "twilio-vault-sidecar.volumes" (dict "Values" (index .Values "twilio-vault-sidecar")) | nindent 4 }}

The pod must mount its service account token (the default) for Kubernetes auth, and the app then
calls Twilio through http://127.0.0.1:<port>/<twilio-host>/… (also in TWILIO_SIDECAR_URL of
the env that "twilio-vault-sidecar.appEnv" gives).
*/}}
{{- define "twilio-vault-sidecar.container" -}}
{{- $v := .Values -}}
{{- $mode := default "local" .mode -}}
{{- $tag := $v.image.tag -}}
{{- if and (not $tag) .Chart }}{{ $tag = .Chart.AppVersion }}{{ end -}}
{{- if not $tag }}{{ fail "twilio-vault-sidecar: set image.tag" }}{{ end -}}
- name: twilio-vault-sidecar
  image: {{ printf "%s:%s" $v.image.repository $tag | quote }}
  imagePullPolicy: {{ $v.image.pullPolicy }}
  ports:
    - name: sidecar-http
      containerPort: {{ $v.port }}
      protocol: TCP
  env:
    - name: SERVER_ADDRESS
      value: {{ if eq $mode "shared" }}"0.0.0.0"{{ else }}"127.0.0.1"{{ end }}
    - name: SERVER_PORT
      value: {{ $v.port | quote }}
    - name: SIDECAR_MODE
      value: {{ $mode | quote }}
    - name: VAULT_ADDR
      value: {{ $v.vault.address | quote }}
    - name: SIDECAR_VAULT_MOUNT
      value: {{ $v.vault.mount | quote }}
    - name: SIDECAR_VAULT_PREFIX
      value: {{ $v.vault.prefix | quote }}
    {{- $auth := $v.vault.auth }}
    {{- if has $auth.method (list "kubernetes" "jwt") }}
    {{- $login := index $auth $auth.method }}
    {{- /* Spring Cloud Vault's Kubernetes login (POST auth/<path>/login with role and jwt) is also
         the login of Vault's JWT auth method. */}}
    - name: SPRING_CLOUD_VAULT_AUTHENTICATION
      value: KUBERNETES
    - name: SPRING_CLOUD_VAULT_KUBERNETES_ROLE
      value: {{ required (printf "vault.auth.%s.role is required for %s auth" $auth.method $auth.method) $login.role | quote }}
    - name: SPRING_CLOUD_VAULT_KUBERNETES_KUBERNETES_PATH
      value: {{ $login.path | quote }}
    - name: SPRING_CLOUD_VAULT_KUBERNETES_SERVICE_ACCOUNT_TOKEN_FILE
      value: {{ include "twilio-vault-sidecar.vaultTokenFile" . | quote }}
    {{- else if eq $auth.method "approle" }}
    - name: SPRING_CLOUD_VAULT_AUTHENTICATION
      value: APPROLE
    - name: SPRING_CLOUD_VAULT_APP_ROLE_ROLE_ID
      valueFrom:
        secretKeyRef:
          name: {{ required "vault.auth.approle.existingSecret is required for AppRole auth" $auth.approle.existingSecret | quote }}
          key: {{ $auth.approle.roleIdKey | quote }}
    - name: SPRING_CLOUD_VAULT_APP_ROLE_SECRET_ID
      valueFrom:
        secretKeyRef:
          name: {{ $auth.approle.existingSecret | quote }}
          key: {{ $auth.approle.secretIdKey | quote }}
    {{- else if eq $auth.method "token" }}
    - name: SPRING_CLOUD_VAULT_AUTHENTICATION
      value: TOKEN
    - name: VAULT_TOKEN
      valueFrom:
        secretKeyRef:
          name: {{ required "vault.auth.token.existingSecret is required for token auth" $auth.token.existingSecret | quote }}
          key: {{ $auth.token.key | quote }}
    {{- end }}
    {{- if eq $mode "shared" }}
    {{- with $v.security }}
    {{- if .jwt.jwkSetUri }}
    - name: SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI
      value: {{ .jwt.jwkSetUri | quote }}
    {{- end }}
    {{- if .jwt.issuerUri }}
    - name: SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI
      value: {{ .jwt.issuerUri | quote }}
    {{- end }}
    - name: SIDECAR_SECURITY_AUDIENCE
      value: {{ .audience | quote }}
    {{- end }}
    {{- end }}
    {{- with $v.verification }}
    - name: SIDECAR_VERIFICATION_INTERVAL
      value: {{ .interval | quote }}
    - name: SIDECAR_VERIFICATION_CONCURRENCY
      value: {{ .concurrency | quote }}
    - name: SIDECAR_VERIFICATION_RATE_PER_REGION
      value: {{ .ratePerRegion | quote }}
    {{- end }}
    {{- with $v.jvm.options }}
    - name: JAVA_TOOL_OPTIONS
      value: {{ . | quote }}
    {{- end }}
    {{- with $v.extraEnv }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  startupProbe:
    httpGet:
      path: /actuator/health/liveness
      port: sidecar-http
    periodSeconds: {{ $v.probes.startup.periodSeconds }}
    failureThreshold: {{ $v.probes.startup.failureThreshold }}
  livenessProbe:
    httpGet:
      path: /actuator/health/liveness
      port: sidecar-http
    periodSeconds: {{ $v.probes.liveness.periodSeconds }}
    timeoutSeconds: {{ $v.probes.liveness.timeoutSeconds }}
    failureThreshold: {{ $v.probes.liveness.failureThreshold }}
  readinessProbe:
    httpGet:
      path: /actuator/health/readiness
      port: sidecar-http
    periodSeconds: {{ $v.probes.readiness.periodSeconds }}
    timeoutSeconds: {{ $v.probes.readiness.timeoutSeconds }}
    failureThreshold: {{ $v.probes.readiness.failureThreshold }}
  resources:
    {{- toYaml $v.resources | nindent 4 }}
  securityContext:
    {{- toYaml $v.securityContext | nindent 4 }}
  volumeMounts:
    - name: twilio-vault-sidecar-tmp
      mountPath: /tmp
    {{- if has $v.vault.auth.method (list "kubernetes" "jwt") }}
    - name: twilio-vault-sidecar-vault-token
      mountPath: {{ include "twilio-vault-sidecar.vaultTokenDir" . }}
      readOnly: true
    {{- end }}
{{- end }}

{{/*
Where the sidecar reads the service account token it logs in to Vault with (Kubernetes or JWT auth):
a projected token for the Vault audience only, so the token Vault sees is not one the Kubernetes API
accepts, and the pod's own API token is never sent to Vault.
*/}}
{{- define "twilio-vault-sidecar.vaultTokenDir" -}}
/var/run/secrets/vault
{{- end }}

{{- define "twilio-vault-sidecar.vaultTokenFile" -}}
{{ include "twilio-vault-sidecar.vaultTokenDir" . }}/token
{{- end }}

{{/*
The volumes the sidecar container needs (a writable /tmp on a read-only root file system). Same
context as "twilio-vault-sidecar.container".
*/}}
{{- define "twilio-vault-sidecar.volumes" -}}
{{- $auth := .Values.vault.auth -}}
- name: twilio-vault-sidecar-tmp
  emptyDir:
    sizeLimit: 64Mi
{{- if has $auth.method (list "kubernetes" "jwt") }}
- name: twilio-vault-sidecar-vault-token
  projected:
    sources:
      - serviceAccountToken:
          audience: {{ required (printf "vault.auth.%s.audience is required for %s auth" $auth.method $auth.method) (index $auth $auth.method).audience | quote }}
          expirationSeconds: {{ $auth.tokenExpirationSeconds | default 3600 }}
          path: token
{{- end }}
{{- end }}

{{/*
Environment for the app container next to the sidecar: where to send Twilio calls. Same context as
"twilio-vault-sidecar.container".
*/}}
{{- define "twilio-vault-sidecar.appEnv" -}}
- name: TWILIO_SIDECAR_URL
  value: {{ printf "http://127.0.0.1:%v" .Values.port | quote }}
{{- end }}

{{/*
Vault Agent Injector annotations for a pod that reads its token as a file. The templates are copied
from values as plain strings, so Helm never evaluates the Vault Agent template syntax in them.
*/}}
{{- define "twilio-vault-sidecar.injectorAnnotations" -}}
{{- $inj := .Values.vaultAgentInjector -}}
{{- $annotations := dict "vault.hashicorp.com/agent-inject" "true" "vault.hashicorp.com/role" (required "vaultAgentInjector.role is required" $inj.role) -}}
{{- range $secret := $inj.secrets }}
{{- $_ := set $annotations (printf "vault.hashicorp.com/agent-inject-secret-%s" $secret.name) $secret.path }}
{{- if $secret.template }}
{{- $_ := set $annotations (printf "vault.hashicorp.com/agent-inject-template-%s" $secret.name) $secret.template }}
{{- /* A key the entry does not hold (an API-key entry read by an auth_token template) stops Vault
     Agent with an error instead of writing "<no value>" into the file. */}}
{{- $_ := set $annotations (printf "vault.hashicorp.com/error-on-missing-key-%s" $secret.name) "true" }}
{{- end }}
{{- end }}
{{- range $key, $value := $inj.extraAnnotations }}
{{- $_ := set $annotations $key (toString $value) }}
{{- end }}
{{- toYaml $annotations }}
{{- end }}
