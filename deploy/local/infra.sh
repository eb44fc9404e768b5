#!/usr/bin/env bash
# Local infrastructure for houqin: a project-local PostgreSQL cluster and a single-node
# Apache Kafka broker, or a 3-broker cluster (KRaft, jars from Maven Central), no Docker.
# See deploy/local/README.md.
#
#   deploy/local/infra.sh <command> [--instance demo|test|fault|cluster|h1-h4] [--brokers 1|3]
#
# Data lives in <project>/.data/<instance>/{pg,kafka,logs,run} (a cluster's nodes in
# kafka/node-<n>); the Kafka jars in <project>/.data/kafka-libs-<version>/ (shared by instances).
set -Eeuo pipefail

PROG=infra.sh
SCRIPT_DIR=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
ROOT_DIR=$(cd "$SCRIPT_DIR/../.." && pwd -P)   # project root: two levels above this script
KAFKA_CONF_DIR=$SCRIPT_DIR/kafka
DATA_ROOT=$ROOT_DIR/.data

KAFKA_VERSION=${HOUQIN_KAFKA_VERSION:-4.3.1}
LIBS_DIR=$DATA_ROOT/kafka-libs-$KAFKA_VERSION

PG_SUPERUSER=postgres
PG_PASSWORD=postgres
PG_DATABASE=houqin
PG_START_TIMEOUT=60      # seconds
KAFKA_START_TIMEOUT=180  # seconds (cold JVM on 2 cores)
KAFKA_STOP_TIMEOUT=30    # seconds between SIGTERM and SIGKILL

