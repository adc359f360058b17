#!/usr/bin/env bash
# Installs code-server (real VS Code in a browser) for the VS Code end-to-end tests, cached under
# /var/cache/embedscope-ci/code-server-<version>/ and reused only when its stamp matches.
# Prints the install root (the folder holding node_modules/code-server) on its last line.
#
# Why the detours (see ENVIRONMENT.md): the machine reaches only npm and apt, so
#  - `--ignore-scripts`, then code-server's own postinstall with unsafe-perm (node-pty runs `npx node-gyp` as root);
#  - @vscode/ripgrep's postinstall downloads from GitHub: pre-seed the tarball it looks for with Debian's rg;
#  - argon2 is rebuilt from source (its prebuilt download fails).
set -euo pipefail

version="${CODE_SERVER_VERSION:-4.100.3}"
cache_root="${EMBEDSCOPE_CI_CACHE:-/var/cache/embedscope-ci}"
root="$cache_root/code-server-$version"
stamp="$root/.stamp"
stamp_text="code-server@$version node-$(node -p 'process.versions.modules')-$(uname -m) v1"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ] && [ -x "$root/node_modules/.bin/code-server" ]; then
  echo "code-server $version: cached" >&2
  echo "$root"
  exit 0
fi

apt_needed=()
for pkg in g++ make python3 libkrb5-dev libxkbfile-dev libsecret-1-dev ripgrep pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || apt_needed+=("$pkg")
done
if [ ${#apt_needed[@]} -gt 0 ]; then
  echo "code-server: apt-get install ${apt_needed[*]}" >&2
  apt-get -o DPkg::Lock::Timeout=900 update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${apt_needed[@]}" >&2
fi

started=$(date +%s)
rm -rf "$root"
mkdir -p "$root"
cd "$root"
cat > package.json <<JSON
{ "name": "embedscope-code-server", "private": true, "version": "0.0.0" }
JSON

# Pre-seed @vscode/ripgrep's download cache with Debian's rg (it would fetch a GitHub release).
tmp="${TMPDIR:-/tmp}"
rg_cache="$tmp/vscode-ripgrep-cache-1.15.11"
rg_tar="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$rg_tar" ]; then
  mkdir -p "$rg_cache"
  staging=$(mktemp -d)
  cp "$(command -v rg)" "$staging/rg"
  tar -C "$staging" -czf "$rg_tar" rg
  rm -rf "$staging"
fi

echo "code-server: npm install code-server@$version (scripts off)" >&2
npm install "code-server@$version" --ignore-scripts --no-audit --no-fund --loglevel=error >&2

echo "code-server: postinstall (node-pty, ripgrep, vscode deps)" >&2
(
  cd node_modules/code-server
  # `npm run` sets npm_config_user_agent, which the script needs to pick npm and check Node's major version.
  npm_config_unsafe_perm=true npm_config_yes=true npm run postinstall --loglevel=error >&2
)
echo "code-server: npm rebuild argon2" >&2
npm rebuild argon2 --loglevel=error >&2

"$root/node_modules/.bin/code-server" --config "$root/config.yaml" --version >&2
echo "$stamp_text" > "$stamp"
echo "code-server $version installed in $(( $(date +%s) - started )) s, $(du -sh "$root" | cut -f1)" >&2
echo "$root"
