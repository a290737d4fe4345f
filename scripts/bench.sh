#!/usr/bin/env bash
# `make bench`: what the sidecar costs next to the proxy an operator could pick instead.
#
# On 127.0.0.1 only, it starts
#   - upstream: nginx returning a fixed ~1 KB Twilio Messages list page (stands in for Twilio),
#   - baseline: nginx (2 workers) as a reverse proxy adding a static Basic header,
#   - a Vault dev server with one seeded credential, and
#   - the sidecar jar (-Xmx128m) with TWILIO_UPSTREAM_OVERRIDE pointing at the upstream, and
#   - the floor: scripts/BareProxy.java, a proxy on Reactor Netty alone (no Spring, no Vault, no rules)
#     with the sidecar's JVM options, for what any proxy built like the sidecar costs on this machine,
#   - the Netty floor: scripts/NettyProxy.java, a proxy on Netty alone (no Reactor Netty either, one
#     upstream connection per caller connection), for what any proxy on the JVM costs on this machine,
# then measures, in one run:
#   1. maximum throughput (fixed connections) direct, through nginx, the sidecar and the two floors;
#   2. latency p50/p90/p99 at a fixed rate for all five, and what each proxy adds over direct;
#   3. the sidecar's CPU seconds per 1,000 requests and peak RSS during (2), and the floors' and
#      nginx's CPU seconds per 1,000 requests in the same rounds;
#   4. the sidecar's time from process start to readiness UP (median of three starts).
# Prints one table and writes target/bench/results.json. Every process it starts is stopped on exit.
#
# The throughput and latency phases are split into rounds in which direct, nginx, the sidecar and the floors take
# turns (a burst of load from elsewhere then falls on all of them); percentiles are over all rounds.
# Knobs (environment): BENCH_CONNECTIONS (64), BENCH_THROUGHPUT_SECONDS (20), BENCH_RATE (1000),
# BENCH_LATENCY_SECONDS (20), BENCH_ROUNDS (3), BENCH_WARMUP_SECONDS (30; the JIT needs it on a small machine),
# BENCH_COLD_SECONDS (5: the latency at the fixed rate right after readiness, before the warm-up, is reported apart),
# BENCH_SETTLE_SECONDS (20: the sidecar at the fixed rate after the full-load rounds, before the measured phase,
#   while C2 compiles the path again for it; its CPU is reported apart),
# BENCH_JAVA (a JDK 25 under /usr/lib/jvm as in the image, else java on PATH), BENCH_JVM_OPTS (replaces the recommended sidecar options below),
# BENCH_CDS=0 (run the plain fat jar instead of the extracted jar with a class-data-sharing archive),
# BENCH_JFR=1 (record a JFR profile of the sidecar into target/bench/sidecar.jfr),
# BENCH_SKIP_BUILD=1 (use the jar already in target/).
# The sidecar runs with the options sized for a sidecar container:
#   -Xmx128m -Xms32m -Xmn24m -XX:+UseSerialGC -Xss512k -XX:TrimNativeHeapInterval=2000
#   -Djdk.reflect.useNativeAccessorOnly=true, MALLOC_ARENA_MAX=2
# Start-up is measured twice: the plain `java -jar` and the way it is run for the load: the extracted
# jar with an AOT cache on JDK 25+ (as the image runs it), else with a class-data-sharing archive.
# Quick run: BENCH_THROUGHPUT_SECONDS=5 BENCH_LATENCY_SECONDS=5 BENCH_WARMUP_SECONDS=5 make bench
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

CONNECTIONS="${BENCH_CONNECTIONS:-64}"
THROUGHPUT_SECONDS="${BENCH_THROUGHPUT_SECONDS:-20}"
RATE="${BENCH_RATE:-1000}"
LATENCY_SECONDS="${BENCH_LATENCY_SECONDS:-20}"
ROUNDS="${BENCH_ROUNDS:-3}"
WARMUP_SECONDS="${BENCH_WARMUP_SECONDS:-30}"
COLD_SECONDS="${BENCH_COLD_SECONDS:-5}"
SETTLE_SECONDS="${BENCH_SETTLE_SECONDS:-20}"
at_least_one() { # name, value
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "$1 must be a whole number of at least 1, got '$2'" >&2; exit 2; }
}
at_least_one BENCH_ROUNDS "$ROUNDS"; at_least_one BENCH_COLD_SECONDS "$COLD_SECONDS"
at_least_one BENCH_SETTLE_SECONDS "$SETTLE_SECONDS"
# The image runs Java 25 with an AOT cache (Dockerfile); measure that when a JDK 25 is installed.
JAVA="${BENCH_JAVA:-$(ls -d /usr/lib/jvm/*-25*/bin/java 2>/dev/null | head -n1)}"
JAVA="${JAVA:-java}"
TOOL_CACHE="${SIDECAR_TOOL_CACHE:-$HOME/.cache/twilio-vault-sidecar}"
VAULT_VERSION="${VAULT_VERSION:-1.21.1}"
VAULT_BIN="$TOOL_CACHE/vault-$VAULT_VERSION/vault"
VEGETA_VERSION="v12.12.0"
VEGETA="$TOOL_CACHE/bin/vegeta-$VEGETA_VERSION"
OUT="$here/target/bench"
ACCOUNT="AC$(printf "%032x" 48879)"
HOST="api.dublin.ie1.twilio.com"
RESOURCE="/2010-04-01/Accounts/$ACCOUNT/Messages.json?PageSize=2"

