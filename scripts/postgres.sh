#!/usr/bin/env bash
# A local PostgreSQL 15 + pgvector server for Readmit's server mode and its tests.
#
#   scripts/postgres.sh install        Debian's postgresql-15, and pgvector built from Debian's own source
#                                      package (trixie; pgvector is not packaged for bookworm). Idempotent
#                                      and fast when both are present. Needs root (apt-get, make install).
#   scripts/postgres.sh start          the cluster in $READMIT_PG_DIR (default /tmp/readmit-pg), listening on
#                                      127.0.0.1 only, with a database "readmit"; prints its URL. The first
#                                      start creates it (initdb, a free port); a later start brings the same
#                                      cluster back on the same port (same data, same URL). Starting a
#                                      running cluster only prints the URL.
#   scripts/postgres.sh url            prints the URL of the running cluster (exit 1 if none)
#   scripts/postgres.sh stop           stops the cluster (its replica first); data and port are kept
#   scripts/postgres.sh destroy        stops the cluster and its replica and deletes their files
#   scripts/postgres.sh replica-start  a streaming read replica of the running cluster (pg_basebackup -R)
#                                      in $READMIT_PG_DIR/replica on another loopback port; prints its URL
#   scripts/postgres.sh replica-url    prints the URL of the running replica (exit 1 if none)
#   scripts/postgres.sh replica-stop   stops the replica (kept; replica-start brings it back)
#
# Postgres refuses to run as root, so as root the server runs as the "postgres" user. The cluster trusts
# connections from 127.0.0.1 (it is for tests and a single machine; see docs/deployment.md for a server).
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR=${READMIT_PG_DIR:-/tmp/readmit-pg}
DATA=$PG_DIR/data
APT_OPTS=(-o DPkg::Lock::Timeout=600 -q)

as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pgvector_installed() {
    [ -x "$PG_BIN/pg_config" ] || return 1
    [ -f "$("$PG_BIN/pg_config" --sharedir)/extension/vector.control" ] &&
        [ -f "$("$PG_BIN/pg_config" --pkglibdir)/vector.so" ]
}

install() {
    if [ -x "$PG_BIN/postgres" ] && pgvector_installed; then
        echo "postgresql-15 and pgvector already installed"
        return 0
    fi
    [ "$(id -u)" -eq 0 ] || { echo "install needs root (apt-get, make install)" >&2; exit 1; }
    export DEBIAN_FRONTEND=noninteractive
    apt-get "${APT_OPTS[@]}" update >/dev/null
    apt-get "${APT_OPTS[@]}" install -y postgresql-15 postgresql-server-dev-15 dpkg-dev make gcc >/dev/null
    # A private apt configuration that knows only trixie's source index: the system's sources are left alone.
    local apt_root=/var/cache/readmit-pgvector-apt work
    mkdir -p "$apt_root/lists/partial" "$apt_root/archives/partial"
    cat > "$apt_root/sources.list" <<'EOF'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
EOF
    local private=(-o "Dir::Etc::SourceList=$apt_root/sources.list" -o "Dir::Etc::SourceParts=-"
                   -o "Dir::State::Lists=$apt_root/lists" -o "Dir::Cache::Archives=$apt_root/archives"
                   -o "APT::Sandbox::User=root")
    apt-get "${APT_OPTS[@]}" "${private[@]}" update >/dev/null
    work=$(mktemp -d)
    (cd "$work" && apt-get "${APT_OPTS[@]}" "${private[@]}" source pgvector >/dev/null)
    local src
    src=$(find "$work" -maxdepth 1 -mindepth 1 -type d -name 'pgvector-*' | head -n 1)
    [ -n "$src" ] || { echo "apt-get source pgvector gave no source tree" >&2; exit 1; }
    make -s -C "$src" PG_CONFIG="$PG_BIN/pg_config" OPTFLAGS="" >/dev/null
    make -s -C "$src" PG_CONFIG="$PG_BIN/pg_config" install >/dev/null
    rm -rf "$work"
    pgvector_installed || { echo "pgvector did not install" >&2; exit 1; }
    echo "installed postgresql-15 and pgvector $(basename "$src" | sed 's/^pgvector-//')"
}

