#!/usr/bin/env bash
# Makes a Docker engine ready for the stack's tests and benchmarks: starts dockerd when
# none answers (no default bridge, no iptables: test stacks use host networking on
# loopback) and makes the debian:bookworm-slim base image locally when it is missing,
# since no image registry is reachable here. Safe to run again. Needs root.
set -euo pipefail

log=${MAILDOCK_DOCKERD_LOG:-/var/log/maildock-dockerd.log}

if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "dockerd is not installed (Debian package docker.io)." >&2
    exit 1
  fi
  # containerd comes with docker.io; dockerd starts its own when none runs.
  nohup dockerd --bridge=none --iptables=false --ip6tables=false >"$log" 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! docker info >/dev/null 2>&1; then
    echo "dockerd did not answer within 30 s; its log ($log) ends with:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
fi

if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
  mirror=${mirror:-http://deb.debian.org/debian}
  root=$(mktemp -d /tmp/maildock-rootfs.XXXXXX)
  echo "Making debian:bookworm-slim with debootstrap from $mirror…"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
    tail -n 20 "$root.log" >&2
    exit 1
  }
  # What Docker's own slim images do: no docs, no apt caches, no interactive questions.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
  tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
  rm -rf "$root" "$root.log"
fi