log() { echo "bench: $*" >&2; }

# --- everything started here is stopped on exit ----------------------------------------------
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -------------------------------------------------------------------------------------
need_apt=()
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need_apt+=(nginx-light)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if ((${#need_apt[@]})); then
  log "installing ${need_apt[*]} with apt-get"
  sudo_cmd=""; [[ "$(id -u)" != 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
NGINX="$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)"
if [[ ! -x "$VEGETA" ]]; then
  command -v go >/dev/null 2>&1 || { log "the load generator needs a Go toolchain (go install); install Go"; exit 1; }
  log "installing the vegeta load generator $VEGETA_VERSION into $TOOL_CACHE/bin"
  mkdir -p "$TOOL_CACHE/bin"
  tmp_bin="$(mktemp -d)"
  GOBIN="$tmp_bin" go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION"
  mv "$tmp_bin/vegeta" "$VEGETA"; rmdir "$tmp_bin"
fi
scripts/ensure-vault.sh --binary "$VAULT_BIN" >&2
VAULT_CLI="$VAULT_BIN"; [[ -x "$VAULT_CLI" ]] || VAULT_CLI="$(command -v vault || command -v bao)"

if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  log "building the jar"
  mvn -B -ntp -q -DskipTests package
fi
JAR="$(ls target/twilio-vault-sidecar-*.jar | grep -v plain | head -n1)"

rm -rf "$OUT"; mkdir -p "$OUT"

# --- what redaction costs per answer, in-process (no load, no servers) ---------------------------
log "measuring the redaction of a 1.6 KB answer"
mvn -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/test-classpath.txt" >&2
"$JAVA" -cp "target/test-classes:target/classes:$(cat "$OUT/test-classpath.txt")" \
  io.github.twiliovaultsidecar.proxy.RedactionCost > "$OUT/redaction.json"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
UPSTREAM_PORT="$(free_port)"; NGINX_PORT="$(free_port)"; VAULT_PORT="$(free_port)"; SIDECAR_PORT="$(free_port)"
wait_http() { # url, seconds, pid
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    if ! kill -0 "$3" 2>/dev/null || ((SECONDS > deadline)); then log "$1 did not come up"; return 1; fi
    sleep 0.05
  done
}

# --- upstream stand-in and baseline proxy (two nginx instances) ------------------------------
python3 - "$OUT/messages.json" "$ACCOUNT" <<'PY'
import json, sys
account = sys.argv[2]
def message(i):
    return {"account_sid": account, "api_version": "2010-04-01", "body": "Hello from the benchmark %d" % i,
            "date_created": "Thu, 01 Jan 2026 00:00:00 +0000", "date_sent": "Thu, 01 Jan 2026 00:00:01 +0000",
            "date_updated": "Thu, 01 Jan 2026 00:00:01 +0000", "direction": "outbound-api", "error_code": None,
            "error_message": None, "from": "+15005550006", "num_media": "0", "num_segments": "1", "price": None,
            "price_unit": "USD", "sid": "SM%032x" % i, "status": "delivered", "to": "+15005550001",
            "uri": "/2010-04-01/Accounts/%s/Messages/SM%032x.json" % (account, i)}
page = {"first_page_uri": "/2010-04-01/Accounts/%s/Messages.json?PageSize=2&Page=0" % account, "end": 1,
        "previous_page_uri": None, "messages": [message(1), message(2)],
        "uri": "/2010-04-01/Accounts/%s/Messages.json?PageSize=2&Page=0" % account, "page_size": 2, "start": 0,
        "next_page_uri": None, "page": 0}
open(sys.argv[1], "w").write(json.dumps(page))
PY
BODY_BYTES="$(wc -c < "$OUT/messages.json")"
common_nginx='pid PIDFILE; daemon off; error_log ERRLOG warn;
events { worker_connections 4096; }'
nginx_conf() { # dir, workers, http block
  mkdir -p "$1/tmp"
  { [[ "$(id -u)" == 0 ]] && echo "user root;"
    echo "worker_processes $2;"
    echo "$common_nginx" | sed "s#PIDFILE#$1/nginx.pid#; s#ERRLOG#$1/error.log#"
    echo "http { access_log off; client_body_temp_path $1/tmp; proxy_temp_path $1/tmp;"
    echo "  fastcgi_temp_path $1/tmp; uwsgi_temp_path $1/tmp; scgi_temp_path $1/tmp; keepalive_requests 1000000;"
    echo "$3"; echo "}"; } > "$1/nginx.conf"
}
nginx_conf "$OUT/upstream" 1 "
  server { listen 127.0.0.1:$UPSTREAM_PORT;
    location / { default_type application/json; add_header Twilio-Request-Id RQ00000000000000000000000000000000;
                 root $OUT; try_files /messages.json =404; } }"
basic="$(printf '%s:%s' "$ACCOUNT" "0123456789abcdef0123456789abcdef" | base64 -w0)"
nginx_conf "$OUT/nginx-proxy" 2 "
  upstream twilio { server 127.0.0.1:$UPSTREAM_PORT; keepalive 128; }
  server { listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://twilio; proxy_http_version 1.1; proxy_set_header Connection \"\";
                 proxy_set_header Host $HOST; proxy_set_header Authorization \"Basic $basic\"; } }"
"$NGINX" -c "$OUT/upstream/nginx.conf" -p "$OUT/upstream" 2>"$OUT/upstream/stderr.log" & pids+=($!)
"$NGINX" -c "$OUT/nginx-proxy/nginx.conf" -p "$OUT/nginx-proxy" 2>"$OUT/nginx-proxy/stderr.log" & pids+=($!)
upstream_nginx_pid=${pids[-2]}; proxy_nginx_pid=${pids[-1]}
wait_http "http://127.0.0.1:$UPSTREAM_PORT$RESOURCE" 10 "$upstream_nginx_pid"
wait_http "http://127.0.0.1:$NGINX_PORT$RESOURCE" 10 "$proxy_nginx_pid"

# --- Vault dev server with one credential --------------------------------------------------------
export VAULT_ADDR="http://127.0.0.1:$VAULT_PORT"
export VAULT_TOKEN="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
mkdir -p "$OUT/vault-home"
HOME="$OUT/vault-home" "$VAULT_BIN" server -dev -dev-listen-address="127.0.0.1:$VAULT_PORT" \
  -dev-root-token-id="$VAULT_TOKEN" -dev-no-store-token > "$OUT/vault.log" 2>&1 & pids+=($!)
wait_http "$VAULT_ADDR/v1/sys/health" 20 "${pids[-1]}"
"$VAULT_CLI" secrets enable -path=twilio kv-v2 >/dev/null
"$VAULT_CLI" kv put -mount=twilio "$ACCOUNT/ie1" auth_token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" \
  edge=dublin >/dev/null

# --- the sidecar ------------------------------------------------------------------------------------
read -r -a jvm_opts <<< "${BENCH_JVM_OPTS:--Xmx128m -Xms32m -Xmn24m -XX:+UseSerialGC -Xss512k -XX:TrimNativeHeapInterval=2000 -Djdk.reflect.useNativeAccessorOnly=true}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
java_version="$("$JAVA" -version 2>&1 | head -n1)"
export TWILIO_UPSTREAM_OVERRIDE="http://127.0.0.1:$UPSTREAM_PORT"
start_sidecar() { # log file, java arguments... ; sets sidecar_pid and ready_ms
  local log=$1; shift
  local start_ns; start_ns="$(date +%s%N)"
  "$JAVA" "${jvm_opts[@]}" "$@" --server.port="$SIDECAR_PORT" > "$log" 2>&1 & pids+=($!)
  sidecar_pid=${pids[-1]}
  local deadline=$((SECONDS + 90))
  until [[ "$(curl -s "http://127.0.0.1:$SIDECAR_PORT/actuator/health/readiness" 2>/dev/null)" == *'"UP"'* ]]; do
    if ! kill -0 "$sidecar_pid" 2>/dev/null || ((SECONDS > deadline)); then log "sidecar not ready; see $log"; exit 1; fi
    sleep 0.01
  done
  ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
}
stop_sidecar() { kill "$sidecar_pid" 2>/dev/null || true; wait "$sidecar_pid" 2>/dev/null || true; }

log "start-up of the plain jar ($java_version)"
start_sidecar "$OUT/sidecar-plain.log" -jar "$JAR"
ready_plain_ms=$ready_ms; stop_sidecar
launch=(-jar "$JAR"); mode="java -jar (fat jar)"
if [[ "${BENCH_CDS:-1}" == 1 ]]; then
  log "extracting the jar and recording an AOT cache or class-data-sharing archive (training run)"
  "$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$OUT/app" >/dev/null
  app_jar="$OUT/app/$(basename "$JAR")"
  if "$JAVA" -XX:AOTCacheOutput="$OUT/probe.aot" -version >/dev/null 2>&1; then
    # JDK 25+: an ahead-of-time cache (classes loaded and linked, method profiles), as the image builds.
    rm -f "$OUT/probe.aot"
    # The same training run as the image: the service against a built-in stand-in, requests through the proxy.
    "$JAVA" "${jvm_opts[@]}" -XX:AOTCacheOutput="$OUT/app/sidecar.aot" -cp "$app_jar" \
      io.github.twiliovaultsidecar.aot.AotTraining > "$OUT/cds-training.log" 2>&1 && [[ -s "$OUT/app/sidecar.aot" ]] \
      || { log "AOT cache training failed (the JVM exits 0 even when it cannot write the cache); see $OUT/cds-training.log"; exit 1; }
    launch=(-XX:AOTCache="$OUT/app/sidecar.aot" -jar "$app_jar"); mode="extracted jar + AOT cache"
  else
    "$JAVA" "${jvm_opts[@]}" -XX:ArchiveClassesAtExit="$OUT/app/sidecar.jsa" -Dspring.context.exit=onRefresh \
      -jar "$app_jar" --server.port=0 > "$OUT/cds-training.log" 2>&1 || { log "CDS training failed; see $OUT/cds-training.log"; exit 1; }
    launch=(-XX:SharedArchiveFile="$OUT/app/sidecar.jsa" -jar "$app_jar"); mode="extracted jar + CDS archive"
  fi
fi
[[ "${BENCH_JFR:-}" == 1 ]] && launch=("-XX:FlightRecorderOptions=stackdepth=256" "-XX:StartFlightRecording=filename=$OUT/sidecar.jfr,settings=profile,dumponexit=true" "${launch[@]}")
# Start-up time moves by a second between runs on a shared machine: three starts, the median counts.
ready_runs=()
for start in 1 2 3; do
  log "starting the sidecar ($mode) on 127.0.0.1:$SIDECAR_PORT (start $start of 3)"
  start_sidecar "$OUT/sidecar.log" "${launch[@]}"
  ready_runs+=("$ready_ms")
  if ((start < 3)); then stop_sidecar; fi
done
ready_median_ms="$(printf '%s\n' "${ready_runs[@]}" | sort -n | sed -n 2p)"
log "sidecar ready after ${ready_runs[*]} ms (median ${ready_median_ms}; plain jar: ${ready_plain_ms} ms)"
status="$(curl -s -o "$OUT/first.json" -w '%{http_code}' "http://127.0.0.1:$SIDECAR_PORT/$HOST$RESOURCE")"
[[ "$status" == 200 ]] || { log "a request through the sidecar answered $status: $(head -c 300 "$OUT/first.json")"; exit 1; }

# --- load ------------------------------------------------------------------------------------------
declare -A url=([direct]="http://127.0.0.1:$UPSTREAM_PORT$RESOURCE" [nginx]="http://127.0.0.1:$NGINX_PORT$RESOURCE"
  [sidecar]="http://127.0.0.1:$SIDECAR_PORT/$HOST$RESOURCE")
targets=(direct nginx sidecar floor netty)
attack() { # name, phase, vegeta attack options... ; keeps the results as $phase-$name-N.bin (N: one more each call)
  local name=$1 phase=$2 n=1; shift 2
  while [[ -e "$OUT/$phase-$name-$n.bin" ]]; do n=$((n + 1)); done
  echo "GET ${url[$name]}" | "$VEGETA" attack -timeout=10s -keepalive=true "$@" > "$OUT/$phase-$name-$n.bin"
  "$VEGETA" report -type=json < "$OUT/$phase-$name-$n.bin" > "$OUT/$phase-$name-$n.json"
}
report() { # phase, name: one report over every round of the phase (latency percentiles over all requests)
  "$VEGETA" report -type=json "$OUT/$1-$2"-*.bin > "$OUT/$1-$2.json"
  rm -f "$OUT/$1-$2"-*.bin
}
stat_ticks() { # user + system ticks of a /proc stat file; fields counted after the name, which may hold spaces
  sed 's/^.*) //' "$1" | awk '{print $12 + $13}'
}
cpu_ticks() { stat_ticks "/proc/$1/stat"; }
thread_ticks() { # "tid ticks name" per thread of a process
  local task
  for task in /proc/"$1"/task/*; do
    echo "${task##*/} $(stat_ticks "$task/stat" 2>/dev/null || echo 0) $(tr ' ' '_' < "$task/comm" 2>/dev/null || echo gone)"
  done
}
tree_ticks() { # a process and its children (nginx: master and workers)
  local pid total=0
  for pid in "$1" $(pgrep -P "$1"); do total=$((total + $(cpu_ticks "$pid"))); done
  echo "$total"
}

# What the first callers of a new pod see while the JIT compiles the request path.
log "cold: the sidecar at $RATE requests/s for ${COLD_SECONDS}s right after readiness"
attack sidecar cold -rate="$RATE/1s" -workers=16 -max-workers=256 -duration="${COLD_SECONDS}s"
rm -f "$OUT"/cold-*.bin
# The floors: the same upstream through Reactor Netty alone and through Netty alone. Started only now,
# so that their start (JVMs compiling the scripts) does not fall into the sidecar's first seconds above.
# They listen on a port the system picks and print it: a port found free before the load could by now
# be the local end of one of the many connections the load opened.
[[ -d "$OUT/app/lib" ]] || "$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$OUT/app" >/dev/null
declare -A floor_pid=()
start_floor() { # name, what it is, script, arguments after the port... ; sets url[name] and floor_pid[name]
  local name=$1 what=$2 script=$3 port="" deadline=$((SECONDS + 60)); shift 3
  log "starting the $what ($script) on 127.0.0.1"
  "$JAVA" "${jvm_opts[@]}" -cp "$OUT/app/lib/*" "$script" 0 "$@" > "$OUT/$name.log" 2>&1 & pids+=($!)
  local started_pid=${pids[-1]}
  floor_pid[$name]=$started_pid
  until port="$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$OUT/$name.log")" && [[ -n "$port" ]]; do
    if ! kill -0 "$started_pid" 2>/dev/null || ((SECONDS > deadline)); then
      log "the $what did not start"; tail -n 20 "$OUT/$name.log" >&2; exit 1
    fi
    sleep 0.1
  done
  url[$name]="http://127.0.0.1:$port$RESOURCE"
  wait_http "${url[$name]}" 10 "$started_pid" || { tail -n 20 "$OUT/$name.log" >&2; exit 1; }
}
start_floor floor "floor (Reactor Netty alone)" scripts/BareProxy.java "http://127.0.0.1:$UPSTREAM_PORT" "$HOST" "Basic $basic"
start_floor netty "Netty floor (Netty alone)" scripts/NettyProxy.java 127.0.0.1 "$UPSTREAM_PORT" "$HOST" "Basic $basic"
for name in sidecar floor netty; do
  log "warming the $name up for ${WARMUP_SECONDS}s"
  attack "$name" warmup -rate=0 -workers="$CONNECTIONS" -max-workers="$CONNECTIONS" \
    -connections="$CONNECTIONS" -max-connections="$CONNECTIONS" -duration="${WARMUP_SECONDS}s"
done
rm -f "$OUT"/warmup-*
# The five targets take turns, round after round, so that a burst of load from elsewhere on a shared
# machine falls on all five instead of on whichever phase happened to be running.
throughput_round=$(( (THROUGHPUT_SECONDS + ROUNDS - 1) / ROUNDS )); latency_round=$(( (LATENCY_SECONDS + ROUNDS - 1) / ROUNDS ))
for round in $(seq "$ROUNDS"); do
  for name in "${targets[@]}"; do
    log "throughput: $name, $CONNECTIONS connections, ${throughput_round}s (round $round of $ROUNDS)"
    attack "$name" throughput -rate=0 -workers="$CONNECTIONS" -max-workers="$CONNECTIONS" \
      -connections="$CONNECTIONS" -max-connections="$CONNECTIONS" -duration="${throughput_round}s"
  done
done
# Under full load the JIT compiled the request path for full batches of reads; at the fixed rate each
# wake-up serves one request and C2 compiles parts of the path again. The sidecar runs at the fixed
# rate first, so that the measured phase is its steady state; what this settling costs is reported apart.
log "settling: the sidecar at $RATE requests/s for ${SETTLE_SECONDS}s after the full-load rounds"
thread_ticks "$sidecar_pid" > "$OUT/threads-settle-before.txt"; settle_before="$(cpu_ticks "$sidecar_pid")"
attack sidecar settle -rate="$RATE/1s" -workers=16 -max-workers=256 -duration="${SETTLE_SECONDS}s"
thread_ticks "$sidecar_pid" > "$OUT/threads-settle-after.txt"
echo "$settle_before $(cpu_ticks "$sidecar_pid")" > "$OUT/settle-ticks.txt"
for name in floor netty; do
  log "settling: the $name floor at $RATE requests/s for ${SETTLE_SECONDS}s"
  attack "$name" settle -rate="$RATE/1s" -workers=16 -max-workers=256 -duration="${SETTLE_SECONDS}s"
done
rm -f "$OUT"/settle-*.bin
echo 5 > "/proc/$sidecar_pid/clear_refs" 2>/dev/null || true   # restart the VmHWM peak
head -n1 /proc/stat > "$OUT/machine-stat-before.txt"   # the machine's CPU time, for the share the hypervisor took
target_ticks() { # name: CPU ticks so far of that proxy's processes (nginx: master and workers)
  case $1 in
    sidecar) cpu_ticks "$sidecar_pid" ;;
    nginx) tree_ticks "$proxy_nginx_pid" ;;
    *) cpu_ticks "${floor_pid[$1]}" ;;
  esac
}
declare -A ticks=([sidecar]=0 [nginx]=0 [floor]=0 [netty]=0)
for round in $(seq "$ROUNDS"); do
  for name in "${targets[@]}"; do
    log "latency: $name at $RATE requests/s, ${latency_round}s (round $round of $ROUNDS)"
    [[ "$name" == sidecar ]] && thread_ticks "$sidecar_pid" > "$OUT/threads-before-$round.txt"
    [[ "$name" != direct ]] && before="$(target_ticks "$name")"
    attack "$name" latency -rate="$RATE/1s" -workers=16 -max-workers=256 -duration="${latency_round}s"
    [[ "$name" != direct ]] && ticks[$name]=$((ticks[$name] + $(target_ticks "$name") - before))
    if [[ "$name" == sidecar ]]; then thread_ticks "$sidecar_pid" > "$OUT/threads-after-$round.txt"; fi
  done
done
head -n1 /proc/stat > "$OUT/machine-stat-after.txt"
hwm_kb="$(awk '/VmHWM/ {print $2}' "/proc/$sidecar_pid/status")"
rss_kb="$(awk '/VmRSS/ {print $2}' "/proc/$sidecar_pid/status")"
rss_anon_kb="$(awk '/RssAnon/ {print $2}' "/proc/$sidecar_pid/status")"
for name in "${targets[@]}"; do report throughput "$name"; report latency "$name"; done
[[ "${BENCH_JFR:-}" == 1 ]] && jcmd "$sidecar_pid" JFR.dump filename="$OUT/sidecar.jfr" >/dev/null 2>&1 || true

# --- where the resident memory goes ------------------------------------------------------------------
# A second sidecar with the same options and Native Memory Tracking (which costs CPU of its own, so the
# measured rounds above run without it) serves the latency load once; then NMT's summary is taken, and
# the heap's live data after a full collection: the heap the service really needs.
stop_sidecar
JCMD="$(dirname "$JAVA")/jcmd"; [[ -x "$JCMD" ]] || JCMD=jcmd
log "memory: the sidecar with Native Memory Tracking at $RATE requests/s, ${latency_round}s"
start_sidecar "$OUT/sidecar-nmt.log" -XX:NativeMemoryTracking=summary "${launch[@]}"
attack sidecar memory -rate="$RATE/1s" -workers=16 -max-workers=256 -duration="${latency_round}s"
nmt_rss_kb="$(awk '/VmRSS/ {print $2}' "/proc/$sidecar_pid/status")"
"$JCMD" "$sidecar_pid" VM.native_memory summary scale=KB > "$OUT/nmt-summary.txt"
"$JCMD" "$sidecar_pid" GC.run >/dev/null
"$JCMD" "$sidecar_pid" GC.heap_info > "$OUT/heap-after-gc.txt"
echo "$nmt_rss_kb" > "$OUT/nmt-rss-kb.txt"

# --- report ----------------------------------------------------------------------------------------
python3 - "$OUT" "$(getconf CLK_TCK)" "${ticks[sidecar]}" "$hwm_kb" "$rss_kb" "$ready_median_ms" \
  "$java_version" "$CONNECTIONS" "$THROUGHPUT_SECONDS" "$RATE" "$LATENCY_SECONDS" "$BODY_BYTES" \
  "$("$NGINX" -v 2>&1 | sed 's#.*/##')" "$ready_plain_ms" "$mode" "${jvm_opts[*]} (MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX)" \
  "$WARMUP_SECONDS" "$rss_anon_kb" "${ticks[nginx]}" "${ready_runs[*]}" "${ticks[floor]}" "${ticks[netty]}" <<'PY'
import datetime, json, os, platform, sys
(out, clk, sidecar_ticks, hwm, rss, ready, java, conns, tsec, rate, lsec, body, nginx, ready_plain, mode, opts, warm,
 rss_anon, nginx_ticks, ready_runs, floor_ticks, netty_ticks) = sys.argv[1:]
def load(phase, name):
    return json.load(open(os.path.join(out, "%s-%s.json" % (phase, name))))
names = ["direct", "nginx", "sidecar", "floor", "netty"]
import glob
def rounds(phase, name):
    return [json.load(open(f)) for f in sorted(glob.glob(os.path.join(out, "%s-%s-*.json" % (phase, name))))]
def per_second(phase, name):  # over the rounds' own durations, not the time between them
    rs = rounds(phase, name)
    return sum(r["requests"] * r["success"] for r in rs) / (sum(r["duration"] + r["wait"] for r in rs) / 1e9)
res = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
       "machine": {"cpus": os.cpu_count(), "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                                                        if l.startswith("model name")), platform.processor()),
                   "kernel": platform.release(), "load_average_at_end": os.getloadavg()},
       "java": java, "jvm_options": opts, "launch": mode, "nginx": nginx, "response_bytes": int(body),
       "settings": {"connections": int(conns), "throughput_seconds": int(tsec), "rate": int(rate),
                    "latency_seconds": int(lsec), "warmup_seconds": int(warm),
                    "rounds": len(rounds("latency", "sidecar"))},
       "throughput": {}, "latency_ms": {}, "sidecar": {}}
ms = lambda ns: round(ns / 1e6, 3)
for n in names:
    t = load("throughput", n)
    res["throughput"][n] = {"requests_per_second": round(per_second("throughput", n), 1), "requests": t["requests"],
                            "success": t["success"], "p50_ms": ms(t["latencies"]["50th"]),
                            "p99_ms": ms(t["latencies"]["99th"])}
    l = load("latency", n)
    res["latency_ms"][n] = {"p50": ms(l["latencies"]["50th"]), "p90": ms(l["latencies"]["90th"]),
                            "p99": ms(l["latencies"]["99th"]), "max": ms(l["latencies"]["max"]),
                            "p99_each_round": [ms(r["latencies"]["99th"]) for r in rounds("latency", n)],
                            "achieved_rate": round(per_second("latency", n), 1), "requests": l["requests"], "success": l["success"]}
res["throughput"]["sidecar_over_nginx"] = round(res["throughput"]["sidecar"]["requests_per_second"]
                                                / res["throughput"]["nginx"]["requests_per_second"], 3)
added = {}
for n in names[1:]:
    added[n] = {p: round(res["latency_ms"][n][p] - res["latency_ms"]["direct"][p], 3) for p in ("p50", "p90", "p99")}
res["added_latency_ms"] = added
cpu_s = int(sidecar_ticks) / int(clk)
reqs = load("latency", "sidecar")["requests"]
res["sidecar"] = {"cpu_seconds_per_1000_requests": round(cpu_s / (reqs / 1000.0), 4),
                  "cpu_seconds": round(cpu_s, 2), "requests": reqs,
                  "peak_rss_mb": round(int(hwm) / 1024, 1), "rss_at_end_mb": round(int(rss) / 1024, 1),
                  "rss_anon_at_end_mb": round(int(rss_anon) / 1024, 1),
                  "ready_ms": int(ready), "ready_ms_each_start": [int(r) for r in ready_runs.split()],
                  "ready_ms_plain_jar": int(ready_plain)}
c = json.load(open(os.path.join(out, "cold-sidecar-1.json")))
res["sidecar"]["cold_ms"] = {"seconds": round(c["duration"] / 1e9, 1), "p50": ms(c["latencies"]["50th"]),
                             "p99": ms(c["latencies"]["99th"]), "max": ms(c["latencies"]["max"]),
                             "success": c["success"]}
def threads(name):
    rows = {}
    for line in open(os.path.join(out, name)):
        fields = line.split(None, 2)
        if len(fields) == 3 and fields[1].isdigit():  # a thread that ended while it was read is left out
            rows[fields[0]] = (int(fields[1]), fields[2].strip())
    return rows
def by_thread(pairs, requests):  # CPU per 1,000 requests by thread group over (before, after) snapshots
    groups = {}
    for before_file, after_file in pairs:
        before, after = threads(before_file), threads(after_file)
        for tid, (ticks, comm) in after.items():
            group = ("event loops" if comm.startswith("sidecar-http") else "JIT compilers" if "Compiler" in comm
                     else "GC and VM" if comm.startswith(("VM_", "GC_")) else "other threads")
            groups[group] = groups.get(group, 0) + ticks - before.get(tid, (0, comm))[0]
    return {g: round(t / int(clk) / (requests / 1000.0), 4) for g, t in sorted(groups.items(), key=lambda kv: -kv[1])}
res["sidecar"]["cpu_seconds_per_1000_requests_by_thread"] = by_thread(
    [("threads-before-%d.txt" % r, "threads-after-%d.txt" % r) for r in range(1, len(rounds("latency", "sidecar")) + 1)], reqs)
st = json.load(open(os.path.join(out, "settle-sidecar-1.json")))
settle = by_thread([("threads-settle-before.txt", "threads-settle-after.txt")], st["requests"])
settle_ticks = [int(t) for t in open(os.path.join(out, "settle-ticks.txt")).read().split()]
res["sidecar"]["settling"] = {"seconds": round(st["duration"] / 1e9, 1),
                              "cpu_seconds_per_1000_requests": round((settle_ticks[1] - settle_ticks[0]) / int(clk)
                                                                     / (st["requests"] / 1000.0), 4),
                              "cpu_seconds_per_1000_requests_by_thread": settle,
                              "p50_ms": ms(st["latencies"]["50th"]), "p99_ms": ms(st["latencies"]["99th"])}
# /proc/stat's first line: user nice system idle iowait irq softirq steal ...; guest time is inside user
stat = [[int(v) for v in open(os.path.join(out, "machine-stat-%s.txt" % w)).read().split()[1:9]] for w in ("before", "after")]
spent = [b - a for a, b in zip(*stat)]
res["machine"]["during_latency_rounds"] = {"busy_share": round(1 - (spent[3] + spent[4]) / max(sum(spent), 1), 3),
                                           "steal_share": round(spent[7] / max(sum(spent), 1), 3)}
for n, ticks in (("nginx", nginx_ticks), ("floor", floor_ticks), ("netty", netty_ticks)):
    res[n + "_cpu_seconds_per_1000_requests"] = round(int(ticks) / int(clk) / (load("latency", n)["requests"] / 1000.0), 4)
res["throughput"]["sidecar_over_floor"] = round(res["throughput"]["sidecar"]["requests_per_second"]
                                                / res["throughput"]["floor"]["requests_per_second"], 3)
# The footprint targets, as ratios to what ran in the same rounds where they can be, so that the
# machine's speed cancels out.
cpu = res["sidecar"]["cpu_seconds_per_1000_requests"]
targets = {"cpu_vs_netty_floor": (round(cpu / max(res["netty_cpu_seconds_per_1000_requests"], 1e-9), 2), "<=", 1.5),
           "cpu_vs_nginx": (round(cpu / max(res["nginx_cpu_seconds_per_1000_requests"], 1e-9), 2), "<=", 2.0),
           "throughput_vs_nginx": (res["throughput"]["sidecar_over_nginx"], ">=", 0.8),
           "added_p99_ms": (added["sidecar"]["p99"], "<=", 1.0),
           "peak_rss_mb": (res["sidecar"]["peak_rss_mb"], "<=", 96), "ready_ms": (int(ready), "<=", 1000),
           "first_5s_p99_ms": (res["sidecar"]["cold_ms"]["p99"], "<=", 20)}
res["targets"] = {k: {"value": v, "target": op + " " + str(lim), "met": (v >= lim if op == ">=" else v <= lim)}
                  for k, (v, op, lim) in targets.items()}
# The added p99 is one tail minus another, each from a few rounds: a burst of load from elsewhere in
# one round of either moves it by milliseconds, either way. Said next to the figure when it happened.
direct_rounds = res["latency_ms"]["direct"]["p99_each_round"]
res["added_latency_ms"]["sidecar"]["p99_each_round"] = [
    round(a - b, 3) for a, b in zip(res["latency_ms"]["sidecar"]["p99_each_round"], direct_rounds)]
if max(direct_rounds) > 3 * min(direct_rounds):
    res["targets"]["added_p99_ms"]["note"] = ("direct's own p99 moved %.2f-%.2f ms between rounds; the sidecar's"
                                              " p99 minus direct's, round by round: %s ms" % (
        min(direct_rounds), max(direct_rounds),
        "/".join("%+.2f" % v for v in res["added_latency_ms"]["sidecar"]["p99_each_round"])))
res["redaction"] = json.load(open(os.path.join(out, "redaction.json")))
# NMT's categories, committed KB each; "Other" holds what Unsafe allocates, Netty's direct buffers among it.
import re
nmt = open(os.path.join(out, "nmt-summary.txt")).read()
committed = {m.group(1).strip(): int(m.group(2)) for m in
             re.finditer(r"^-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB", nmt, re.M)}
total = re.search(r"^Total: reserved=\d+KB, committed=(\d+)KB", nmt, re.M)
after_gc = open(os.path.join(out, "heap-after-gc.txt")).read()
used = [int(k) for k in re.findall(r"total \d+K, used (\d+)K", after_gc)]
res["memory"] = {"rss_mb": round(int(open(os.path.join(out, "nmt-rss-kb.txt")).read()) / 1024, 1),
                 "nmt_committed_mb": round(int(total.group(1)) / 1024, 1) if total else None,
                 "committed_mb_by_category": {k: round(v / 1024, 1) for k, v in
                                              sorted(committed.items(), key=lambda kv: -kv[1])},
                 "live_heap_after_full_gc_mb": round(sum(used) / 1024, 1) if used else None}
json.dump(res, open(os.path.join(out, "results.json"), "w"), indent=2)

lines = ["", "Benchmark %s  (%s, %d CPUs, load avg at end %.1f)" % (res["date"], res["machine"]["cpu"],
         res["machine"]["cpus"], res["machine"]["load_average_at_end"][0]),
         "sidecar: %s, %s, %s" % (java, mode, opts),
         "baseline: nginx %s (2 workers); upstream: nginx, %s bytes JSON" % (nginx, body), "",
         "%-9s %14s %9s %9s %9s %11s %11s" % ("", "max req/s", "p50 ms", "p90 ms", "p99 ms", "+p50 ms", "+p99 ms"),
         "%-9s %14s %9s %9s %9s %11s %11s" % ("", "(%s conns)" % conns, "@%s/s" % rate, "", "", "over direct", "")]
for n in names:
    l = res["latency_ms"][n]
    a = added.get(n, {"p50": 0, "p99": 0})
    lines.append("%-9s %14.0f %9.3f %9.3f %9.3f %11s %11s" % (n, res["throughput"][n]["requests_per_second"],
                 l["p50"], l["p90"], l["p99"], "-" if n == "direct" else "%+.3f" % a["p50"],
                 "-" if n == "direct" else "%+.3f" % a["p99"]))
s = res["sidecar"]
m = res["machine"]["during_latency_rounds"]
lines += ["", "p99 ms in each round at %s/s: " % rate + "; ".join(
              "%s %s" % (n, "/".join("%.2f" % v for v in res["latency_ms"][n]["p99_each_round"])) for n in names),
          "machine during those rounds: %.0f%% of its CPU time busy, %.1f%% taken by the hypervisor (steal)"
          % (100 * m["busy_share"], 100 * m["steal_share"])]
lines += ["", "sidecar/nginx throughput: %.2f" % res["throughput"]["sidecar_over_nginx"],
          "sidecar CPU: %.3f core-seconds per 1,000 requests at %s/s; peak RSS %.1f MB during it"
          " (at the end %.1f MB, of which %.1f MB anonymous, the rest file-backed: jars, CDS archive)"
          % (s["cpu_seconds_per_1000_requests"], rate, s["peak_rss_mb"], s["rss_at_end_mb"], s["rss_anon_at_end_mb"]),
          "  of which " + ", ".join("%s %.3f" % kv for kv in s["cpu_seconds_per_1000_requests_by_thread"].items()),
          "nginx (baseline) CPU: %.3f core-seconds per 1,000 requests at %s/s (master and workers)"
          % (res["nginx_cpu_seconds_per_1000_requests"], rate),
          "floor (Reactor Netty alone, scripts/BareProxy.java) CPU: %.3f core-seconds per 1,000 requests at %s/s;"
          " sidecar/floor: CPU %.2fx, throughput %.2f"
          % (res["floor_cpu_seconds_per_1000_requests"], rate, s["cpu_seconds_per_1000_requests"]
             / max(res["floor_cpu_seconds_per_1000_requests"], 1e-9), res["throughput"]["sidecar_over_floor"]),
          "Netty floor (Netty alone, scripts/NettyProxy.java) CPU: %.3f core-seconds per 1,000 requests at %s/s;"
          " sidecar/Netty floor: CPU %.2fx"
          % (res["netty_cpu_seconds_per_1000_requests"], rate, s["cpu_seconds_per_1000_requests"]
             / max(res["netty_cpu_seconds_per_1000_requests"], 1e-9)),
          "sidecar ready (readiness UP) after %d ms (median of %s); plain java -jar: %d ms"
          % (s["ready_ms"], ", ".join(str(r) for r in s["ready_ms_each_start"]), s["ready_ms_plain_jar"]),
          "sidecar in its first %.0f s after readiness at %s/s (JIT still compiling): p50 %.3f ms, p99 %.3f ms, max %.1f ms"
          % (s["cold_ms"]["seconds"], rate, s["cold_ms"]["p50"], s["cold_ms"]["p99"], s["cold_ms"]["max"]),
          "sidecar in the %.0f s at %s/s after the full-load rounds, before the measured phase (C2 compiling the path"
          " again for the lower rate): CPU %.3f core-seconds per 1,000 requests, of which JIT compilers %.3f"
          % (s["settling"]["seconds"], rate, s["settling"]["cpu_seconds_per_1000_requests"],
             s["settling"]["cpu_seconds_per_1000_requests_by_thread"].get("JIT compilers", 0)),
          "redaction of a %d-byte answer with %d credentials held: %.1f us read whole (JSON), %.1f us streamed in two"
          " chunks; the JSON field check alone: %.1f us" % (res["redaction"]["answer_bytes"],
             res["redaction"]["credentials_held"], res["redaction"]["whole_json_ns"] / 1000.0,
             res["redaction"]["streamed_two_chunks_ns"] / 1000.0, res["redaction"]["field_check_ns"] / 1000.0),
          "memory (a second sidecar with Native Memory Tracking, after the latency load): RSS %.1f MB, NMT committed"
          " %s MB; live heap after a full GC %s MB" % (res["memory"]["rss_mb"], res["memory"]["nmt_committed_mb"],
                                                     res["memory"]["live_heap_after_full_gc_mb"]),
          "  " + ", ".join("%s %.1f" % kv for kv in list(res["memory"]["committed_mb_by_category"].items())[:9]),
          "", "targets:"]
for k, t in res["targets"].items():
    lines.append("  %-22s %10s  %-9s %s" % (k, t["value"], t["target"], "met" if t["met"] else "MISSED"))
    if "note" in t:
        lines.append("  %-22s %s" % ("", t["note"]))
lines.append("")
lines.append("written to %s" % os.path.join(out, "results.json"))
print("\n".join(lines))
PY
