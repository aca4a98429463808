#!/usr/bin/env bash
# db.sh: lifecycle of an instance's own MariaDB (data under $VARDIR/db): init, start, stop, migrate, seed, sql,
# backup, restore.
# Settings come from the environment (the Makefile exports them): VARDIR, DB_PORT, DB_NAME, DB_USER;
# DB_BUFFER_POOL (256M), DB_LOG_SIZE (half the pool, 96M-4G), DB_IO_CAPACITY (4000 pages/s, twice that at most);
# DB_EXTRA_ARGS: more mariadbd options (sql/cluster.sh passes a Galera node's wsrep settings, issue 15).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${VARDIR:?}" "${DB_PORT:?}"
DB_NAME=${DB_NAME:-xueji}
DB_USER=${DB_USER:-xueji}
datadir=$VARDIR/db
sock=$VARDIR/run/db.sock
pidf=$VARDIR/run/db.pid
secrets=$VARDIR/secrets.env
mkdir -p "$VARDIR/log" "$VARDIR/run"

# The redo log's size (issue 14): half the buffer pool, 96M to 4G. With MariaDB's 96M default, an import into a
# large pool filled the log within seconds, and InnoDB flushed dirty pages at up to 350 MB/s to move its checkpoint
# (a 100,000-row import into 12M records: 1,558-1,941 rows/s on a 12G pool; with 2G of log 2,013-2,238). The
# background flushing that replaces it runs at DB_IO_CAPACITY pages a second (MariaDB's 200 suits a spinning disk).
log_size() {
  local v=$1 n u
  n=${v%[KkMmGg]}; u=${v#"$n"}
  case $u in K|k) n=$((n / 1024)) ;; G|g) n=$((n * 1024)) ;; "") n=$((n / 1048576)) ;; esac
  n=$((n / 2)); [ "$n" -lt 96 ] && n=96; [ "$n" -gt 4096 ] && n=4096
  echo "${n}M"
}

root_sql() { mariadb --no-defaults -uroot --socket="$sock" "$@"; }

# alive PID: the process exists and is not a zombie (a container's PID 1 may never reap it)
alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; case $s in Z*|"") return 1 ;; esac; }
running() { [ -f "$pidf" ] && alive "$(cat "$pidf")"; }

cmd_init() {
  # DB_NO_INSTALL=1: a Galera joiner gets its data by state transfer (sql/cluster.sh)
  if [ ! -d "$datadir/mysql" ] && [ "${DB_NO_INSTALL:-0}" = 1 ]; then mkdir -p "$datadir"
  elif [ ! -d "$datadir/mysql" ]; then
    mkdir -p "$datadir"
    # --skip-name-resolve/--force: a fresh machine may have no resolvable host name
    mariadb-install-db --no-defaults --datadir="$datadir" --user="$(id -un)" --skip-name-resolve --force \
      --auth-root-authentication-method=normal --skip-test-db >"$VARDIR/log/db-init.log" 2>&1 \
      || { echo "mariadb-install-db failed:" >&2; tail -n 20 "$VARDIR/log/db-init.log" >&2; rm -rf "$datadir"; exit 1; }
  fi
  if [ ! -f "$secrets" ]; then
    umask 077
    echo "XJ_DB_PASSWORD=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$secrets"
  fi
}

cmd_start() {
  cmd_init
  if running; then return 0; fi
  rm -f "$sock"
  # a temp folder of its own: mariadbd deletes every #sql file of its tmpdir when it starts, so a shared /tmp loses
  # the temporary tables of the other instances' running statements (a 10M --rebuild-counters failed that way)
  mkdir -p "$VARDIR/tmp"
  mariadbd --no-defaults --datadir="$datadir" --socket="$sock" --port="$DB_PORT" --bind-address=127.0.0.1 \
    --user="$(id -un)" --pid-file="$pidf" --log-error="$VARDIR/log/mariadb.log" --tmpdir="$VARDIR/tmp" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin --skip-name-resolve \
    --innodb-flush-log-at-trx-commit=1 --innodb-buffer-pool-size="${DB_BUFFER_POOL:-256M}" \
    --innodb-log-file-size="${DB_LOG_SIZE:-$(log_size "${DB_BUFFER_POOL:-256M}")}" \
    --innodb-io-capacity="${DB_IO_CAPACITY:-4000}" --innodb-io-capacity-max="$((2 * ${DB_IO_CAPACITY:-4000}))" \
    --innodb-print-all-deadlocks=ON --max-connections=600 --max-allowed-packet=64M --thread-handling="${DB_THREAD_HANDLING:-one-thread-per-connection}" ${DB_EXTRA_ARGS:-} >/dev/null 2>&1 &
  started=$!
  for _ in $(seq 1 "${DB_START_WAIT:-300}"); do
    if [ -S "$sock" ] && root_sql -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
    # it exited (damaged files, a port in use): no use waiting out DB_START_WAIT
    alive "$started" || break
    sleep 0.1
  done
  echo "MariaDB did not start; see $VARDIR/log/mariadb.log" >&2
  tail -n 20 "$VARDIR/log/mariadb.log" >&2 || true
  exit 1
}

