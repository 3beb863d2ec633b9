#!/usr/bin/env bash
# dev-db.sh makes a PostgreSQL 15 server with the pgvector extension available
# for xiaobao, idempotently, on a Debian bookworm machine as root.
#
#   scripts/dev-db.sh            provision (if needed), start, print DATABASE_URL
#   scripts/dev-db.sh stop       stop the private cluster
#   scripts/dev-db.sh url        print the DATABASE_URL of the private cluster
#
# When DATABASE_URL is already set and points at a server where the vector
# extension is available, nothing is provisioned.
#
# Settings (environment):
#   XIAOBAO_PG_PORT   port of the private cluster (default 54329)
#   XIAOBAO_PG_DATA   data folder (default .data/postgres in the checkout when
#                     the postgres user can reach it, else /var/lib/postgresql/xiaobao-<hash>)
set -euo pipefail

PORT="${XIAOBAO_PG_PORT:-54329}"
PGBIN=/usr/lib/postgresql/15/bin
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DB_USER=xiaobao
DB_PASS=xiaobao

say() { printf '[db] %s\n' "$*" >&2; }
die() { printf '[db] ERROR: %s\n' "$*" >&2; exit 1; }

url_for() { printf 'postgres://%s:%s@127.0.0.1:%s/%s?sslmode=disable' "$DB_USER" "$DB_PASS" "$PORT" "$1"; }

data_dir() {
	if [ -n "${XIAOBAO_PG_DATA:-}" ]; then printf '%s' "$XIAOBAO_PG_DATA"; return; fi
	# The server runs as postgres and must be able to walk into the checkout;
	# a checkout under /root is not reachable, so fall back to postgres' home.
	if id postgres >/dev/null 2>&1 && runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
		printf '%s/.data/postgres' "$ROOT"
	else
		printf '/var/lib/postgresql/xiaobao-%s' "$(printf '%s' "$ROOT" | sha256sum | cut -c1-8)"
	fi
}

need_root() { [ "$(id -u)" = 0 ] || die "this step needs root (apt-get install, running the server as postgres); rerun as root or set DATABASE_URL to a server with pgvector"; }

ensure_packages() {
	local missing=()
	for p in postgresql-15 postgresql-server-dev-15 build-essential dpkg-dev ca-certificates; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	need_root
	say "installing Debian packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || die "apt-get update failed; check the network and /etc/apt sources"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
	# Debian's package starts its own main cluster on 5432; we use a private one.
	if command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | grep -q '^15 *main'; then
		pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
	fi
}

# archive_uri finds the Debian archive this machine already uses, so the
# trixie deb-src entry points at the same host.
archive_uri() {
	local u=""
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		u=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
	fi
	if [ -z "$u" ] && [ -f /etc/apt/sources.list ]; then
		u=$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list)
	fi
	[ -n "$u" ] || die "cannot find the Debian archive in /etc/apt/sources.list(.d); add one or install pgvector yourself"
	printf '%s' "$u"
}

