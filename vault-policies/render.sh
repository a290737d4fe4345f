#!/usr/bin/env bash
# Renders the policies in this folder for a KV v2 mount and prefix, and the per-account reader
# template for one account, into an output folder. The files here are written for mount `twilio`
# with no prefix; only the `path "twilio/data/…"` and `path "twilio/metadata/…"` stanzas change.
#
#   vault-policies/render.sh OUT_DIR [MOUNT] [PREFIX] [ACCOUNT_SID]
#   vault-policies/render.sh target/vault-policies secret twilio/ AC0123456789abcdef0123456789abcdef
set -euo pipefail

out="${1:?usage: render.sh OUT_DIR [MOUNT] [PREFIX] [ACCOUNT_SID]}"
mount="${2:-twilio}"
prefix="${3:-}"
account="${4:-}"
here="$(cd "$(dirname "$0")" && pwd)"

# The same rules as sidecar.vault.mount and sidecar.vault.prefix.
if [[ -z "$mount" || "$mount" == /* || "$mount" == */ || ! "$mount" =~ ^[A-Za-z0-9._/-]+$ ]]; then
  echo "render.sh: MOUNT must be a KV v2 mount path without leading or trailing '/', got '$mount'" >&2
  exit 2
fi
if [[ "$prefix" == /* || ! "$prefix" =~ ^[A-Za-z0-9._/-]*$ ]]; then
  echo "render.sh: PREFIX must be empty or a folder path not starting with '/', got '$prefix'" >&2
  exit 2
fi
if [[ -n "$prefix" && "$prefix" != */ ]]; then
  prefix="$prefix/"
fi
if [[ -n "$account" ]]; then
  if [[ ! "$account" =~ ^AC[0-9a-fA-F]{32}$ ]]; then
    echo "render.sh: ACCOUNT must be an Account SID (AC followed by 32 hex digits), got '$account'" >&2
    exit 2
  fi
  account="AC$(tr 'A-F' 'a-f' <<<"${account:2}")"
fi

mkdir -p "$out"
render() {
  sed -E -e "s#^path \"twilio/(data|metadata)/#path \"${mount}/\\1/${prefix}#" "$1"
}
for policy in "$here"/*.hcl; do
  render "$policy" >"$out/$(basename "$policy")"
done
if [[ -n "$account" ]]; then
  render "$here/twilio-account-reader.hcl.tmpl" | sed -e "s#ACCOUNT_SID#${account}#g" \
    >"$out/twilio-account-reader-${account}.hcl"
fi
ls "$out"/*.hcl
