#!/usr/bin/env bash
# The whole suite on SQLite, then again on a real PostgreSQL server.
#   PostgreSQL: $TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/lindung).
#   In CI (CI=true) a PostgreSQL that can't be reached or started fails the run;
#   elsewhere the PostgreSQL leg is skipped with a plain message.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# Two workers (pytest-xdist) by default: the suite is CPU-bound and CI has two cores. A
# module's tests stay on one worker (loadscope: they share their `@shared_world` data), and
# modules are handed out in collection order, which puts the slow ones first (conftest.py).
WORKERS=${LINDUNG_TEST_WORKERS:-auto}
XDIST=(-n "$WORKERS" --dist loadscope --no-loadscope-reorder)
PG_URL=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/lindung}
status=0

pg_ready() {
  DATABASE_URL=$PG_URL $BIN/python - <<'PY' >/dev/null 2>&1
import os, psycopg, dj_database_url
c = dj_database_url.parse(os.environ["DATABASE_URL"])
psycopg.connect(host=c["HOST"] or None, port=c["PORT"] or None, user=c["USER"] or None,
                password=c["PASSWORD"] or None, dbname="postgres", connect_timeout=3).close()
PY
}

start_debian_postgres() {
  echo "PostgreSQL tidak menjawab; memasang/menyalakan PostgreSQL dari paket Debian..."
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) || return 1
  fi
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  [ -n "$version" ] || return 1
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 20); do pg_ready && return 0; sleep 1; done
  # A stock Debian cluster asks for a password over TCP: give the test user one.
  su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1 || return 1
  PG_URL=postgres://postgres:postgres@127.0.0.1:5432/lindung
  pg_ready
}

if [ "${1:-}" != "--postgres-only" ]; then
  echo "== Test suite on SQLite"
  $BIN/pytest -p no:cacheprovider "${XDIST[@]}" || status=1
fi

echo "== Test suite on PostgreSQL ($PG_URL)"
if pg_ready || { [ "${CI:-}" = "true" ] && start_debian_postgres; }; then
  # The Spark test touches no database; it ran in the SQLite leg already.
  DATABASE_URL=$PG_URL $BIN/pytest -p no:cacheprovider "${XDIST[@]}" -m "not spark" || status=1
elif [ "${CI:-}" = "true" ]; then
  echo "GAGAL: PostgreSQL tidak bisa dihubungi atau dinyalakan di CI; leg PostgreSQL wajib di CI." >&2
  status=1
else
  echo "DILEWATI: PostgreSQL tidak bisa dihubungi di $PG_URL; hanya SQLite yang diuji."
  echo "SKIPPED: PostgreSQL unreachable at $PG_URL; only SQLite was tested (set TEST_POSTGRES_URL)."
fi
exit $status
