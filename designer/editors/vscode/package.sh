#!/usr/bin/env bash
# Packages the extension as protocolengine-VERSION.vsix with the pinned @vscode/vsce (package-lock.json).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
npm ci --no-audit --no-fund --loglevel=error
npx vsce package --skip-license --allow-missing-repository --out "protocolengine-$(node -p 'require("./package.json").version').vsix"