ensure_pgvector() {
	if [ -f /usr/share/postgresql/15/extension/vector.control ] && [ -f /usr/lib/postgresql/15/lib/vector.so ]; then
		return
	fi
	need_root
	local work=/var/cache/xiaobao-pgvector
	say "pgvector is missing: building it from Debian's source package (suite trixie) in $work"
	rm -rf "$work"
	mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/build"
	printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s trixie main\n' "$(archive_uri)" >"$work/sources.list"
	local opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$work/lists" -o "Dir::Cache::archives=$work/archives" -o APT::Sandbox::User=root)
	apt-get "${opts[@]}" update -qq >/dev/null || die "apt-get update for the trixie deb-src entry failed"
	(cd "$work/build" && apt-get "${opts[@]}" source --download-only -qq pgvector >/dev/null) ||
		die "apt-get source pgvector failed"
	local tarball
	tarball=$(ls "$work"/build/pgvector_*.orig.tar.* | head -n1)
	mkdir -p "$work/build/src"
	tar -xf "$tarball" -C "$work/build/src" --strip-components=1
	say "compiling pgvector $(basename "$tarball" | sed 's/pgvector_\(.*\)\.orig.*/\1/') against PostgreSQL 15"
	make -s -C "$work/build/src" PG_CONFIG="$PGBIN/pg_config" OPTFLAGS="" >/dev/null 2>"$work/build.log" ||
		die "building pgvector failed; see $work/build.log"
	make -s -C "$work/build/src" PG_CONFIG="$PGBIN/pg_config" install >/dev/null 2>>"$work/build.log" ||
		die "installing pgvector failed; see $work/build.log"
	say "pgvector installed"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

as_pg() { runuser -u postgres -- "$@"; }

start_cluster() {
	local data log
	data=$(data_dir)
	log="$data/../postgres-$PORT.log"
	if [ ! -f "$data/PG_VERSION" ]; then
		need_root
		say "initialising a private cluster in $data"
		mkdir -p "$data"
		chown -R postgres:postgres "$(dirname "$data")"
		chmod 700 "$data"
		as_pg "$PGBIN/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
			--encoding=UTF8 --locale=C.UTF-8 >/dev/null || die "initdb failed in $data"
		cat >>"$data/postgresql.conf" <<EOF
# xiaobao private cluster
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '/tmp'
max_connections = 300
shared_buffers = 256MB
fsync = on
EOF
	fi
	if as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		say "cluster already running on port $PORT ($data)"
	else
		if port_busy "$PORT"; then
			die "port $PORT is taken by another program; stop it or set XIAOBAO_PG_PORT to a free port"
		fi
		say "starting PostgreSQL on 127.0.0.1:$PORT"
		touch "$log" && chown postgres "$log"
		as_pg "$PGBIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null ||
			die "PostgreSQL did not start; see $log"
	fi
	local psql=(as_pg psql -h /tmp -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
	if [ -z "$("${psql[@]}" -c "select 1 from pg_roles where rolname='$DB_USER'")" ]; then
		"${psql[@]}" -c "create role $DB_USER login superuser password '$DB_PASS'" >/dev/null
	fi
	for db in xiaobao xiaobao_test; do
		if [ -z "$("${psql[@]}" -c "select 1 from pg_database where datname='$db'")" ]; then
			"${psql[@]}" -c "create database $db owner $DB_USER" >/dev/null
		fi
		PGOPTIONS='-c client_min_messages=warning' as_pg psql -h /tmp -p "$PORT" -U postgres -d "$db" -qAt -c "create extension if not exists vector" >/dev/null ||
			die "CREATE EXTENSION vector failed in $db"
	done
}

external_ok() {
	command -v psql >/dev/null || return 1
	local ok
	ok=$(psql "$DATABASE_URL" -qAtX -c "select 1 from pg_available_extensions where name='vector'" 2>/dev/null) || return 1
	[ "$ok" = 1 ]
}

case "${1:-up}" in
up)
	if [ -n "${DATABASE_URL:-}" ] && [ -z "${XIAOBAO_FORCE_PRIVATE_DB:-}" ]; then
		if external_ok; then
			say "using DATABASE_URL from the environment (pgvector available); provisioning nothing"
			printf '%s\n' "$DATABASE_URL"
			exit 0
		fi
		say "DATABASE_URL is set but unreachable or without pgvector; provisioning the private cluster instead"
	fi
	ensure_packages
	ensure_pgvector
	start_cluster
	say "ready: DATABASE_URL=$(url_for xiaobao)"
	say "       TEST_DATABASE_URL=$(url_for xiaobao_test)"
	url_for xiaobao
	echo
	;;
url) url_for "${2:-xiaobao}"; echo ;;
stop)
	as_pg "$PGBIN/pg_ctl" -D "$(data_dir)" -m fast stop >/dev/null 2>&1 && say "stopped" || say "not running"
	;;
start-only)
	start_cluster
	;;
*) die "unknown command '$1' (use: up, url, stop)" ;;
esac
