#!/bin/sh
# Entrypoint of the postgres stand-in (scripts/postgres-standin.sh): the official image's
# docker-entrypoint.sh cut down to what compose files rely on. On an empty PGDATA it creates the
# cluster with POSTGRES_USER (default postgres) as superuser and POSTGRES_PASSWORD as its password,
# and the database POSTGRES_DB (default: the user's name); with data already there it starts it.
set -eu

# `docker run IMAGE -c max_connections=50` passes options to the server, as with the official image.
# No arguments at all (an empty CMD) start the server too.
if [ $# = 0 ] || [ "${1#-}" != "$1" ]; then
    set -- postgres "$@"
fi
# Anything else (psql, pg_isready, sh) runs as given.
if [ "$1" != postgres ]; then
    exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
    # A new volume or bind mount may belong to root: give PGDATA to postgres, then run this script
    # again as postgres (the server refuses to run as root). exec keeps the server PID 1, so it
    # receives docker stop's signal itself.
    mkdir -p "$PGDATA"
    chmod 700 "$PGDATA"
    find "$PGDATA" ! -user postgres -exec chown postgres:postgres '{}' +
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    user=${POSTGRES_USER:-postgres}
    database=${POSTGRES_DB:-$user}
    auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
    if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
        cat >&2 <<'MESSAGE'
Error: the database is not initialized and POSTGRES_PASSWORD is not set.
Set POSTGRES_PASSWORD to the superuser's password (for example `-e POSTGRES_PASSWORD=...`), or
POSTGRES_HOST_AUTH_METHOD=trust to allow every connection without a password (never in production).
MESSAGE
        exit 1
    fi

    # The password goes through a file, not the command line, where `ps` would show it.
    pwfile=$(mktemp)
    printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
    # Inside the container (socket and loopback) no password is asked, as in the official image.
    initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=trust >/dev/null
    rm -f "$pwfile"
    # From other containers and the host: a password, checked by scram-sha-256.
    printf 'host all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

    if [ "$database" != postgres ]; then
        # A temporary server on a private socket only: a health check (pg_isready) cannot see it
        # and report the database ready before it exists.
        socket=$(mktemp -d)
        pg_ctl --silent --wait --options="-c listen_addresses='' -c unix_socket_directories=$socket" start
        psql --quiet --no-psqlrc -v ON_ERROR_STOP=1 --host="$socket" --username="$user" --dbname=postgres \
            --set=database="$database" <<'SQL'
CREATE DATABASE :"database";
SQL
        pg_ctl --silent --wait --mode=fast stop
        rmdir "$socket"
    fi
    echo "PostgreSQL initialized in $PGDATA: superuser $user, database $database"
fi

exec "$@"
