#!/usr/bin/env bash
# Installs the system packages the tests need (PostgreSQL, Redis and HAProxy for the multi-node tests, Chromium), once,
# on a Debian machine, as root. Nothing is started here: each test starts its own Redis and HAProxy on free ports.
set -euo pipefail
need=()
command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /usr/lib/postgresql ] && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)

command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing system packages: ${need[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
