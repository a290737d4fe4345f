#!/usr/bin/env bash
# Makes sure Debian's chromium and chromium-driver are installed for the browser tests
# (InventoryPageIntegrationTests): a no-op when /usr/bin/chromium and /usr/bin/chromedriver exist,
# otherwise installs both from the distribution's packages (root, or sudo without a password).
# The tests point Selenium at /usr/bin/chromedriver; nothing is downloaded at test time.
set -euo pipefail
chromium="${SIDECAR_CHROMIUM:-/usr/bin/chromium}"
driver="${SIDECAR_CHROMEDRIVER:-/usr/bin/chromedriver}"

if [[ -x "$chromium" && -x "$driver" ]]; then
  echo "chromium: using $("$chromium" --version 2>/dev/null | head -n1) and $driver"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: $chromium or $driver is missing and there is no apt-get here; install Chromium and its" >&2
  echo "WebDriver and set SIDECAR_CHROMIUM / SIDECAR_CHROMEDRIVER to them" >&2
  exit 1
fi
as_root=()
if [[ "$(id -u)" -ne 0 ]]; then
  if ! sudo -n true 2>/dev/null; then
    echo "chromium: run 'sudo apt-get install -y chromium chromium-driver' once (the browser tests need them)" >&2
    exit 1
  fi
  as_root=(sudo -n)
fi
packages=(chromium chromium-driver fonts-liberation)
echo "chromium: installing ${packages[*]} from the Debian packages (first time only)"
export DEBIAN_FRONTEND=noninteractive
apt_install=("${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${packages[@]}")
if ! "${apt_install[@]}"; then
  # A fresh machine may not have the package lists yet, or has old ones that name removed versions.
  "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q
  "${apt_install[@]}"
fi
"$chromium" --version
