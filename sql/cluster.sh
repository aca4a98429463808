#!/usr/bin/env bash
# cluster.sh (issue 15): a Galera cluster on one host: three MariaDB nodes (sql/db.sh with each node's wsrep options),
# two xueji service processes (the Makefile's service-start, each its own FastCGI port), one nginx with both in its
# upstream (nginx/render.sh with FCGI_PORTS), one shared evidence folder.
#   cluster.sh start|stop|status|node-start N|node-stop N|node-kill N|svc-start N|svc-stop N|svc-kill N|nginx-reload|pin-start N|pin-stop N
# Layout under CLUSTER_VARDIR (default var/cluster): node1..3/ (data, socket, log), svc1..2/ (log, pid), nginx/, data/
# (the evidence folder every service process shares: on several hosts, one network mount), log/access.log (the
# services' one access log, lines appended whole), secrets.env.
# Ports from CLUSTER_PORT (default 30530): +0 nginx, +1/+2 services, +5/+6 a test's nginx pinned to service 1/2
# (pin-start), node i: +10+i MariaDB, +20+i Galera, +30+i IST, +40+i SST (rsync).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
CV=${CLUSTER_VARDIR:-$root/var/cluster}
CP=${CLUSTER_PORT:-30530}
NODES=${CLUSTER_NODES:-3}
SVCS=${CLUSTER_SERVICES:-2}
BUILD=${BUILD:-build}
gport() { echo $((CP + 20 + $1)); }
dbport() { echo $((CP + 10 + $1)); }
nodes_list() { local i s=""; for i in $(seq 1 "$NODES"); do s="$s${s:+,}127.0.0.1:$(dbport "$i")"; done; echo "$s"; }
gcomm() { local i s=""; for i in $(seq 1 "$NODES"); do s="$s${s:+,}127.0.0.1:$(gport "$i")"; done; echo "gcomm://$s"; }
fcgi_ports() { local i s=""; for i in $(seq 1 "$SVCS"); do s="$s $((CP + i))"; done; echo "$s"; }

# a node's mariadbd options: wsrep on, its own Galera/IST/SST ports, small caches (two cores, a shared host). A commit
# is durable once certified: its writeset is in the memory of every node of the primary component before COMMIT returns
# (and applied or queued there), so each node writes its InnoDB log at every commit but flushes it to disk once a
# second (innodb_flush_log_at_trx_commit=2, CLUSTER_FLUSH; the usual Galera setting): a kill -9 of a node loses nothing
# (the log is in the operating system's cache), only a power cut of every node's machine at once could lose the last
# second. With 1, each commit costs three fsyncs on this one disk (the writer's and both appliers').
# Flow control (issue 15 speed): with one writer, a replica's queue of writesets to apply only delays that replica (reads
# go to the writer, and a new writer waits for its queue by the service's causal read); gcs.fc_limit=64 paused every
# commit of the cluster 6.3 s in a 20-s decision bench here (the replicas get a small share of the 2 cores), 500 not at
# all (queue at most ~300: under a second to apply on failover). fc_single_primary: the limit is not scaled by the
# number of writers.
node_args() {
  local i=$1
  echo "--wsrep-on=ON --wsrep-provider=/usr/lib/galera/libgalera_smm.so --wsrep-cluster-name=xueji" \
    "--wsrep-cluster-address=$(gcomm) --wsrep-node-name=node$i --wsrep-node-address=127.0.0.1:$(gport "$i")" \
    "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:$(gport "$i");ist.recv_addr=127.0.0.1:$((CP + 30 + i));gcache.size=64M;gcache.recover=yes;gcs.fc_limit=500;gcs.fc_factor=0.8;gcs.fc_single_primary=YES;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S" \
    "--wsrep-sst-method=${CLUSTER_SST:-rsync} --wsrep-sst-receive-address=127.0.0.1:$((CP + 40 + i))" \
    "--binlog-format=ROW --innodb-autoinc-lock-mode=2 --wsrep-slave-threads=2 --innodb-log-file-size=48M" \
    "--innodb-flush-log-at-trx-commit=${CLUSTER_FLUSH:-2}"
}

