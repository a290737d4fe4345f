#!/usr/bin/env bash
# `make run`: the service against a local Vault dev server, with one demo account seeded.
# Uses VAULT_ADDR + VAULT_TOKEN when both are set; otherwise starts `vault server -dev` on
# 127.0.0.1 (in memory, stopped when the service stops).
set -euo pipefail
cached_bin="$1"
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

DEMO_ACCOUNT="${DEMO_ACCOUNT:-AC00000000000000000000000000000001}"
DEMO_REGION="${DEMO_REGION:-ie1}"
DEMO_EDGE="${DEMO_EDGE:-dublin}"
VAULT_DEV_PORT="${VAULT_DEV_PORT:-8200}"
vault_pid=""

stop_vault() {
  if [[ -n "$vault_pid" ]]; then kill "$vault_pid" 2>/dev/null || true; wait "$vault_pid" 2>/dev/null || true; fi
}
trap stop_vault EXIT

if [[ -n "${VAULT_ADDR:-}" && -n "${VAULT_TOKEN:-}" ]]; then
  echo "run: using the Vault at $VAULT_ADDR"
  vault_cli=""
  for candidate in vault bao "$cached_bin"; do
    if command -v "$candidate" >/dev/null 2>&1; then vault_cli="$(command -v "$candidate")"; break; fi
  done
else
  scripts/ensure-vault.sh --binary "$cached_bin" >&2
  vault_cli=""
  for candidate in vault bao "$cached_bin"; do
    if command -v "$candidate" >/dev/null 2>&1; then vault_cli="$(command -v "$candidate")"; break; fi
  done
  export VAULT_ADDR="http://127.0.0.1:$VAULT_DEV_PORT"
  export VAULT_TOKEN="dev-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  mkdir -p target/run
  echo "run: starting $vault_cli server -dev on $VAULT_ADDR (log: target/run/vault.log)"
  HOME="$here/target/run" "$vault_cli" server -dev -dev-listen-address="127.0.0.1:$VAULT_DEV_PORT" \
    -dev-root-token-id="$VAULT_TOKEN" -dev-no-store-token > target/run/vault.log 2>&1 &
  vault_pid=$!
  for _ in $(seq 1 100); do
    if curl -fsS "$VAULT_ADDR/v1/sys/health" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$vault_pid" 2>/dev/null; then echo "run: Vault exited; see target/run/vault.log" >&2; exit 1; fi
    sleep 0.1
  done
fi

if [[ -n "$vault_cli" ]]; then
  "$vault_cli" secrets list -format=json | grep -q '"twilio/"' || "$vault_cli" secrets enable -path=twilio kv-v2 >/dev/null
  demo_token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  if ! "$vault_cli" kv get -mount=twilio "$DEMO_ACCOUNT/$DEMO_REGION" >/dev/null 2>&1; then
    "$vault_cli" kv put -mount=twilio "$DEMO_ACCOUNT/$DEMO_REGION" auth_token="$demo_token" edge="$DEMO_EDGE" >/dev/null
    echo "run: seeded a demo credential at twilio/$DEMO_ACCOUNT/$DEMO_REGION (a random token, not a real one)"
  fi
fi

jar="$(ls target/twilio-vault-sidecar-*.jar 2>/dev/null | head -n1 || true)"
if [[ -z "$jar" || -n "$(find src pom.xml -newer "$jar" -print -quit)" ]]; then
  mvn -B -ntp -q -DskipTests package
  jar="$(ls target/twilio-vault-sidecar-*.jar | head -n1)"
fi
echo "run: starting the service on http://127.0.0.1:8080 (health: /actuator/health); Ctrl-C stops it and Vault"
java ${JAVA_OPTS:-} -jar "$jar" &
service_pid=$!
trap 'kill "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true; stop_vault' EXIT INT TERM
wait "$service_pid"
