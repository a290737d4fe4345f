#!/usr/bin/env bash
# Makes sure promtool (the rule checker and rule unit-test runner of Prometheus) is in the tool cache,
# and prints the path of its binary. Reuses a binary already built for the pinned version; otherwise
# builds it from the Prometheus Go module (the only step that needs the Go module proxy, once per machine).
#
#   tools/promtool/ensure.sh            # prints .../promtool-<version>/promtool
set -euo pipefail
version="${PROMTOOL_MODULE_VERSION:-v0.316.0}"
cache="${SIDECAR_TOOL_CACHE:-$HOME/.cache/twilio-vault-sidecar}"
dir="$cache/promtool-$version"
bin="$dir/promtool"

if [[ -x "$bin" ]]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "promtool: a Go toolchain is needed to build it (github.com/prometheus/prometheus/cmd/promtool@$version)" >&2
  exit 1
fi
mkdir -p "$cache"
# One builder at a time (make test and a test run started by hand may both get here).
exec 9>"$dir.lock"
flock 9
if [[ ! -x "$bin" ]]; then
  echo "promtool: building github.com/prometheus/prometheus/cmd/promtool@$version into $dir (first time only; takes several minutes)" >&2
  tmp="$dir.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  GOBIN="$tmp" GOFLAGS=-buildvcs=false go install -trimpath -ldflags="-s -w" \
    "github.com/prometheus/prometheus/cmd/promtool@$version" >&2
  rm -rf "$dir"
  mv "$tmp" "$dir"
fi
echo "$bin"
