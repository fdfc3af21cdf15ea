#!/usr/bin/env bash
# Stages the build context of the maildock/server image (stack/server/Dockerfile): the built
# app with its production node_modules, this host's Node binary, and the image's scripts.
# The native modules (better-sqlite3, argon2) were built here for this glibc and this Node,
# so a pruned copy loads in the Debian 12 image; `npm ci` inside it would need build tools.
# Usage: scripts/server-image.sh [OUT]   (default build/server-image; `npm run build` first)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/server-image}
node_bin=$(node -p process.execPath)

[[ -f $root/dist/main/cli/main.js && -f $root/dist/renderer/index.html ]] ||
  { echo "dist/ is not built: run npm run build first." >&2; exit 1; }

tmp="$out.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/app" "$tmp/runtime" "$tmp/lib" "$tmp/server"
cp -a "$root/dist" "$root/bin" "$root/package.json" "$root/package-lock.json" "$tmp/app/"
# The renderer's source maps and the Electron shell are of no use to a server.
find "$tmp/app/dist" -name '*.map' -delete
# -L: a worktree's node_modules may be a symlink to another checkout's.
cp -aL "$root/node_modules" "$tmp/app/node_modules"
(cd "$tmp/app" && npm prune --omit=dev --offline --ignore-scripts --no-audit --no-fund \
  --loglevel=error >/dev/null)
rm -f "$tmp/app/package-lock.json"
# What only a compiler or an editor reads: the native module's sources and objects, types, maps.
bs3="$tmp/app/node_modules/better-sqlite3"
mv "$bs3/build/Release/better_sqlite3.node" "$tmp/better_sqlite3.node"
rm -rf "$bs3/build" "$bs3/deps" "$bs3/src"
mkdir -p "$bs3/build/Release"
mv "$tmp/better_sqlite3.node" "$bs3/build/Release/"
find "$tmp/app/node_modules" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \
  -o -name '*.map' -o -name '*.md' -o -name '*.markdown' \) -delete
# MAILDOCK_NODE=none: the image's base brings Node (see the Dockerfile's NODE_FROM).
[[ ${MAILDOCK_NODE:-host} == none ]] || cp "$node_bin" "$tmp/runtime/node"
cp "$root/stack/lib/maildock.sh" "$tmp/lib/"
cp "$root/stack/server/Dockerfile" "$root/stack/server/entrypoint.sh" \
  "$root/stack/server/health.sh" "$root/stack/server/write-key.mjs" "$tmp/server/"
# What the image is made of, in one line: the tag the app builds it under.
(
  cd "$tmp"
  find . -type f ! -name stamp -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12
) >"$tmp/stamp"
rm -rf "$out"
mv "$tmp" "$out"
echo "Staged $out ($(du -sh "$out" | cut -f1)), tag $(cat "$out/stamp")"
