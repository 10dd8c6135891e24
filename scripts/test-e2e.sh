#!/usr/bin/env bash
# The real-editor tests: installs what they need (Debian's neovim when root), builds, and runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nvim >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null
  else
    echo "test:e2e: neovim is missing (apt-get install neovim)" >&2
  fi
fi
npm run build
npx tsc -p .
npx mocha --no-config --timeout 120000 'out/test/e2e/**/*.test.js'
