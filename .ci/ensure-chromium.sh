#!/usr/bin/env bash
# Installs chromium for the browser tests when it is missing (TOOLCHAIN.md: Playwright drives /usr/bin/chromium;
# never `playwright install`). Prints the browser's path.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing chromium..." >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
fi
echo /usr/bin/chromium
