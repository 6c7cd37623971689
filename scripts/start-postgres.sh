#!/usr/bin/env bash
# Starts the Debian PostgreSQL cluster (if it is not running) and makes the test role and a fresh test database,
# named by MOORING_PG_DB (default mooring_test), so that test runs side by side each have their own.
set -euo pipefail
db="${MOORING_PG_DB:-mooring_test}"
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi
for _ in $(seq 1 50); do
  su postgres -c "pg_isready -q -h 127.0.0.1" && break
  sleep 0.2
done
su postgres -c "psql -qtA -c \"SELECT 1 FROM pg_roles WHERE rolname='mooring'\"" | grep -q 1 \
  || su postgres -c "psql -q -c \"CREATE ROLE mooring LOGIN PASSWORD 'mooring'\""
su postgres -c "psql -q -c 'DROP DATABASE IF EXISTS $db'"
su postgres -c "psql -q -c 'CREATE DATABASE $db OWNER mooring'"
echo "PostgreSQL $version ready: jdbc:postgresql://127.0.0.1:5432/$db"
