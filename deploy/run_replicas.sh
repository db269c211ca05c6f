#!/usr/bin/env bash
# Several rnnviz replicas behind nginx, rooms shared through Redis. Ctrl-C stops everything.
#
#   bash deploy/run_replicas.sh [-n REPLICAS] [-p PORT] [-a ADDRESS] [-b FIRST_PORT] [-r REDIS] [-d DIR]
#
#   -n  `streamlit run app.py` processes to start (default 2: about one per core)
#   -p  the port students open, served by nginx (default 8080)
#   -a  the address nginx listens on (default 0.0.0.0: the room's laptops; 127.0.0.1 for tests)
#   -b  the first replica's port (default 8501); replicas use consecutive ports on 127.0.0.1
#   -r  where rooms live: `start` (default: start Debian's redis-server on 127.0.0.1:6379),
#       `start:PORT`, the redis:// URL of a Redis already running, or `off` (each replica keeps
#       its own rooms: a teacher and a student on different replicas then cannot share one)
#   -d  directory for nginx's config, pid, logs and temp files and the replicas' logs
#       (default: a new one under /tmp, kept afterwards for its logs)
#
# Needs Debian's nginx (nginx-light is enough) and, for `-r start`, redis-server.
# PYTHON (default .venv/bin/python) and NGINX (default: nginx on PATH or /usr/sbin/nginx) can be set.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"

replicas=2 port=8080 address=0.0.0.0 first_port=8501 redis=start run_dir=""
while getopts "n:p:a:b:r:d:h" opt; do
  case "$opt" in
    n) replicas="$OPTARG" ;;
    p) port="$OPTARG" ;;
    a) address="$OPTARG" ;;
    b) first_port="$OPTARG" ;;
    r) redis="$OPTARG" ;;
    d) run_dir="$OPTARG" ;;
    h) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "see: $0 -h" >&2; exit 2 ;;
  esac
done

python="${PYTHON:-$REPO/.venv/bin/python}"
[ -x "$python" ] || python="$(command -v python3)"
nginx="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
[ -x "$nginx" ] || { echo "nginx not found: apt-get install nginx-light" >&2; exit 1; }

if [ -z "$run_dir" ]; then
  run_dir="$(mktemp -d /tmp/rnnviz-replicas.XXXXXX)"
fi
mkdir -p "$run_dir"
run_dir="$(cd "$run_dir" && pwd)"
# Started as root, nginx's workers run as `nobody`: they must reach their temp directories here.
chmod 755 "$run_dir"

pids=()
stop_all() {
  trap - EXIT INT TERM
  echo "== stopping ${#pids[@]} processes (logs kept in $run_dir)"
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 100); do  # up to 10 s for a clean shutdown, then no more waiting
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for NAME PID COMMAND...: until COMMAND succeeds; fails if PID exits first or after 60 s.
wait_for() {
  local name="$1" pid="$2"; shift 2
  for _ in $(seq 300); do
    "$@" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$name exited; see its log in $run_dir" >&2; return 1; }
    sleep 0.2
  done
  echo "$name did not start in 60 s; see its log in $run_dir" >&2
  return 1
}
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
healthy() { "$python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1"; }

redis_url=""
case "$redis" in
  off) echo "== rooms stay inside each replica (no Redis)" ;;
  redis://*) redis_url="$redis" ;;
  start | start:*)
    redis_port="${redis#start}"; redis_port="${redis_port#:}"; redis_port="${redis_port:-6379}"
    if port_open 127.0.0.1 "$redis_port"; then
      echo "port $redis_port is taken (a Redis already running? then pass -r redis://127.0.0.1:$redis_port/0)" >&2
      exit 1
    fi
    # Rooms are short-lived classroom state: nothing is saved to disk.
    redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
      --dir "$run_dir" --logfile "$run_dir/redis.log" &
    redis_pid=$!
    pids+=("$redis_pid")
    wait_for redis-server "$redis_pid" port_open 127.0.0.1 "$redis_port"
    redis_url="redis://127.0.0.1:$redis_port/0"
    ;;
  *) echo "-r takes start, start:PORT, a redis:// URL or off; not '$redis'" >&2; exit 2 ;;
esac

: >"$run_dir/replicas.conf"
cd "$REPO"
for ((i = 0; i < replicas; i++)); do
  replica_port=$((first_port + i))
  # max_fails: a replica that stopped is skipped for 10 s; its browsers reconnect to another
  # (as a new session: Streamlit sessions live in one process).
  echo "server 127.0.0.1:$replica_port max_fails=1 fail_timeout=10s;" >>"$run_dir/replicas.conf"
  RNNVIZ_ROOMS_REDIS="$redis_url" "$python" -m streamlit run app.py \
    --server.port "$replica_port" --server.address 127.0.0.1 --server.headless true \
    >"$run_dir/replica-$replica_port.log" 2>&1 &
  pids+=($!)
done
for ((i = 0; i < replicas; i++)); do
  replica_port=$((first_port + i))
  wait_for "replica on port $replica_port" "${pids[-replicas + i]}" \
    healthy "http://127.0.0.1:$replica_port/_stcore/health"
done

sed -e "s|@RUN_DIR@|$run_dir|g" -e "s|@LISTEN@|$address:$port|g" \
  "$REPO/deploy/nginx.conf.template" >"$run_dir/nginx.conf"
"$nginx" -p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/nginx-error.log" &
pids+=($!)
probe="$address"; [ "$address" = 0.0.0.0 ] && probe=127.0.0.1
wait_for nginx "$!" healthy "http://$probe:$port/_stcore/health"

echo "== rnnviz on http://$address:$port: $replicas replicas (ports $first_port-$((first_port + replicas - 1))), rooms ${redis_url:-in each replica}"
echo "== logs in $run_dir; Ctrl-C stops everything"
# Until Ctrl-C. A replica that dies is reported and left out: nginx sends its browsers to the
# others (as new sessions). Without nginx, Redis or any replica nothing works: then stop.
nginx_pid="${pids[-1]}"
live=("${pids[@]}") replicas_left=$replicas
while true; do
  gone=""
  wait -n -p gone "${live[@]}" || true
  [ -n "$gone" ] || continue  # a signal, not an exit
  live=($(printf '%s\n' "${live[@]}" | grep -vx "$gone"))
  if [ "$gone" = "$nginx_pid" ] || [ "$gone" = "${redis_pid:-}" ] || ((--replicas_left == 0)); then
    echo "== $([ "$gone" = "$nginx_pid" ] && echo nginx || echo "process $gone") exited: stopping" >&2
    exit 1
  fi
  echo "== replica process $gone exited, $replicas_left left; its log is in $run_dir" >&2
done