usage() {
  cat <<EOF
usage: deploy/local/infra.sh <command> [--instance NAME] [--brokers 1|3] [--node N]

commands:
  start         install what is missing, start PostgreSQL and Kafka, wait until ready
  stop          stop both (Kafka: SIGTERM, SIGKILL after ${KAFKA_STOP_TIMEOUT}s; PostgreSQL: fast)
  status        running/stopped per component; exit 0 if both run, else 3
  env           print export lines (eval "\$($PROG env --instance test)")
  pg-start | pg-stop | pg-restart
  kafka-start | kafka-stop | kafka-kill   (kill = SIGKILL the broker and wait;
                with --node N only node N of a cluster)

instances (default demo):
  demo  PostgreSQL 127.0.0.1:15432  Kafka 127.0.0.1:19092 (controller 19093)
  test  PostgreSQL 127.0.0.1:25432  Kafka 127.0.0.1:29092 (controller 29093)
  fault PostgreSQL 127.0.0.1:30432  Kafka 127.0.0.1:31092 (controller 31093)
  h1-h4 PostgreSQL 127.0.0.1:21432-24432  Kafka 127.0.0.1:21092-24092 (one per developer)
  cluster PostgreSQL 127.0.0.1:26432  Kafka 127.0.0.1:26092,26102,26112 (3 brokers; CI's
        broker-kill and replica tests)
--brokers 3 (or HOUQIN_KAFKA_BROKERS=3) runs Kafka as a cluster of 3 combined broker and
controller nodes (3 voters; topics with replication 3 and min.insync.replicas 2); node n
listens on the instance's Kafka and controller ports + 10*(n-1). An instance remembers its
choice (.data/<instance>/kafka/brokers), so later commands need no option; \`cluster\` has 3
by default, every other instance 1. Switching needs a stopped Kafka.
Every port sits below Linux's ephemeral range (32768-60999), so a passing outgoing
connection never holds one.
Kafka asks every client for a SASL/SCRAM sign-in; \`env\` prints the super user's.
  ports overridable with HOUQIN_PG_PORT, HOUQIN_KAFKA_PORT, HOUQIN_KAFKA_CONTROLLER_PORT;
  Kafka version with HOUQIN_KAFKA_VERSION (default 4.3.1).
EOF
}

# ---------------------------------------------------------------------------------------
# Messages: results on stdout, progress on stderr, errors as one line on stderr.
# ---------------------------------------------------------------------------------------
info() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
on_err() {
  local rc=$? cmd=$1 line=$2
  # Inside $(...) stay quiet: the caller reports the failure.
  ((BASH_SUBSHELL == 0)) && printf '%s: error: unexpected failure (line %s): %s\n' \
    "$PROG" "$line" "$cmd" >&2
  exit "$rc"
}
trap 'on_err "$BASH_COMMAND" "$LINENO"' ERR

is_root() { [[ $EUID -eq 0 ]]; }

# ---------------------------------------------------------------------------------------
# Command line and instance layout
# ---------------------------------------------------------------------------------------
parse_args() {
  COMMAND=""
  INSTANCE=demo
  BROKERS_ARG=${HOUQIN_KAFKA_BROKERS:-}
  NODE_ARG=""
  while (($#)); do
    case $1 in
      --instance) [[ $# -ge 2 ]] || die "--instance needs a name"; INSTANCE=$2; shift 2 ;;
      --instance=*) INSTANCE=${1#*=}; shift ;;
      --brokers) [[ $# -ge 2 ]] || die "--brokers needs a number"; BROKERS_ARG=$2; shift 2 ;;
      --brokers=*) BROKERS_ARG=${1#*=}; shift ;;
      --node) [[ $# -ge 2 ]] || die "--node needs a number"; NODE_ARG=$2; shift 2 ;;
      --node=*) NODE_ARG=${1#*=}; shift ;;
      -h | --help | help) usage; exit 0 ;;
      -*) die "unknown option '$1' (see --help)" ;;
      *) [[ -z $COMMAND ]] || die "unexpected argument '$1' (see --help)"; COMMAND=$1; shift ;;
    esac
  done
  [[ -n $COMMAND ]] || { usage >&2; exit 2; }
}

# Sets ports and paths of $INSTANCE.
setup_instance() {
  local pg kafka controller brokers=1
  case $INSTANCE in
    demo) pg=15432 kafka=19092 controller=19093 ;;
    test) pg=25432 kafka=29092 controller=29093 ;;
    fault) pg=30432 kafka=31092 controller=31093 ;;  # fault-injection tests beside a busy `test`
    h1) pg=21432 kafka=21092 controller=21093 ;;  # h1-h4: one each for developers working
    h2) pg=22432 kafka=22092 controller=22093 ;;  # side by side on one machine
    h3) pg=23432 kafka=23092 controller=23093 ;;
    h4) pg=24432 kafka=24092 controller=24093 ;;
    cluster) pg=26432 kafka=26092 controller=26093 ;;  # a 3-broker cluster (see brokers below)
    *) die "unknown instance '$INSTANCE' (expected demo, test, fault, cluster or h1-h4)" ;;
  esac
  [[ $INSTANCE != cluster ]] || brokers=3
  PG_PORT=${HOUQIN_PG_PORT:-$pg}
  KAFKA_PORT=${HOUQIN_KAFKA_PORT:-$kafka}
  CONTROLLER_PORT=${HOUQIN_KAFKA_CONTROLLER_PORT:-$controller}
  check_port HOUQIN_PG_PORT "$PG_PORT"
  check_port HOUQIN_KAFKA_PORT "$KAFKA_PORT"
  check_port HOUQIN_KAFKA_CONTROLLER_PORT "$CONTROLLER_PORT"
  [[ $KAFKA_PORT != "$CONTROLLER_PORT" ]] || die "Kafka and controller ports must differ ($KAFKA_PORT)"
  KAFKA_BASE_PORT=$KAFKA_PORT
  CONTROLLER_BASE_PORT=$CONTROLLER_PORT

  INST_DIR=$DATA_ROOT/$INSTANCE
  PG_DIR=$INST_DIR/pg
  KAFKA_DIR=$INST_DIR/kafka
  KAFKA_CLUSTER_ID_FILE=$KAFKA_DIR/cluster.id
  KAFKA_SECRETS=$KAFKA_DIR/secrets          # kafka-password-<user>: admin here, the rest by kafka_acl
  KAFKA_ADMIN_PW_FILE=$KAFKA_SECRETS/kafka-password-admin
  KAFKA_BROKERS_FILE=$KAFKA_DIR/brokers     # how many brokers this instance runs (1 or 3)
  LOG_DIR=$INST_DIR/logs
  RUN_DIR=$INST_DIR/run
  PG_LOG=$LOG_DIR/postgresql.log
  # --brokers (or HOUQIN_KAFKA_BROKERS), else what the instance last started with, else its default
  BROKERS=${BROKERS_ARG:-$(cat "$KAFKA_BROKERS_FILE" 2>/dev/null || echo "$brokers")}
  [[ $BROKERS == 1 || $BROKERS == 3 ]] || die "--brokers must be 1 or 3 (got '$BROKERS')"
  if ((BROKERS > 1)); then
    check_port "the last broker's port" $((KAFKA_PORT + 10 * (BROKERS - 1)))
    check_port "the last controller's port" $((CONTROLLER_PORT + 10 * (BROKERS - 1)))
    (((KAFKA_PORT - CONTROLLER_PORT) % 10 != 0)) ||
      die "with $BROKERS brokers, Kafka and controller ports must differ by other than a multiple of 10"
  fi
  if [[ -n $NODE_ARG ]]; then
    [[ $NODE_ARG =~ ^[0-9]+$ ]] && ((NODE_ARG >= 1 && NODE_ARG <= BROKERS)) ||
      die "--node must be 1..$BROKERS for instance $INSTANCE"
  fi
  kafka_node 1
}

# kafka_node <n>: points the KAFKA_* variables at node n. One broker keeps the layout it
# always had (kafka/data, logs/kafka.out, run/kafka.pid); node n of a cluster lives in
# kafka/node-<n> and listens on the base ports + 10*(n-1).
kafka_node() {
  KAFKA_NODE=$1
  KAFKA_PORT=$((KAFKA_BASE_PORT + 10 * (KAFKA_NODE - 1)))
  CONTROLLER_PORT=$((CONTROLLER_BASE_PORT + 10 * (KAFKA_NODE - 1)))
  if ((BROKERS == 1)); then
    KAFKA_NODE_DIR=$KAFKA_DIR
    KAFKA_OUT=$LOG_DIR/kafka.out
    KAFKA_PID_FILE=$RUN_DIR/kafka.pid
    KAFKA_NAME=kafka
  else
    KAFKA_NODE_DIR=$KAFKA_DIR/node-$KAFKA_NODE
    KAFKA_OUT=$LOG_DIR/kafka-$KAFKA_NODE.out
    KAFKA_PID_FILE=$RUN_DIR/kafka-$KAFKA_NODE.pid
    KAFKA_NAME=kafka-$KAFKA_NODE
  fi
  KAFKA_DATA=$KAFKA_NODE_DIR/data               # log.dirs
  KAFKA_PROPS=$KAFKA_NODE_DIR/server.properties
  KAFKA_SCRAM_MARKER=$KAFKA_NODE_DIR/scram.formatted  # formatted with admin's SCRAM user
}

kafka_nodes() {  # the nodes a kafka-* command acts on: --node N, else all
  if [[ -n $NODE_ARG ]]; then echo "$NODE_ARG"; else seq 1 "$BROKERS"; fi
}

check_port() {  # check_port <env-name> <value>
  if ! [[ $2 =~ ^[0-9]+$ ]] || (($2 < 1 || $2 > 65535)); then die "bad port in $1: '$2'"; fi
}

# One infra.sh at a time per instance (fd 9). Daemons must not inherit it: see 9>&- below.
lock_instance() {
  mkdir -p "$INST_DIR"
  exec 9>"$INST_DIR/.lock"
  flock -w 600 9 || die "another infra.sh is still working on instance '$INSTANCE'"
}

# ---------------------------------------------------------------------------------------
# Prerequisites: PostgreSQL binaries, Java 17+, Maven (only while the jars are missing)
# ---------------------------------------------------------------------------------------
pg_bin_dir() {  # binaries matching an existing cluster, else the newest installed version
  local ver d
  if [[ -f $PG_DIR/PG_VERSION ]]; then
    ver=$(<"$PG_DIR/PG_VERSION")
    [[ -x /usr/lib/postgresql/$ver/bin/initdb ]] && echo "/usr/lib/postgresql/$ver/bin"
    return 0
  fi
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [[ -n $d && -x $d/initdb ]] && echo "$d"
  return 0
}

java_major() {  # "17" for 'openjdk version "17.0.15"', "1" for 1.8
  local out
  out=$("$1" -version 2>&1) || return 0
  [[ $out =~ version\ \"([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
  return 0
}

find_java() {  # prints a java binary of version >= 17
  local j m
  for j in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" \
    $(printf '%s\n' /usr/lib/jvm/*/bin/java | sort -rV); do
    [[ -n $j && -x $j ]] || continue
    m=$(java_major "$j")
    [[ -n $m ]] && ((m >= 17)) && { echo "$j"; return 0; }
  done
  return 0
}

kafka_libs_stamp() {  # changes when the version or the pom changes
  echo "$KAFKA_VERSION $(sha256sum <"$KAFKA_CONF_DIR/pom.xml" | cut -c1-64)"
}

kafka_libs_ready() {
  [[ -f $LIBS_DIR/.complete && "$(<"$LIBS_DIR/.complete")" == "$(kafka_libs_stamp)" ]]
}

APT_UPDATED=""
apt_install() {  # apt_install <what-for> <packages...>
  local what=$1; shift
  is_root || die "$what is missing and infra.sh is not root: install it (apt-get install $*)"
  command -v apt-get >/dev/null || die "$what is missing and apt-get is not available"
  mkdir -p "$DATA_ROOT"
  local log=$DATA_ROOT/apt.log
  if [[ -z $APT_UPDATED ]]; then
    info "apt-get update ..."
    apt-get update -q >"$log" 2>&1 || die "apt-get update failed (see $log)"
    APT_UPDATED=1
  fi
  info "apt-get install $* ..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
    >>"$log" 2>&1 || die "apt-get install $* failed (see $log)"
}

# ensure_prereqs pg|kafka... : installs what the given components need, in one apt-get call.
ensure_prereqs() {
  local c pkgs=() what=()
  for c in "$@"; do
    case $c in
      pg) [[ -n $(pg_bin_dir) ]] || { pkgs+=(postgresql); what+=(PostgreSQL); } ;;
      kafka)
        [[ -n $(find_java) ]] || { pkgs+=(openjdk-17-jre-headless); what+=("Java 17"); }
        kafka_libs_ready || command -v mvn >/dev/null || { pkgs+=(maven); what+=(Maven); } ;;
    esac
  done
  ((${#pkgs[@]} == 0)) || apt_install "$(IFS=,; echo "${what[*]}")" "${pkgs[@]}"
  for c in "$@"; do
    case $c in
      pg)
        PG_BIN=$(pg_bin_dir)
        [[ -n $PG_BIN ]] || die "no PostgreSQL binaries for $PG_DIR (PG_VERSION $(cat "$PG_DIR/PG_VERSION" 2>/dev/null || echo '?')) in /usr/lib/postgresql"
        if is_root; then id -u postgres >/dev/null 2>&1 || die "OS user 'postgres' does not exist"; fi ;;
      kafka)
        JAVA=$(find_java)
        [[ -n $JAVA ]] || die "Java 17 or newer not found (install openjdk-17-jre-headless)" ;;
    esac
  done
}

# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------
tcp_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

proc_alive() {  # running and not a zombie
  local state
  [[ -r /proc/$1/status ]] || return 1
  state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

first_error() {  # the first ERROR/FATAL log line, or the exception message right after it
  awk '/ (ERROR|FATAL) / { e = $0; getline n; if (n !~ /^\[/ && n != "") e = n; print substr(e, 1, 200); exit }' \
    "$1" 2>/dev/null || true
}

first_exception() {  # the first Java exception message of a tool's output, else its last line
  local line
  line=$(grep -m 1 -E '(Exception|Error)[: ]' "$1" 2>/dev/null) || line=$(tail -n 1 "$1" 2>/dev/null) || true
  printf '%s' "${line:0:200}"
}

wait_gone() {  # wait_gone <pid> <seconds>
  local i
  for ((i = 0; i < $2 * 10; i++)); do proc_alive "$1" || return 0; sleep 0.1; done
  return 1
}

# ---------------------------------------------------------------------------------------
# PostgreSQL: project-local cluster, run as OS user postgres when root
# ---------------------------------------------------------------------------------------
as_pg() {  # run a PostgreSQL server binary as the cluster's owner
  if is_root; then
    (cd "$INST_DIR" && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

pg_pid() {  # prints the postmaster pid of this instance when it runs
  local pid
  pid=$(head -n 1 "$PG_DIR/postmaster.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && proc_alive "$pid" || return 1
  grep -qxF "$PG_DIR" < <(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  echo "$pid"
}

pg_running_port() { sed -n 4p "$PG_DIR/postmaster.pid" 2>/dev/null || true; }

# postgres must be able to reach its folders: chmod o+x on any ancestor it cannot traverse
# (top-down, so that each test sees the fixed parents).
pg_make_traversable() {
  local d=$INST_DIR dirs=()
  while [[ $d != / ]]; do dirs=("$d" "${dirs[@]}"); d=$(dirname "$d"); done
  for d in "${dirs[@]}"; do
    if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
      info "chmod o+x $d (so that user postgres can reach $PG_DIR)"
      chmod o+x "$d"
    fi
  done
}

pg_prepare_dirs() {
  mkdir -p "$PG_DIR" "$LOG_DIR" "$RUN_DIR"
  touch "$PG_LOG"
  local sock="$RUN_DIR/.s.PGSQL.$PG_PORT"
  ((${#sock} <= 100)) || die "unix socket path too long for PostgreSQL: $sock"
  [[ $RUN_DIR != *"'"* ]] || die "project path must not contain a quote: $RUN_DIR"
  if is_root; then
    chown postgres: "$PG_DIR" "$RUN_DIR" "$PG_LOG"
    pg_make_traversable
  fi
  chmod 700 "$PG_DIR"
}

pg_init() {  # initdb once
  [[ -f $PG_DIR/PG_VERSION ]] && return 0
  local pwfile=$RUN_DIR/.initdb-pw.$$ locale=C
  grep -qiE '^c\.utf-?8$' <<<"$(locale -a 2>/dev/null)" && locale=C.UTF-8
  info "initdb $PG_DIR (PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'), locale $locale) ..."
  (umask 077; printf '%s\n' "$PG_PASSWORD" >"$pwfile")
  is_root && chown postgres: "$pwfile"
  if ! as_pg "$PG_BIN/initdb" -D "$PG_DIR" -U "$PG_SUPERUSER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale="$locale" \
    >"$LOG_DIR/initdb.log" 2>&1; then
    rm -f "$pwfile"
    die "initdb failed (see $LOG_DIR/initdb.log)"
  fi
  rm -f "$pwfile"
  echo "include_if_exists = 'houqin.conf'   # written by deploy/local/infra.sh" \
    >>"$PG_DIR/postgresql.conf"
}

pg_write_conf() {  # rewritten on every start, so port overrides apply
  cat >"$PG_DIR/houqin.conf" <<EOF
# Written by deploy/local/infra.sh on every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$RUN_DIR'
max_connections = 300
shared_buffers = 256MB
logging_collector = off          # server log: pg_ctl -l $PG_LOG
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  is_root && chown postgres: "$PG_DIR/houqin.conf"
  return 0
}

psql_local() {  # psql as superuser over the instance's unix socket
  "$PG_BIN/psql" -X -q -tA -v ON_ERROR_STOP=1 -h "$RUN_DIR" -p "$PG_PORT" -U "$PG_SUPERUSER" "$@"
}

pg_wait_ready() {
  local i
  for ((i = 0; i < PG_START_TIMEOUT * 5; i++)); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && return 0
    sleep 0.2
  done
  die "PostgreSQL on 127.0.0.1:$PG_PORT not ready after ${PG_START_TIMEOUT}s (see $PG_LOG)"
}

pg_create_db() {
  local exists
  exists=$(psql_local -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'") ||
    die "cannot query PostgreSQL on $RUN_DIR:$PG_PORT (see $PG_LOG)"
  if [[ $exists != 1 ]]; then
    psql_local -d postgres -c "CREATE DATABASE $PG_DATABASE OWNER $PG_SUPERUSER" ||
      die "CREATE DATABASE $PG_DATABASE failed"
  fi
  # The DSN callers get: TCP + password (scram-sha-256).
  PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -X -q -tA -h 127.0.0.1 -p "$PG_PORT" \
    -U "$PG_SUPERUSER" -d "$PG_DATABASE" -c 'SELECT 1' >/dev/null ||
    die "SELECT 1 over 127.0.0.1:$PG_PORT with password failed (see $PG_LOG)"
}

pg_start() {
  local pid
  if pid=$(pg_pid); then
    PG_PORT=$(pg_running_port)
    pg_create_db
    echo "postgres  already running  127.0.0.1:$PG_PORT  db $PG_DATABASE  pid $pid"
    return 0
  fi
  tcp_open "$PG_PORT" && die "port 127.0.0.1:$PG_PORT is taken by another process (not instance $INSTANCE's PostgreSQL)"
  pg_prepare_dirs
  pg_init
  pg_write_conf
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_LOG" -w -t "$PG_START_TIMEOUT" -s start \
    8>&- 9>&- >/dev/null 2>&1 || die "PostgreSQL did not start (see $PG_LOG)"
  pg_wait_ready
  pg_create_db
  echo "postgres  ready  127.0.0.1:$PG_PORT  db $PG_DATABASE  pid $(pg_pid || echo '?')"
}

pg_stop() {
  local pid
  if ! pid=$(pg_pid); then
    echo "postgres  stopped"
    return 0
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w -t 60 -s stop >/dev/null 2>&1 ||
    die "pg_ctl stop failed for $PG_DIR (see $PG_LOG)"
  echo "postgres  stopped  (was pid $pid)"
}

# ---------------------------------------------------------------------------------------
# Kafka: jars via Maven, KRaft combined node, detached JVM
# ---------------------------------------------------------------------------------------
kafka_pid() {  # prints the broker pid of this instance when it runs
  local pid
  pid=$(cat "$KAFKA_PID_FILE" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && proc_alive "$pid" || return 1
  grep -qxF "$KAFKA_PROPS" < <(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  echo "$pid"
}

kafka_running_port() {  # the client port of the generated config (CLIENT; PLAINTEXT before SASL)
  sed -n 's/^listeners=[A-Z]*:\/\/127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$KAFKA_PROPS" 2>/dev/null
}

# Whether the generated config (the running broker's, or the next one's) has SASL: a broker
# started before SASL came to this project keeps PLAINTEXT until it is restarted.
kafka_props_sasl() {
  [[ ! -f $KAFKA_PROPS ]] || grep -q '^sasl.enabled.mechanisms=' "$KAFKA_PROPS"
}

kafka_admin_password() {  # prints admin's password, made once per instance (never committed)
  if [[ ! -s $KAFKA_ADMIN_PW_FILE ]]; then
    (umask 077; mkdir -p "$KAFKA_SECRETS"
      head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$KAFKA_ADMIN_PW_FILE.tmp")
    mv "$KAFKA_ADMIN_PW_FILE.tmp" "$KAFKA_ADMIN_PW_FILE"
  fi
  cat "$KAFKA_ADMIN_PW_FILE"
}

# Copies the broker's runtime jars into $LIBS_DIR once (lock shared by all instances).
kafka_fetch_libs() {
  kafka_libs_ready && return 0
  mkdir -p "$DATA_ROOT"
  exec 8>"$DATA_ROOT/.kafka-libs.lock"
  flock -w 900 8 || die "timed out waiting for another infra.sh to fetch the Kafka jars"
  if ! kafka_libs_ready; then
    command -v mvn >/dev/null || die "Maven (mvn) is needed once to fetch the Kafka jars"
    local tmp=$LIBS_DIR.tmp.$$ log=$DATA_ROOT/kafka-libs-$KAFKA_VERSION.mvn.log
    info "fetching Kafka $KAFKA_VERSION jars from Maven Central (first run only) ..."
    rm -rf "$tmp"
    if ! mvn -q -B -Dstyle.color=never -f "$KAFKA_CONF_DIR/pom.xml" \
      -Dkafka.version="$KAFKA_VERSION" -Dlibs.dir="$tmp" \
      dependency:copy-dependencies >"$log" 2>&1; then
      rm -rf "$tmp"
      die "Maven could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION (see $log)"
    fi
    if [[ ! -f $tmp/kafka_2.13-$KAFKA_VERSION.jar ]] || ! compgen -G "$tmp/log4j-core-*.jar" >/dev/null; then
      rm -rf "$tmp"
      die "Kafka jars incomplete after Maven run (see $log)"
    fi
    kafka_libs_stamp >"$tmp/.complete"
    rm -rf "$LIBS_DIR"
    mv "$tmp" "$LIBS_DIR"
  fi
  exec 8>&-
}

kafka_java() {  # kafka_java <java args...>: a JVM with the broker classpath and logging
  "$JAVA" -Dlog4j2.configurationFile="$KAFKA_CONF_DIR/log4j2.properties" \
    -cp "$LIBS_DIR/*" "$@"
}

kafka_write_props() {
  local t
  t=$(<"$KAFKA_CONF_DIR/server.properties.template")
  t=${t//@INSTANCE@/"$INSTANCE"}
  t=${t//@NODE_ID@/"$KAFKA_NODE"}
  t=${t//@BROKERS@/"$BROKERS"}
  if ((BROKERS == 1)); then  # a standalone controller (formatted with --standalone)
    t=${t//@QUORUM@/"controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT"}
    t=${t//@REPLICATION@/1}
    t=${t//@MIN_ISR@/1}
  else  # static voters: every node is one
    local n voters=()
    for ((n = 1; n <= BROKERS; n++)); do
      voters+=("$n@127.0.0.1:$((CONTROLLER_BASE_PORT + 10 * (n - 1)))")
    done
    t=${t//@QUORUM@/"controller.quorum.voters=$(IFS=,; echo "${voters[*]}")"}
    t=${t//@REPLICATION@/3}
    t=${t//@MIN_ISR@/2}
  fi
  t=${t//@KAFKA_PORT@/"$KAFKA_PORT"}
  t=${t//@CONTROLLER_PORT@/"$CONTROLLER_PORT"}
  t=${t//@LOG_DIR@/"$KAFKA_DATA"}
  t=${t//@ADMIN_PASSWORD@/"$(kafka_admin_password)"}
  (umask 077; printf '%s\n' "$t" >"$KAFKA_PROPS.tmp")
  mv "$KAFKA_PROPS.tmp" "$KAFKA_PROPS"
}

# A data folder formatted before SASL (or whose admin password is lost) has no SCRAM user
# `admin`, so the broker could not sign in to itself: it is moved aside to kafka/data.pre-sasl
# (its events are not carried over; the services recreate their topics when they migrate).
kafka_retire_pre_sasl_data() {
  ((BROKERS == 1)) || return 0  # clusters came after SASL
  [[ -f $KAFKA_DATA/meta.properties ]] || return 0
  [[ -f $KAFKA_SCRAM_MARKER && -s $KAFKA_ADMIN_PW_FILE ]] && return 0
  info "Kafka storage $KAFKA_DATA predates SASL: moving it to $KAFKA_DIR/data.pre-sasl and formatting anew"
  rm -rf "$KAFKA_DIR/data.pre-sasl"
  mv "$KAFKA_DATA" "$KAFKA_DIR/data.pre-sasl"
  rm -f "$KAFKA_SCRAM_MARKER" "$KAFKA_ADMIN_PW_FILE"
  mkdir -p "$KAFKA_DATA"
}

# Once: cluster id in a file, storage formatted for a standalone controller, with the SCRAM
# user `admin` (the broker's own and the super user; the others come from kafka_acl).
kafka_format() {
  [[ -f $KAFKA_DATA/meta.properties ]] && return 0
  local id log=$LOG_DIR/kafka-format.log
  if [[ ! -s $KAFKA_CLUSTER_ID_FILE ]]; then
    id=$(kafka_java kafka.tools.StorageTool random-uuid 2>>"$log" | tail -n 1) || true
    [[ $id =~ ^[A-Za-z0-9_-]{22}$ ]] || die "kafka StorageTool random-uuid failed (see $log)"
    echo "$id" >"$KAFKA_CLUSTER_ID_FILE"
  fi
  id=$(<"$KAFKA_CLUSTER_ID_FILE")
  info "formatting Kafka storage $KAFKA_DATA (cluster id $id) ..."
  local quorum=()
  ((BROKERS > 1)) || quorum=(--standalone)  # a cluster's voters are in its properties
  kafka_java kafka.tools.StorageTool format "${quorum[@]}" -t "$id" -c "$KAFKA_PROPS" \
    --add-scram "SCRAM-SHA-512=[name=admin,password=$(kafka_admin_password)]" \
    --ignore-formatted >>"$log" 2>&1 ||
    die "kafka storage format failed: $(first_exception "$log") (see $log)"
  echo "$id" >"$KAFKA_SCRAM_MARKER"
}

# Starts the JVM detached (own session, no inherited locks); does not wait for readiness.
kafka_launch() {
  if KAFKA_LAUNCHED_PID=$(kafka_pid); then
    KAFKA_ALREADY=1
    return 0
  fi
  KAFKA_ALREADY=""
  local p
  for p in "$KAFKA_PORT" "$CONTROLLER_PORT"; do
    tcp_open "$p" && die "port 127.0.0.1:$p is taken by another process (not instance $INSTANCE's Kafka)"
  done
  mkdir -p "$KAFKA_DATA" "$LOG_DIR" "$RUN_DIR"
  echo "$BROKERS" >"$KAFKA_BROKERS_FILE"
  kafka_fetch_libs
  kafka_retire_pre_sasl_data
  kafka_write_props
  kafka_format
  [[ -f $KAFKA_OUT ]] && mv -f "$KAFKA_OUT" "$KAFKA_OUT.1"
  rm -f "$KAFKA_PID_FILE"
  # bash -c writes its own pid, then execs java: the pid file is the JVM's pid.
  # shellcheck disable=SC2016
  (cd "$KAFKA_NODE_DIR" && exec setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$KAFKA_PID_FILE" \
    "$JAVA" -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_CONF_DIR/log4j2.properties" \
    -cp "$LIBS_DIR/*" kafka.Kafka "$KAFKA_PROPS" \
    </dev/null >>"$KAFKA_OUT" 2>&1 8>&- 9>&-) &
  local i
  for ((i = 0; i < 100; i++)); do
    KAFKA_LAUNCHED_PID=$(kafka_pid) && return 0
    sleep 0.1
  done
  die "Kafka JVM did not start (see $KAFKA_OUT)"
}

# Minimal ApiVersions v0 request on the broker port; any well-formed answer means the
# broker processes requests (error 0, or 35 UNSUPPORTED_VERSION on a future broker).
kafka_api_probe() {
  timeout 3 bash -c '
    exec 3<>/dev/tcp/127.0.0.1/'"$KAFKA_PORT"' || exit 1
    printf "\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x00\x2a\x00\x05probe" >&3
    head -c 10 <&3 | od -An -tx1 | tr -d " \n"' 2>/dev/null |
    grep -qE '^[0-9a-f]{8}0000002a00(00|23)$'
}

# A fresh broker is ready once it logged "Kafka Server started" (it waits to be unfenced)
# and answers a request on its port; an already running one only needs to answer.
kafka_is_ready() {
  if [[ -z $KAFKA_ALREADY ]]; then
    grep -q 'Kafka Server started' "$KAFKA_OUT" 2>/dev/null || return 1
  fi
  tcp_open "$KAFKA_PORT" && kafka_api_probe
}

kafka_wait_ready() {
  local pid=$KAFKA_LAUNCHED_PID i why retries=0
  [[ -z $KAFKA_ALREADY ]] || KAFKA_PORT=$(kafka_running_port)
  for ((i = 0; i < KAFKA_START_TIMEOUT * 2; i++)); do
    if ! proc_alive "$pid"; then
      # A port overridden into Linux's ephemeral range (32768-60999) can be held for a moment by
      # a client's outgoing connection, and the broker's bind fails. Wait and launch again (3 times).
      if ((retries < 3)) && grep -q 'Address already in use' "$KAFKA_OUT" 2>/dev/null; then
        retries=$((retries + 1))
        info "Kafka could not bind its port (held by a passing connection); retry $retries of 3"
        sleep $((2 * retries))
        kafka_launch
        pid=$KAFKA_LAUNCHED_PID i=-1
        continue
      fi
      why=$(first_error "$KAFKA_OUT")
      die "Kafka exited during startup${why:+: $why} (see $KAFKA_OUT)"
    fi
    kafka_is_ready && break
    sleep 0.5
  done
  ((i < KAFKA_START_TIMEOUT * 2)) || die "Kafka not ready after ${KAFKA_START_TIMEOUT}s (see $KAFKA_OUT)"
  local state=ready
  [[ -z $KAFKA_ALREADY ]] || state="already running"
  printf '%-9s %s  127.0.0.1:%s  pid %s\n' "$KAFKA_NAME" "$state" "$KAFKA_PORT" "$pid"
  kafka_props_sasl ||
    info "warning: this Kafka was started before SASL (PLAINTEXT, no ACLs); restart it for SASL: $PROG kafka-stop --instance $INSTANCE && $PROG kafka-start --instance $INSTANCE"
}

# The other layout (one broker, or a cluster) must not run: they would share ports and secrets.
kafka_check_mode() {
  local want=$BROKERS other n pid
  other=$((BROKERS == 1 ? 3 : 1))
  BROKERS=$other
  for ((n = 1; n <= other; n++)); do
    kafka_node "$n"
    if pid=$(kafka_pid); then
      BROKERS=$want
      kafka_node 1
      die "instance $INSTANCE runs Kafka with $other broker(s) ($KAFKA_NAME pid $pid); stop it first ($PROG kafka-stop --instance $INSTANCE)"
    fi
  done
  BROKERS=$want
  kafka_node 1
}

# The nodes (all, or --node N) are launched first, then waited for: a cluster's node is ready
# only once its quorum has formed, so all must boot side by side.
KAFKA_LAUNCHED=()
kafka_launch_nodes() {
  local n
  kafka_check_mode
  KAFKA_LAUNCHED=()
  for n in $(kafka_nodes); do
    kafka_node "$n"
    kafka_launch
    KAFKA_LAUNCHED+=("$n:$KAFKA_LAUNCHED_PID:$KAFKA_ALREADY")
  done
}

kafka_wait_nodes() {
  local entry n
  for entry in "${KAFKA_LAUNCHED[@]}"; do
    IFS=: read -r n KAFKA_LAUNCHED_PID KAFKA_ALREADY <<<"$entry"
    kafka_node "$n"
    kafka_wait_ready
  done
  kafka_node 1
}

kafka_start() {
  kafka_launch_nodes
  kafka_wait_nodes
}

kafka_stop_nodes() {  # every node of this instance's layout (or --node N), then the other layout's
  local n want=$BROKERS pid
  # A cluster's nodes all at once: the last one alone has no quorum and would hang until SIGKILL.
  for n in $(kafka_nodes); do
    kafka_node "$n"
    if pid=$(kafka_pid); then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for n in $(kafka_nodes); do kafka_node "$n"; kafka_stop; done
  if [[ -z $NODE_ARG ]]; then  # a layout switched by hand while running: stop that too
    BROKERS=$((want == 1 ? 3 : 1))
    for ((n = 1; n <= BROKERS; n++)); do
      kafka_node "$n"
      if kafka_pid >/dev/null; then kafka_stop; fi
    done
    BROKERS=$want
  fi
  kafka_node 1
}

kafka_kill_nodes() {
  local n
  for n in $(kafka_nodes); do kafka_node "$n"; kafka_kill; done
  kafka_node 1
}

kafka_stop() {
  local pid
  if ! pid=$(kafka_pid); then
    rm -f "$KAFKA_PID_FILE"
    printf '%-9s stopped\n' "$KAFKA_NAME"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" "$KAFKA_STOP_TIMEOUT"; then
    info "Kafka (pid $pid) still up after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 30 || die "Kafka (pid $pid) survived SIGKILL"
  fi
  rm -f "$KAFKA_PID_FILE"
  printf '%-9s stopped  (was pid %s)\n' "$KAFKA_NAME" "$pid"
}

kafka_kill() {
  local pid
  if ! pid=$(kafka_pid); then
    printf '%-9s not running\n' "$KAFKA_NAME"
    return 0
  fi
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 30 || die "Kafka (pid $pid) survived SIGKILL"
  rm -f "$KAFKA_PID_FILE"
  printf '%-9s killed  (was pid %s)\n' "$KAFKA_NAME" "$pid"
}

# ---------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------
cmd_status() {
  local rc=0 pid port
  if pid=$(pg_pid); then
    port=$(pg_running_port)
    echo "postgres  running  127.0.0.1:${port:-$PG_PORT}  pid $pid"
  else
    echo "postgres  stopped  127.0.0.1:$PG_PORT"
    rc=3
  fi
  local n
  for ((n = 1; n <= BROKERS; n++)); do
    kafka_node "$n"
    if pid=$(kafka_pid); then
      port=$(kafka_running_port)
      printf '%-9s running  127.0.0.1:%s  pid %s\n' "$KAFKA_NAME" "${port:-$KAFKA_PORT}" "$pid"
    else
      printf '%-9s stopped  127.0.0.1:%s\n' "$KAFKA_NAME" "$KAFKA_PORT"
      rc=3
    fi
  done
  kafka_node 1
  return "$rc"
}

# Kafka as its super user `admin` (tools, tests, the ACL set-up: houqin_shared.kafka.KafkaAuth
# reads these), and where the other users' passwords are (the launcher gives each service its own).
cmd_env() {
  echo "export HOUQIN_PG_ADMIN_DSN='postgresql://$PG_SUPERUSER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DATABASE'"
  local n servers=()
  for ((n = 1; n <= BROKERS; n++)); do servers+=("127.0.0.1:$((KAFKA_BASE_PORT + 10 * (n - 1)))"); done
  echo "export HOUQIN_KAFKA_BOOTSTRAP='$(IFS=,; echo "${servers[*]}")'"
  if kafka_props_sasl && [[ -s $KAFKA_ADMIN_PW_FILE ]]; then
    echo "export HOUQIN_KAFKA_SECURITY_PROTOCOL='SASL_PLAINTEXT'"
    echo "export HOUQIN_KAFKA_SASL_MECHANISM='SCRAM-SHA-512'"
    echo "export HOUQIN_KAFKA_SASL_USERNAME='admin'"
    echo "export HOUQIN_KAFKA_SASL_PASSWORD='$(<"$KAFKA_ADMIN_PW_FILE")'"
  else  # not started yet, or a broker from before SASL that still runs
    echo "export HOUQIN_KAFKA_SECURITY_PROTOCOL='PLAINTEXT'"
  fi
  echo "export HOUQIN_KAFKA_SECRETS_DIR='$KAFKA_SECRETS'"
}

main() {
  parse_args "$@"
  setup_instance
  case $COMMAND in
    start)
      ensure_prereqs pg kafka
      lock_instance
      kafka_launch_nodes  # the JVMs boot while PostgreSQL starts
      pg_start
      kafka_wait_nodes ;;
    stop)
      lock_instance
      kafka_stop_nodes
      if pg_pid >/dev/null; then ensure_prereqs pg; pg_stop; else echo "postgres  stopped"; fi ;;
    status) cmd_status || exit "$?" ;;
    env) cmd_env ;;
    pg-start) ensure_prereqs pg; lock_instance; pg_start ;;
    pg-stop) lock_instance; if pg_pid >/dev/null; then ensure_prereqs pg; pg_stop; else echo "postgres  stopped"; fi ;;
    pg-restart) ensure_prereqs pg; lock_instance; pg_stop; pg_start ;;
    kafka-start) ensure_prereqs kafka; lock_instance; kafka_start ;;
    kafka-stop) lock_instance; kafka_stop_nodes ;;
    kafka-kill) lock_instance; kafka_kill_nodes ;;
    *) die "unknown command '$COMMAND' (see --help)" ;;
  esac
}

main "$@"