port_file() { echo "$PG_DIR/port"; }

url() {
    [ -f "$(port_file)" ] && as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1 || return 1
    echo "postgresql://postgres@127.0.0.1:$(cat "$(port_file)")/readmit"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

configure() {  # $1 data folder, $2 port, $3 socket folder
    cat >> "$1/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $2
unix_socket_directories = '$3'
max_connections = 200
shared_buffers = 128MB
maintenance_work_mem = 256MB
fsync = on
EOF
}

start() {
    if url 2>/dev/null; then return 0; fi
    pgvector_installed || { echo "pgvector is not installed: run scripts/postgres.sh install (as root)" >&2; exit 1; }
    if [ -f "$DATA/PG_VERSION" ] && [ -f "$(port_file)" ]; then
        # A stopped cluster: bring it back with its data, on its port (the URL stays the same).
        as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null ||
            { tail -n 20 "$PG_DIR/server.log" >&2; exit 1; }
        url
        return 0
    fi
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
    chmod 700 "$PG_DIR"
    as_pg "$PG_BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    local port
    port=$(free_port)
    configure "$DATA" "$port" "$PG_DIR"
    # Room for a streaming replica (replica-start); initdb's pg_hba.conf already trusts
    # replication connections from 127.0.0.1.
    cat >> "$DATA/postgresql.conf" <<EOF
wal_level = replica
max_wal_senders = 4
EOF
    echo "$port" > "$(port_file)"
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null ||
        { cat "$PG_DIR/server.log" >&2; exit 1; }
    as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres readmit
    as_pg "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d readmit -c 'CREATE EXTENSION IF NOT EXISTS vector' >/dev/null
    url
}

stop() {
    replica_stop
    if [ -f "$DATA/PG_VERSION" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
}

destroy() {
    stop
    rm -rf "$PG_DIR"
}

# ---- a streaming read replica of the cluster, in $PG_DIR/replica -------------------------------

REPLICA=$PG_DIR/replica
replica_port_file() { echo "$REPLICA/port"; }

replica_url() {
    [ -f "$(replica_port_file)" ] && as_pg "$PG_BIN/pg_ctl" -D "$REPLICA/data" status >/dev/null 2>&1 || return 1
    echo "postgresql://postgres@127.0.0.1:$(cat "$(replica_port_file)")/readmit"
}

replica_start() {
    if replica_url 2>/dev/null; then return 0; fi
    url >/dev/null || { echo "the primary is not running: scripts/postgres.sh start first" >&2; exit 1; }
    if ! [ -f "$REPLICA/data/standby.signal" ]; then
        rm -rf "$REPLICA"
        mkdir -p "$REPLICA"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$REPLICA"
        chmod 700 "$REPLICA"
        # -R writes primary_conninfo and standby.signal: the copy starts as a streaming standby.
        as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$(cat "$(port_file)")" -U postgres \
            -D "$REPLICA/data" -X stream -R -c fast >/dev/null
        local port
        port=$(free_port)
        # The copy carries the primary's settings; the later lines of postgresql.conf win.
        configure "$REPLICA/data" "$port" "$REPLICA"
        echo "$port" > "$(replica_port_file)"
    fi
    as_pg "$PG_BIN/pg_ctl" -D "$REPLICA/data" -l "$REPLICA/server.log" -w -t 60 start >/dev/null ||
        { tail -n 20 "$REPLICA/server.log" >&2; exit 1; }
    replica_url
}

replica_stop() {
    if [ -f "$REPLICA/data/PG_VERSION" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$REPLICA/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    destroy) destroy ;;
    url) url ;;
    replica-start) replica_start ;;
    replica-url) replica_url ;;
    replica-stop) replica_stop ;;
    *) echo "usage: $0 install|start|stop|destroy|url|replica-start|replica-url|replica-stop" >&2; exit 2 ;;
esac
