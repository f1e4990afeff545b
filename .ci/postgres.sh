# Sourced by .ci/run: a throwaway PostgreSQL cluster for the store's tests.
#
# Debian's postgresql package (installed if missing); a fresh cluster in a temp dir,
# started as the postgres user (initdb and the server refuse root), listening on
# 127.0.0.1 only, stopped and deleted when the run ends. fsync is off: a test cluster
# that dies is thrown away anyway (with ALIGNKIT_PG_DURABLE=1 it is on, for the
# benchmark, which starts its own cluster this way).
# Exports ALIGNKIT_PG_DSN, and ALIGNKIT_REQUIRE_POSTGRES=1 so that no test skips.
if [ ! -d /usr/lib/postgresql ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PGBIN=/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -1)/bin
PGPORT=${ALIGNKIT_PG_PORT:-55432}
PGTMP=$(mktemp -d "${TMPDIR:-/tmp}"/alignkit-pg.XXXXXX)
chown postgres: "$PGTMP"
stop_postgres() {
  (cd / && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast stop >/dev/null 2>&1) || true
  rm -rf "$PGTMP"
}
trap stop_postgres EXIT
(cd / && runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -E UTF8 --locale=C.UTF-8 \
  --auth-local=trust --auth-host=scram-sha-256 --no-sync >/dev/null)
PGFAST="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [ "${ALIGNKIT_PG_DURABLE:-0}" = 1 ]; then PGFAST=""; fi  # the benchmark's server: fsync on
(cd / && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w start -o \
  "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 $PGFAST -c max_connections=200" >/dev/null)
"$PGBIN/psql" -h "$PGTMP" -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -q \
  -c "CREATE ROLE alignkit LOGIN PASSWORD 'alignkit'" -c "CREATE DATABASE alignkit OWNER alignkit"
export ALIGNKIT_PG_DSN="postgresql://alignkit:alignkit@127.0.0.1:$PGPORT/alignkit"
export ALIGNKIT_REQUIRE_POSTGRES=1
# For the test that an erased text is gone from the table's file on disk: a superuser
# over the socket (to checkpoint) and the data directory (to read the file).
export ALIGNKIT_PG_ADMIN_DSN="postgresql://postgres@/alignkit?host=$PGTMP&port=$PGPORT"
export ALIGNKIT_PG_DATA="$PGTMP/data"