db() { # db N CMD...: sql/db.sh on node N
  local i=$1; shift
  VARDIR=$CV/node$i DB_PORT=$(dbport "$i") DB_BUFFER_POOL=${CLUSTER_BUFFER_POOL:-64M} DB_START_WAIT=1200 \
    DB_EXTRA_ARGS="$(node_args "$i") ${EXTRA:-}" "$here/db.sh" "$@"
}

secrets() { # one password for the cluster (the users replicate): each node's and service's folder has a copy
  mkdir -p "$CV"
  if [ ! -f "$CV/secrets.env" ]; then
    (umask 077; echo "XJ_DB_PASSWORD=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$CV/secrets.env")
  fi
  local d; for d in "$@"; do mkdir -p "$d"; cp "$CV/secrets.env" "$d/secrets.env"; done
}

# A stopped cluster restarts from the node that holds its last commits (Galera's "recovering the primary component after
# a full cluster outage"): the node whose grastate.dat says safe_to_bootstrap: 1 (Galera writes it on the last node to
# leave the cluster cleanly); after a crash of all nodes none does, and the node with the highest seqno is taken:
# grastate.dat's on a clean stop, InnoDB's (`--wsrep-recover`) after a kill (seqno -1), ties to the lowest number. Node 1
# always bootstrapping lost acknowledged writes when it had stopped before the others (issue 15).
declare -A POS=() # node -> its recovered position uuid:seqno, once found (a recovery starts a mariadbd: seconds)
BOOT="" WHY="" BY_POS=0

# grastate N FIELD: a field of node N's grastate.dat (uuid, seqno, safe_to_bootstrap); empty without the file
grastate() {
  local f=$CV/node$1/db/grastate.dat
  if [ -f "$f" ]; then sed -n "s/^$2: *//p" "$f" | head -n 1; fi
}

# node_up N: node N's mariadbd runs
node_up() { db "$1" status 2>/dev/null | grep -q running; }

# has_state N: node N holds a cluster's data (a grastate.dat with a cluster's uuid); not a new or never-joined node
has_state() {
  local u; u=$(grastate "$1" uuid)
  [ -n "$u" ] && [ "$u" != 00000000-0000-0000-0000-000000000000 ]
}

# position N: sets POS[N] to node N's last committed position uuid:seqno (the recovered one when grastate says -1)
position() {
  local i=$1 s; s=$(grastate "$i" seqno)
  if [ -n "${POS[$i]:-}" ]; then return 0; fi
  if [ "$s" = -1 ]; then POS[$i]=$(recover_position "$i"); else POS[$i]="$(grastate "$i" uuid):$s"; fi
}

