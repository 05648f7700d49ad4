# Sourced by .ci/run (or by hand: `source .ci/postgres.sh && postgres_start`):
# a throwaway PostgreSQL server from Debian's packages, on localhost only,
# for the tests of the `postgres` feature. It exports
# GUARDIAN_ROSTER_POSTGRES_URL for them; `postgres_stop` removes it all.

postgres_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

postgres_start() {
    if [ -z "$(postgres_bin)" ]; then
        echo "== installing PostgreSQL from Debian's packages"
        if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null ||
            { $sudo apt-get update -q >/dev/null &&
              $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }
    fi
    local bin
    bin="$(postgres_bin)"
    PG_DIR="$(mktemp -d /tmp/guardian-roster-pg.XXXXXX)"
    PG_PORT="${GUARDIAN_ROSTER_PG_PORT:-54329}"
    # The server refuses to run as root: it runs as Debian's `postgres` user.
    local as=()
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres "$PG_DIR"
        as=(runuser -u postgres --)
    fi
    "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync >"$PG_DIR/initdb.log"
    "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off" start >/dev/null
    export GUARDIAN_ROSTER_POSTGRES_URL="host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres"
    PG_STOP=("${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop)
    echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}

postgres_stop() {
    if [ -n "${PG_DIR:-}" ]; then
        "${PG_STOP[@]}" >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
        PG_DIR=""
    fi
}