cmd_stop() {
  if running; then
    local pid; pid=$(cat "$pidf")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
    # still flushing after 30 s: its pid file stays, so that no second mariadbd is started on its files
    if alive "$pid"; then
      echo "MariaDB (pid $pid) did not stop within 30 s (see $VARDIR/log/mariadb.log); wait for it, then run the stop again" >&2
      exit 1
    fi
  fi
  rm -f "$pidf"
}

# Apply sql/NNN_*.sql in order, each once, recorded in schema_version; then (re)grant the service user.
cmd_migrate() {
  # shellcheck disable=SC1090
  . "$secrets"
  root_sql -e "CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
    CREATE TABLE IF NOT EXISTS \`$DB_NAME\`.schema_version (version INT UNSIGNED NOT NULL PRIMARY KEY,
      name VARCHAR(200) NOT NULL, applied_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6)) ENGINE=InnoDB;"
  for f in "$here"/[0-9][0-9][0-9]_*.sql; do
    local base v
    base=$(basename "$f" .sql); v=$((10#${base%%_*}))
    if [ -z "$(root_sql -N "$DB_NAME" -e "SELECT 1 FROM schema_version WHERE version=$v")" ]; then
      echo "migrate: applying $base"
      if ! root_sql "$DB_NAME" <"$f"; then
        { echo "migrate: $f failed (MariaDB's error above). The statements before the failed one stay applied"
          echo "  (MariaDB commits each schema change on its own), so it will not re-run cleanly. Either restore the"
          echo "  backup taken before the upgrade (make restore BACKUP=<its folder>, with the instance's make variables),"
          echo "  or apply the file's remaining statements by hand, record it and start again:"
          echo "  VARDIR=$VARDIR DB_PORT=$DB_PORT DB_NAME=$DB_NAME $0 sql -e \\"
          echo "    \"INSERT INTO schema_version (version, name) VALUES ($v, '$base')\""; } >&2
        exit 1
      fi
      root_sql "$DB_NAME" -e "INSERT INTO schema_version (version, name) VALUES ($v, '$base')"
    fi
  done
  # least privilege: data only, no DDL, no GRANT, no FILE; the procedures the service calls (a bulk load's counters: 413,
  # an import's members: 408); the service's user at each of DB_USER_HOSTS (a cluster's services connect over TCP)
  local h p
  for h in ${DB_USER_HOSTS:-localhost}; do
    root_sql -e "CREATE USER IF NOT EXISTS '$DB_USER'@'$h' IDENTIFIED BY '$XJ_DB_PASSWORD';
      ALTER USER '$DB_USER'@'$h' IDENTIFIED BY '$XJ_DB_PASSWORD';
      GRANT SELECT, INSERT, UPDATE, DELETE ON \`$DB_NAME\`.* TO '$DB_USER'@'$h';"
    for p in count_students_add count_students_batch count_members_batch; do
      root_sql -e "GRANT EXECUTE ON PROCEDURE \`$DB_NAME\`.$p TO '$DB_USER'@'$h';"
    done
  done
}

# Load seed SQL files given as arguments (idempotent files: INSERT IGNORE / ON DUPLICATE KEY).
cmd_seed() {
  for f in "$@"; do root_sql "$DB_NAME" <"$f"; done
}

cmd_sql() { root_sql "$DB_NAME" "$@"; }

# A hot backup of the instance (make backup): the database by mariadb-backup while it runs (InnoDB copied with its redo
# log; writers wait only for the moment of its BACKUP STAGE BLOCK_COMMIT), prepared at once so that it is ready to
# restore, then the evidence folder DATA_DIR. The database first: every content a backed-up evidence row names was
# stored before its row committed (R23), so it is in the copy; content stored later is an orphan that housekeeping
# removes after a restore. BACKUP_DIR (default $VARDIR/backup) gets one folder per backup, named by its UTC time, with a
# manifest (schema version, records, evidence rows); a backup that failed leaves no manifest and is removed.
cmd_backup() {
  running || { echo "backup: the instance's database is not running (make start first)" >&2; exit 1; }
  local dir; dir=${BACKUP_DIR:-$VARDIR/backup}/$(date -u +%Y%m%dT%H%M%SZ)
  local data=${DATA_DIR:-$VARDIR/data}
  mkdir -p "$dir"
  # every step or none: the database, prepared; secrets.env (the password the backup's mysql.user holds); the evidence
  if ! { mariadb-backup --no-defaults --backup --user=root --socket="$sock" --datadir="$datadir" --target-dir="$dir/db" \
      && mariadb-backup --no-defaults --prepare --target-dir="$dir/db" && install -m 600 "$secrets" "$dir/secrets.env" \
      && mkdir -p "$dir/data" && { [ ! -d "$data" ] || rsync -a "$data/" "$dir/data/"; }; } >"$dir/backup.log" 2>&1; then
    echo "backup failed (nothing kept); the last lines of its log:" >&2; tail -n 15 "$dir/backup.log" >&2
    rm -rf "$dir"; exit 1
  fi
  { echo "instance=${INSTANCE:-}"; echo "created=$(date -u +%FT%TZ)"
    echo "schema_version=$(root_sql -N "$DB_NAME" -e 'SELECT MAX(version) FROM schema_version')"
    echo "evidence_files=$(find "$dir/data" -type f | wc -l)"; } >"$dir/manifest.tmp"
  mv "$dir/manifest.tmp" "$dir/manifest"
  echo "$dir"
}

# move_aside FROM TO: moves FROM/PATH to TO/PATH for each PATH on stdin, counting them in $moved (restore)
move_aside() {
  local f
  while IFS= read -r f; do
    mkdir -p "$2/${f%/*}" && mv "$1/$f" "$2/$f" || { echo "restore: cannot move $1/$f to $2 (see above)" >&2; return 1; }
    moved=$((moved + 1))
  done
}

# Put a backup of make backup back (make restore BACKUP=folder; the service is stopped by make around it): the
# instance's database files are moved aside (kept: $datadir.before-restore-TIME, removed by the operator once the
# restore is checked), the backup's copied back with its secrets.env (the password its mysql.user holds; one that
# differs is kept as secrets.env.before-restore-TIME), the files of DATA_DIR the backup has not moved to
# $VARDIR/data.before-restore-TIME, those the backup holds with another content (a file written again, or damaged on
# one side) to $VARDIR/data-replaced.before-restore-TIME, each named on stdout, and the backup's copied in, the database
# started, the evidence no row of it names moved aside too, its schema version checked against the manifest, and the migrations of this build applied (a backup
# of before an upgrade). A step that fails puts the instance back as it was (undo_restore): exit 1; 3 if that failed
# too; 2 for a folder that is no backup (nothing touched).
cmd_restore() {
  local dir=${1:-}
  if [ -z "$dir" ] || [ ! -f "$dir/manifest" ] || [ ! -d "$dir/db" ]; then
    echo "restore: '${dir}' is not a complete backup of make backup (a folder with manifest and db/); backups of this instance:" >&2
    ls -1d "${BACKUP_DIR:-$VARDIR/backup}"/*/ >&2 2>/dev/null || echo "  (none)" >&2
    exit 2
  fi
  local want; want=$(sed -n 's/^schema_version=//p' "$dir/manifest")
  stamp=before-restore-$(date -u +%Y%m%dT%H%M%SZ)
  # what undo_restore puts back: r_db (aside: the database moved to $aside; none: there was none), r_secrets (kept:
  # moved to secrets.env.$stamp; new: there was none), the evidence moved to $daside and $raside, the files in $r_added
  aside=$datadir.$stamp data=${DATA_DIR:-$VARDIR/data} daside=$VARDIR/data.$stamp raside=$VARDIR/data-replaced.$stamp
  r_was=0 r_db="" r_secrets="" r_added=$VARDIR/run/restore-added.$stamp moved=0
  local replaced=""
  if [ -e "$aside" ] || [ -e "$daside" ] || [ -e "$raside" ]; then
    echo "restore: $aside, $daside or $raside exists already: run it again" >&2; exit 2
  fi
  running && r_was=1
  cmd_stop
  trap 'undo_restore $?' EXIT
  trap 'exit 130' INT TERM HUP
  r_step="moving the database files aside"
  if [ -d "$datadir" ]; then mv "$datadir" "$aside"; r_db=aside; else r_db=none; fi
  r_step="copying the backup's database back (mariadb-backup --copy-back)"
  if ! mariadb-backup --no-defaults --copy-back --target-dir="$dir/db" --datadir="$datadir" >"$VARDIR/log/restore.log" 2>&1; then
    echo "restore: mariadb-backup --copy-back failed; the last lines of its log ($VARDIR/log/restore.log):" >&2
    tail -n 15 "$VARDIR/log/restore.log" >&2; exit 1
  fi
  r_step="installing the backup's secrets.env"
  if [ -f "$dir/secrets.env" ] && ! cmp -s "$dir/secrets.env" "$secrets"; then
    if [ -f "$secrets" ]; then mv "$secrets" "$secrets.$stamp"; r_secrets=kept; else r_secrets=new; fi
    install -m 600 "$dir/secrets.env" "$secrets"
  fi
  # the files the backup has not (evidence stored after it) are moved aside, not left to the restored database's
  # evidence sweep, which would delete those no row of it names: undoing the restore needs them
  r_step="moving aside the evidence the backup has not"
  mkdir -p "$data"
  move_aside "$data" "$daside" < <(comm -23 <(cd "$data" && find . -type f | LC_ALL=C sort) \
    <(cd "$dir/data" && find . -type f | LC_ALL=C sort))
  comm -13 <(cd "$data" && find . -type f | LC_ALL=C sort) <(cd "$dir/data" && find . -type f | LC_ALL=C sort) >"$r_added"
  # a file the backup holds too, with another content (an import's file of a job number used again after an earlier
  # restore; evidence damaged on one side: its name is its hash), is kept aside whole, never overwritten unseen. Found
  # by content (--checksum: every file both hold is read on both sides), not by size and time: a file damaged in place
  # whose size and time stayed, or set back, would otherwise be neither kept aside nor copied over (rsync's quick check)
  r_step="keeping aside the files the backup holds with another content"
  replaced=$(rsync -a -n --checksum --out-format='%i %n' "$dir/data/" "$data/" | sed -n 's|^>f[^+ ]* |./|p' | while IFS= read -r f; do
    cmp -s "$dir/data/$f" "$data/$f" || echo "$f"; done)
  if [ -n "$replaced" ]; then
    local m0=$moved
    move_aside "$data" "$raside" <<<"$replaced"
    moved=$m0
  fi
  r_step="copying the backup's evidence in"
  rsync -a "$dir/data/" "$data/"
  r_step="starting the restored database"
  cmd_start
  # so is the evidence content no row of it names (stored while the backup ran, after its database copy)
  r_step="moving aside the evidence no row of the restored database names"
  move_aside "$data" "$daside" < <(comm -23 <(cd "$data" && find . -mindepth 3 -maxdepth 3 -type f -regextype \
    posix-extended -regex '\./[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}' | LC_ALL=C sort) \
    <(root_sql -N "$DB_NAME" -e 'SELECT LOWER(HEX(sha256)) FROM evidence' | sed -E 's|^(..)(..)|./\1/\2/\1\2|' | LC_ALL=C sort))
  r_step="checking the restored database's schema version against the backup's manifest"
  local got; got=$(root_sql -N "$DB_NAME" -e 'SELECT MAX(version) FROM schema_version')
  if [ "$got" != "$want" ]; then echo "restore: schema version $got, the backup's manifest says $want" >&2; exit 1; fi
  r_step="applying this build's migrations"
  cmd_migrate
  got=$(root_sql -N "$DB_NAME" -e 'SELECT MAX(version) FROM schema_version')
  trap - EXIT INT TERM HUP
  rm -f "$r_added"
  if [ -n "$replaced" ]; then report_replaced "$dir/data" "$raside" "$replaced"; fi
  echo "restored $dir (schema version $got); the database files before it are in $aside$([ "$moved" = 0 ] ||
    echo "; the files of $data it does not name ($moved) are in $daside")"
}

# report_replaced BACKUP KEPT PATHS: says on stdout, for each of the lines of PATHS, that the instance's file is kept in
# KEPT and the backup's copied in; of an evidence file (named by its content's SHA-256), which copy is whole
report_replaced() {
  local f h
  echo "restore: $(grep -c . <<<"$3") file(s) of $data had another content in the backup: the instance's are kept" \
    "in $2, the backup's copied in (compare them; put one back by hand if it is the right one):"
  while IFS= read -r f; do
    h=${f##*/}
    if [[ $h =~ ^[0-9a-f]{64}$ ]]; then
      printf '  %s: the backup'"'"'s copy %s its hash, the instance'"'"'s %s\n' "${f#./}" \
        "$([ "$(sha256sum <"$1/$f" | cut -c1-64)" = "$h" ] && echo matches || echo "does not match (damaged)")" \
        "$([ "$(sha256sum <"$2/$f" | cut -c1-64)" = "$h" ] && echo matches || echo "does not (damaged)")"
    else echo "  ${f#./}"; fi
  done <<<"$3"
}

# move_back FOLDER: moves every file of FOLDER back to $data, removing FOLDER (undo_restore)
move_back() {
  move_aside "$1" "$data" < <(cd "$1" && find . -type f) || return 1
  find "$1" -depth -type d -empty -delete
  if [ -d "$1" ]; then echo "restore: files remain in $1" >&2; return 1; fi
}

# undo_restore STATUS (cmd_restore's EXIT trap): puts back the database files, secrets.env and evidence of before the
# restore, starts the database if it ran before; exits 1, or 3 saying what is where if a step of this fails too
undo_restore() {
  trap - EXIT INT TERM HUP
  set +e
  local ok=1 f
  echo "restore: failed while $r_step (exit status $1); putting the instance back as it was before the restore" >&2
  # no mariadbd may run on the restored files: the one started (pid file), or one that is still starting
  (cmd_stop) || ok=0
  if [ -n "${started:-}" ] && alive "$started"; then
    kill "$started"; for _ in $(seq 1 300); do alive "$started" || break; sleep 0.1; done
    alive "$started" && { echo "restore: MariaDB (pid $started) on the restored files does not stop" >&2; ok=0; }
  fi
  if [ "$ok" = 1 ] && [ -n "$r_db" ]; then
    rm -rf "$datadir" || ok=0
    if [ "$r_db" = aside ] && [ "$ok" = 1 ]; then mv "$aside" "$datadir" || ok=0; fi
  fi
  case $r_secrets in
    kept) mv "$secrets.$stamp" "$secrets" || ok=0 ;;
    new) rm -f "$secrets" || ok=0 ;;
  esac
  # the evidence moved aside goes back, the files the backup added go, then the instance's files the backup held with
  # another content go back over its copies (one of those copies the evidence sweep moved aside came back just before)
  if [ -d "$daside" ]; then move_back "$daside" || ok=0; fi
  if [ -f "$r_added" ]; then
    while IFS= read -r f; do rm -f "$data/$f" || ok=0; done <"$r_added"
    rm -f "$r_added"
  fi
  if [ -d "$raside" ]; then move_back "$raside" || ok=0; fi
  if [ "$ok" = 1 ] && [ "$r_was" = 1 ]; then (cmd_start) || ok=0; fi
  if [ "$ok" = 1 ]; then
    echo "restore: the instance is as it was before the restore (database files, secrets.env, evidence);" \
      "its database $([ "$r_was" = 1 ] && echo "started again" || echo "left stopped, as it was")" >&2
    exit 1
  fi
  echo "restore: putting the instance back failed too (see above); the database files of before the restore are in" \
    "$([ "$r_db" = aside ] && [ -d "$aside" ] && echo "$aside" || echo "$datadir"), a replaced secrets.env in" \
    "$secrets.$stamp, evidence in $daside and $raside: put them back by hand (README, \"Backup and restore\")" >&2
  exit 3
}

case "${1:-}" in
  init|start|stop|migrate) "cmd_$1" ;;
  seed) shift; cmd_seed "$@" ;;
  sql) shift; cmd_sql "$@" ;;
  backup) cmd_backup ;;
  restore) cmd_restore "${2:-}" ;;
  status) if running; then echo "mariadb: running (pid $(cat "$pidf"), port $DB_PORT)"; else echo "mariadb: stopped"; fi ;;
  *) echo "usage: $0 init|start|stop|migrate|seed FILES|sql ARGS|backup|restore DIR|status" >&2; exit 2 ;;
esac
