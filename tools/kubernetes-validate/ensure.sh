#!/usr/bin/env bash
# Makes sure kubernetes-validate (tools/kubernetes-validate/requirements.txt) is installed in a
# virtual environment in the tool cache, and prints the path of its command. Reuses the environment
# when it was built from the same requirements file; otherwise builds it with python3 -m venv + pip
# (the only step that needs the package registry, once per machine).
#
#   tools/kubernetes-validate/ensure.sh            # prints .../bin/kubernetes-validate
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
requirements="$here/requirements.txt"
cache="${SIDECAR_TOOL_CACHE:-$HOME/.cache/twilio-vault-sidecar}"
digest="$(sha256sum "$requirements" | cut -c1-12)"
venv="$cache/kubernetes-validate-$digest"
command="$venv/bin/kubernetes-validate"

if [[ -x "$command" && -f "$venv/.complete" ]]; then
  echo "$command"
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "kubernetes-validate: python3 is needed to install it (tools/kubernetes-validate/requirements.txt)" >&2
  exit 1
fi
mkdir -p "$cache"
# One installer at a time (make test and a test run started by hand may both get here).
exec 9>"$venv.lock"
flock 9
if [[ ! -f "$venv/.complete" ]]; then
  echo "kubernetes-validate: installing $(grep -v '^#' "$requirements" | xargs) into $venv (first time only)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  touch "$venv/.complete"
fi
echo "$command"
