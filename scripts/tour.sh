#!/usr/bin/env bash
# `make tour`: the README's five-minute tour, offline. Starts a Vault dev server (token `tour`), the
# test suite's Twilio stand-in (support/TourStandIn) and the service pointed at the stand-in through
# TWILIO_UPSTREAM_OVERRIDE, all on 127.0.0.1; Ctrl-C stops all three. `make run` is the same service
# pointed at the real Twilio.
set -euo pipefail
cached_bin="$1"
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

VAULT_DEV_PORT="${VAULT_DEV_PORT:-8200}"
TOUR_VAULT_TOKEN="${TOUR_VAULT_TOKEN:-tour}"
work="target/tour"
pids=()

stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT INT TERM

scripts/ensure-vault.sh --binary "$cached_bin" >&2
vault_cli=""
for candidate in vault bao "$cached_bin"; do
  if command -v "$candidate" >/dev/null 2>&1; then vault_cli="$(command -v "$candidate")"; break; fi
done

# The service jar and the test classes (the stand-in lives there); rebuilt when a source changed.
jar="$(ls target/twilio-vault-sidecar-*.jar 2>/dev/null | grep -v '\.original$' | head -n1 || true)"
if [[ -z "$jar" || ! -d target/test-classes || -n "$(find src pom.xml -newer "$jar" -print -quit)" ]]; then
  echo "tour: building the service (mvn -DskipTests package)"
  mvn -B -ntp -q -DskipTests package
  jar="$(ls target/twilio-vault-sidecar-*.jar | grep -v '\.original$' | head -n1)"
fi
rm -rf "$work" && mkdir -p "$work"
# The stand-in's class path: the test classes, the main classes and the jar's own libraries.
java -Djarmode=tools -jar "$jar" extract --destination "$work/app" >/dev/null

export VAULT_ADDR="http://127.0.0.1:$VAULT_DEV_PORT"
export VAULT_TOKEN="$TOUR_VAULT_TOKEN"
echo "tour: starting Vault (dev server, in memory) on $VAULT_ADDR with root token '$VAULT_TOKEN' (log: $work/vault.log)"
HOME="$here/$work" "$vault_cli" server -dev -dev-listen-address="127.0.0.1:$VAULT_DEV_PORT" \
  -dev-root-token-id="$VAULT_TOKEN" -dev-no-store-token > "$work/vault.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  if curl -fsS "$VAULT_ADDR/v1/sys/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null; then echo "tour: Vault exited; see $work/vault.log" >&2; exit 1; fi
  sleep 0.1
done
"$vault_cli" secrets enable -path=twilio kv-v2 >/dev/null
echo "tour: enabled the KV v2 mount 'twilio' (nothing stored yet)"

java -cp "target/test-classes:target/classes:$work/app/lib/*" \
  io.github.twiliovaultsidecar.support.TourStandIn "$work/twilio.url" &
pids+=($!)
for _ in $(seq 1 100); do [[ -s "$work/twilio.url" ]] && break; sleep 0.1; done
[[ -s "$work/twilio.url" ]] || { echo "tour: the Twilio stand-in did not start" >&2; exit 1; }
export TWILIO_UPSTREAM_OVERRIDE="$(cat "$work/twilio.url")"

echo "tour: starting the service on http://127.0.0.1:8080, every Twilio call going to the stand-in (log: $work/service.log)"
java ${JAVA_OPTS:-} -jar "$jar" > "$work/service.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  if curl -fsS http://127.0.0.1:8080/actuator/health/readiness >/dev/null 2>&1; then break; fi
  if ! kill -0 "${pids[2]}" 2>/dev/null; then echo "tour: the service exited; see $work/service.log" >&2; exit 1; fi
  sleep 0.1
done
echo "tour: ready. Follow the README's tour in another terminal; Ctrl-C stops Vault, the stand-in and the service."
wait "${pids[2]}"
