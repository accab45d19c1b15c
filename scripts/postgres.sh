#!/usr/bin/env bash
# A throw-away PostgreSQL 15 + pgvector server for Readmit's server mode and its tests.
#
#   scripts/postgres.sh install   Debian's postgresql-15, and pgvector built from Debian's own source
#                                 package (trixie; pgvector is not packaged for bookworm). Idempotent and
#                                 fast when both are present. Needs root (apt-get, make install).
#   scripts/postgres.sh start     initdb a cluster in $READMIT_PG_DIR (default /tmp/readmit-pg), listening on
#                                 127.0.0.1 only on a free port, with a database "readmit"; prints its URL.
#                                 Starting a running cluster only prints the URL.
#   scripts/postgres.sh url       prints the URL of the running cluster (exit 1 if none)
#   scripts/postgres.sh stop      stops the cluster and deletes its files
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

start() {
    if url 2>/dev/null; then return 0; fi
    pgvector_installed || { echo "pgvector is not installed: run scripts/postgres.sh install (as root)" >&2; exit 1; }
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
    chmod 700 "$PG_DIR"
    as_pg "$PG_BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    local port
    port=$(free_port)
    cat >> "$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PG_DIR'
max_connections = 200
shared_buffers = 128MB
maintenance_work_mem = 256MB
fsync = on
EOF
    echo "$port" > "$(port_file)"
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null ||
        { cat "$PG_DIR/server.log" >&2; exit 1; }
    as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres readmit
    as_pg "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d readmit -c 'CREATE EXTENSION IF NOT EXISTS vector' >/dev/null
    url
}

stop() {
    if [ -d "$DATA" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    url) url ;;
    *) echo "usage: $0 install|start|stop|url" >&2; exit 2 ;;
esac
