#!/usr/bin/env bash
# Makes sure the tests and `make run` can have a real Vault server. A no-op when one is already
# available (Docker engine, VAULT_ADDR + VAULT_TOKEN, a vault/bao binary on PATH, or the cached
# build); otherwise builds the pinned HashiCorp Vault release from its Go module into the cache.
# With --binary, only a vault/bao binary counts (for `make run`, which starts its own dev server).
set -euo pipefail
binary_only=false
if [[ "${1:-}" == "--binary" ]]; then binary_only=true; shift; fi
bin="$1"
here="$(cd "$(dirname "$0")/.." && pwd)"

if [[ -x "$bin" ]]; then
  echo "vault: using cached $("$bin" version 2>/dev/null | head -n1) at $bin"
  exit 0
fi
if [[ "$binary_only" == false && -n "${VAULT_ADDR:-}" && -n "${VAULT_TOKEN:-}" ]]; then
  echo "vault: using VAULT_ADDR=$VAULT_ADDR from the environment"
  exit 0
fi
for candidate in vault bao; do
  if command -v "$candidate" >/dev/null 2>&1; then
    echo "vault: using $(command -v "$candidate")"
    exit 0
  fi
done
if [[ "$binary_only" == false ]] && command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  echo "vault: a Docker engine is running; the tests use a hashicorp/vault container"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "vault: no Vault available and no Go toolchain to build one; install Go or put vault on PATH" >&2
  exit 1
fi

echo "vault: building HashiCorp Vault from tools/vault into $bin (first time only; takes several minutes)"
mkdir -p "$(dirname "$bin")"
tmp="$bin.tmp.$$"
(cd "$here/tools/vault" && go build -trimpath -ldflags="-s -w" -o "$tmp" .)
mv "$tmp" "$bin"
"$bin" version