# choose_bootstrap: sets BOOT (the node a stopped cluster starts from), WHY and BY_POS; refuses nodes of two clusters
choose_bootstrap() {
  local i u uuid="" seen="" safe="" best="" bs=-1 s
  for i in $(seq 1 "$NODES"); do
    has_state "$i" || continue
    u=$(grastate "$i" uuid); seen="$seen node$i=$u"
    if [ -z "$uuid" ]; then uuid=$u
    elif [ "$u" != "$uuid" ]; then
      echo "cluster.sh: the nodes' data are of different clusters (grastate.dat uuid:$seen): not starting. Keep the" \
        "data of the cluster to go on with; move each other node's folder aside (mv $CV/nodeN/db $CV/nodeN/db.other)" \
        "so that it joins by a full state transfer; then start again" >&2
      return 1
    fi
    if [ -z "$safe" ] && [ "$(grastate "$i" safe_to_bootstrap)" = 1 ]; then safe=$i; fi
  done
  BOOT=1 BY_POS=0 WHY="a new cluster (no node has data)"
  if [ -z "$uuid" ]; then return 0; fi
  if [ -n "$safe" ]; then
    BOOT=$safe WHY="its grastate.dat says safe_to_bootstrap: 1 (the last node to leave the cluster), seqno $(grastate "$safe" seqno)"
    return 0
  fi
  # none safe (all crashed, or stopped with none left last): the highest position; a uuid recovered from InnoDB differs
  # from grastate's only if the folder holds another cluster's data
  local all=""
  for i in $(seq 1 "$NODES"); do
    has_state "$i" || continue
    position "$i"; all="$all node$i=${POS[$i]:-unknown}"
    u=${POS[$i]%:*}
    if [ -n "$u" ] && [ "$u" != 00000000-0000-0000-0000-000000000000 ] && [ "$u" != "$uuid" ]; then
      echo "cluster.sh: node $i's recovered position ${POS[$i]} is not of cluster $uuid (its grastate.dat): not starting;" \
        "move its folder aside (mv $CV/node$i/db $CV/node$i/db.other) so that it joins by a full state transfer" >&2
      return 1
    fi
    s=${POS[$i]##*:}
    if [ -n "${POS[$i]}" ] && [ "$s" -gt "$bs" ]; then best=$i bs=$s; fi
  done
  if [ -z "$best" ]; then
    echo "cluster.sh: no node's position could be recovered (positions:$all; see $CV/node*/log/wsrep-recover.log):" \
      "not starting" >&2
    return 1
  fi
  BOOT=$best BY_POS=1
  WHY="no node is safe_to_bootstrap (not a clean stop); its recovered position is the highest (positions:$all)"
}

# node_bootstrap N: starts node N as a new primary component from its own state (--wsrep-new-cluster)
node_bootstrap() {
  local i=$1; local f=$CV/node$i/db/grastate.dat
  secrets "$CV/node$i"
  # chosen by position: what Galera's docs say to do by hand (it refuses to bootstrap from an unsafe node otherwise)
  if [ "$BY_POS" = 1 ]; then sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$f"; fi
  if [ "$(grastate "$i" seqno)" = -1 ]; then position "$i"; fi
  EXTRA="--wsrep-new-cluster${POS[$i]:+ --wsrep-start-position=${POS[$i]}}" db "$i" start
}

# node_join N: starts node N joining the running nodes (IST of the writesets it missed, or SST when it has no data)
node_join() {
  local i=$1
  secrets "$CV/node$i"
  # a joiner: no install (the donor's state arrives by SST); the rsync daemon of an SST started by root runs as
  # nobody (wsrep_sst_rsync's rsyncd.conf sets no uid), so the node's folder must be its own
  mkdir -p "$CV/node$i/db"
  local pos=""
  if [ "$(grastate "$i" seqno)" = -1 ]; then position "$i"; pos=${POS[$i]}; fi
  if [ "$(id -u)" = 0 ]; then chown -R nobody:nogroup "$CV/node$i/db"; fi
  EXTRA="${pos:+--wsrep-start-position=$pos}" DB_NO_INSTALL=1 db "$i" start
}

# node_start N (cluster.sh node-start): node N joins the running nodes; with none running, only the node
# choose_bootstrap picks may start, and bootstraps
node_start() {
  local i=$1
  if node_up "$i"; then return 0; fi
  if any_node_up_except "$i"; then node_join "$i"; return 0; fi
  choose_bootstrap
  if [ "$BOOT" != "$i" ]; then
    echo "cluster.sh: no node runs, and node $i is not the one to start from: node $BOOT ($WHY); use cluster.sh start" >&2
    return 1
  fi
  echo "cluster: node $i bootstraps the cluster: $WHY"
  node_bootstrap "$i"
}

# start_nodes: starts every stopped node; with none running, the chosen node bootstraps and the others join it
start_nodes() {
  local i up=""
  for i in $(seq 1 "$NODES"); do if node_up "$i"; then up="$up $i"; fi; done
  if [ -z "$up" ]; then
    choose_bootstrap
    echo "cluster: node $BOOT bootstraps the cluster: $WHY"
    node_bootstrap "$BOOT"
  else
    echo "cluster: node(s)$up running: the stopped nodes join them"
  fi
  for i in $(seq 1 "$NODES"); do if ! node_up "$i"; then node_join "$i"; fi; done
  for i in $(seq 1 "$NODES"); do wait_synced "$i"; done
}

# wsrep N: node N's place in the cluster, "cluster_status|local_state_comment|ready|cluster_size" (SHOW, which a node
# answers also outside the primary component, where other statements fail: error 1047); empty when it does not answer
wsrep() {
  mariadb --no-defaults -uroot --socket="$CV/node$1/run/db.sock" --connect-timeout=2 -N -B -e "SHOW GLOBAL STATUS WHERE
    Variable_name IN ('wsrep_cluster_status', 'wsrep_local_state_comment', 'wsrep_ready', 'wsrep_cluster_size')" \
    2>/dev/null | awk -F '\t' '{ v[tolower($1)] = $2 } END { if (NR) print v["wsrep_cluster_status"] "|" \
      v["wsrep_local_state_comment"] "|" v["wsrep_ready"] "|" v["wsrep_cluster_size"] }' || true
}

# wait_synced N: waits (up to CLUSTER_SYNC_WAIT s, 600) until node N has its state (Synced): a joiner's IST or SST
wait_synced() {
  local i=$1 st=""
  for _ in $(seq 1 $((${CLUSTER_SYNC_WAIT:-600} * 5))); do
    st=$(wsrep "$i" | cut -d '|' -f 2)
    if [ "$st" = Synced ]; then return 0; fi
    sleep 0.2
  done
  echo "cluster.sh: node $i is not Synced (${st:-no answer}); see $CV/node$i/log/mariadb.log" >&2
  return 1
}

# After a kill -9 the node's grastate.dat says seqno -1: it no longer knows how far it got and would ask for a full
# state transfer (SST: the donor's whole data folder). `mariadbd --wsrep-recover` reads the last committed position
# from InnoDB (what mysqld_safe does) and prints "WSREP: Recovered position: uuid:seqno" to its error log; started at
# that position the node asks only for the writesets it missed (IST, from a donor's gcache).
recover_position() {
  local i=$1; local d=$CV/node$i/db
  [ -f "$d/grastate.dat" ] && [ -d "$d/mysql" ] && grep -q '^seqno: *-1' "$d/grastate.dat" || return 0
  local log=$CV/node$i/log/wsrep-recover.log
  rm -f "$log"
  # shellcheck disable=SC2046
  mariadbd --no-defaults --datadir="$d" --user="$(id -un)" $(node_args "$i") --innodb-buffer-pool-size=32M \
    --wsrep-recover --log-error="$log" >/dev/null 2>&1 || true
  sed -n 's/.*WSREP: Recovered position: *\([0-9a-f-]*:[0-9-]*\).*/\1/p' "$log" | tail -n 1
}

# any_node_up_except N: a node other than N runs
any_node_up_except() {
  local i; for i in $(seq 1 "$NODES"); do
    [ "$i" = "$1" ] && continue
    db "$i" status 2>/dev/null | grep -q running && return 0
  done
  return 1
}

# svc_pid N: the pid of service process N when it runs (else nothing, status 1)
svc_pid() { local pf=$CV/svc$1/run/service.pid; [ -f "$pf" ] && kill -0 "$(cat "$pf")" 2>/dev/null && cat "$pf"; }

svc() { # svc N TARGET: the Makefile's service-start/-stop for service process N
  local i=$1 t=$2
  secrets "$CV/svc$i"
  mkdir -p "$CV/log"
  make -C "$root" --no-print-directory "$t" INSTANCE=cluster VARDIR="$CV/svc$i" FCGI_PORT=$((CP + i)) \
    SVC_DB_SOCKET="$CV/node1/run/db.sock" SVC_DATA_DIR="$CV/data" SVC_ACCESS_LOG="$CV/log/access.log" XJ_PROCESSES="${CLUSTER_XJ_PROCESSES:-1}" \
    XJ_THREADS="${CLUSTER_XJ_THREADS:-48}" XJ_TEST_HOOKS="${XJ_TEST_HOOKS:-0}" BUILD="$BUILD"
}

nginx_make() {
  FCGI_PORTS="$(fcgi_ports)" make -C "$root" --no-print-directory "$1" INSTANCE=cluster VARDIR="$CV" PORT="$CP" FCGI_PORT=$((CP + 1)) \
    BUILD="$BUILD"
}

# For a test that must choose the service process (and so the node) a request goes through: an nginx of its own
# (pin<N>/, port CLUSTER_PORT+4+N) whose upstream is service N alone; the cluster's nginx keeps both.
pin_make() {
  FCGI_PORTS=$((CP + $2)) make -C "$root" --no-print-directory "$1" INSTANCE=cluster VARDIR="$CV/pin$2" PORT=$((CP + 4 + $2)) \
    FCGI_PORT=$((CP + $2)) BUILD="$BUILD"
}

cmd_start() {
  local i
  start_nodes
  # migrations and seed data once, on node 1 (DDL replicates in total order); the service user also over TCP; the
  # divisions, and the demo unless DEMO=0 (the Makefile's seed-db, the choice kept in $CV/demo as an instance's)
  DB_USER_HOSTS="localhost 127.0.0.1" db 1 migrate
  make -C "$root" --no-print-directory seed-data VARDIR="$CV" >/dev/null
  make -C "$root" --no-print-directory seed-db VARDIR="$CV" SEED_DB_VARDIR="$CV/node1" BUILD="$BUILD"
  export XJ_DB_NODES=${XJ_DB_NODES:-$(nodes_list)}
  # a cluster partly running (a node or a service process lost): the stopped ones are started, the running ones left
  # as they are, as for the nodes (the Makefile's service-start refuses a running service)
  local p
  for i in $(seq 1 "$SVCS"); do
    if p=$(svc_pid "$i"); then
      echo "cluster: service process $i runs (pid $p): left as it is (make cluster-stop, then make cluster, loads a new build)"
    else svc "$i" service-start; fi
  done
  nginx_make nginx-start
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$CP/api/v1/health" && break; sleep 0.1; done
  curl -fsS "http://127.0.0.1:$CP/api/v1/health" && echo
  echo "xueji cluster: http://127.0.0.1:$CP/ ($NODES Galera nodes: $(nodes_list); services on ports$(fcgi_ports);" \
    "evidence in $CV/data; demo data: $([ "$(cat "$CV/demo")" = 1 ] && echo "yes" || echo "none (DEMO=0)");" \
    "stop with: make cluster-stop)"
}

cmd_stop() {
  local i
  nginx_make nginx-stop || true
  for i in $(seq 1 "$SVCS"); do [ -d "$CV/pin$i" ] && pin_make nginx-stop "$i" || true; done
  for i in $(seq 1 "$SVCS"); do svc "$i" service-stop || true; done
  # reverse order: node 1 stops last, safe to bootstrap from (a node stopped before keeps its grastate: start chooses)
  for i in $(seq "$NODES" -1 1); do db "$i" stop || true; done
}

# cmd_status (make cluster-status): each node's mariadbd and, running, its place in the cluster (wsrep_cluster_status,
# wsrep_local_state_comment, wsrep_ready, wsrep_cluster_size), saying plainly when it runs but serves nothing (outside
# the primary component: a node alone after the others died); a stopped node's grastate.dat; the services, nginx; last,
# whether the cluster serves. Exit 0: every node Synced in the primary component, every service process and nginx
# running; 3: serving, but degraded (a node or service process missing: one failure more may stop it); 1: not serving
# (no node in a primary component, no service process, or no nginx). A running node no longer counts as serving.
cmd_status() {
  local i w cs st rd sz up=0 prim=0 synced=0 svcs=0 web=0 why=""
  for i in $(seq 1 "$NODES"); do
    printf 'node%s: %s' "$i" "$(db "$i" status)"
    if node_up "$i"; then
      up=$((up + 1)) w=$(wsrep "$i")
      IFS='|' read -r cs st rd sz <<<"${w:-|||}"
      if [ -z "$w" ]; then printf ': up, not answering (starting, stopping or hung: see %s)' "$CV/node$i/log/mariadb.log"
      else
        printf ' cluster_status=%s state=%s ready=%s cluster_size=%s' "$cs" "$st" "$rd" "$sz"
        if [ "$cs" != Primary ]; then printf ': up, NOT in the primary component: refuses reads and writes'
        elif [ "$rd" != ON ]; then printf ': up, in the primary component but not ready (%s): refuses reads and writes' "$st"
        elif [ "$st" != Synced ]; then prim=$((prim + 1)); printf ': serving, not synced (%s)' "$st"
        else prim=$((prim + 1)) synced=$((synced + 1)); fi
      fi
    elif [ -f "$CV/node$i/db/grastate.dat" ]; then
      # what a start chooses by: seqno -1 is a node that did not stop cleanly (its position is InnoDB's, recovered)
      printf ' seqno=%s safe_to_bootstrap=%s uuid=%s' "$(grastate "$i" seqno)" "$(grastate "$i" safe_to_bootstrap)" \
        "$(grastate "$i" uuid)"
    fi
    echo
  done
  for i in $(seq 1 "$SVCS"); do
    local p
    if p=$(svc_pid "$i"); then
      svcs=$((svcs + 1)); echo "service$i: running (pid $p, port $((CP + i)))"
    else echo "service$i: stopped"; fi
  done
  if [ -f "$CV/run/nginx.pid" ] && kill -0 "$(cat "$CV/run/nginx.pid")" 2>/dev/null; then
    web=1; echo "nginx: running on http://127.0.0.1:$CP/"; else echo "nginx: stopped"; fi
  curl -sS --max-time 2 "http://127.0.0.1:$CP/api/v1/health" 2>/dev/null && echo || true
  if [ "$up" = 0 ]; then why="no node runs (make cluster starts the cluster)"
  elif [ "$prim" = 0 ]; then why="no running node is in a primary component (a primary component needs more than half of"
    why="$why the nodes of the last one: a node left alone refuses reads and writes); start each stopped node"
    why="$why (sql/cluster.sh node-start N: it joins), or see README, \"A node alone\", when they cannot come back"
  elif [ "$svcs" = 0 ]; then why="no service process runs (sql/cluster.sh svc-start N starts one)"
  elif [ "$web" = 0 ]; then why="nginx is stopped (sql/cluster.sh nginx-reload starts it)"; fi
  if [ -n "$why" ]; then echo "cluster: NOT serving: $why"; return 1; fi
  if [ "$synced" -lt "$NODES" ] || [ "$svcs" -lt "$SVCS" ]; then
    echo "cluster: serving, degraded: $synced of $NODES nodes synced in the primary component, $svcs of $SVCS service" \
      "processes (one more lost may stop it: sql/cluster.sh node-start N, svc-start N start the stopped ones)"
    return 3
  fi
  echo "cluster: serving: $synced of $NODES nodes synced in the primary component, $svcs of $SVCS service processes, nginx"
}

# for the fault test: kill -9 and restart one node or one service process
cmd_node_kill() { local pf=$CV/node$1/run/db.pid; [ -f "$pf" ] && kill -9 "$(cat "$pf")" 2>/dev/null; rm -f "$pf"; }
cmd_svc_kill() {
  local pf=$CV/svc$1/run/service.pid
  if [ -f "$pf" ]; then local p; p=$(cat "$pf"); pkill -9 -P "$p" 2>/dev/null || true; kill -9 "$p" 2>/dev/null || true; fi
  rm -f "$pf"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  node-start) node_start "$2" ;;
  node-kill) cmd_node_kill "$2" ;;
  node-stop) db "$2" stop ;;
  svc-start) export XJ_DB_NODES=${XJ_DB_NODES:-$(nodes_list)}; svc "$2" service-start ;;
  svc-kill) cmd_svc_kill "$2" ;;
  svc-stop) svc "$2" service-stop ;;
  nginx-reload) nginx_make nginx-start ;; # new workers: every service counts as up again (nginx's fail_timeout)
  pin-start) pin_make nginx-start "$2" ;;
  pin-stop) pin_make nginx-stop "$2" ;;
  nodes) nodes_list ;;
  sql) shift; i=$1; shift; db "$i" sql "$@" ;;
  *) echo "usage: $0 start|stop|status|node-start N|node-stop N|node-kill N|svc-start N|svc-stop N|svc-kill N|nginx-reload|pin-start N|pin-stop N|nodes|sql N ARGS" >&2; exit 2 ;;
esac
