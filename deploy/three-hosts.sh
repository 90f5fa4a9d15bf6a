#!/usr/bin/env bash
# The deployment run for real on one machine: three Resume nodes as three hosts (a network namespace
# each, on a bridge, 10.77.0.11-13), clustered by static seeds, behind nginx with deploy/nginx/resume.conf
# listening on 127.0.0.1:$THREE_HOSTS_LB_PORT (18080). As root:
#
#   deploy/three-hosts.sh up                # publish, start the nodes and nginx, wait until all are ready
#   deploy/three-hosts.sh status            # each node's process and readiness, and nginx's
#   deploy/three-hosts.sh restart-rolling   # each node in turn: SIGTERM, wait for its exit, start, wait until ready
#   deploy/three-hosts.sh down              # stop everything and remove what up made; safe to repeat
#
# THREE_HOSTS_PUBLISHED=DIR runs an existing `dotnet publish` output instead of publishing (the tests do).
# Anything that fails during up tears down what was made. Logs: $STATE/n1/log, ..., $STATE/nginx-error.log.
set -euo pipefail
# ip and nginx live in sbin, which a non-login root shell may not have on its PATH.
PATH=$PATH:/usr/sbin:/sbin

# The executable: its project and the DLL that publishing it gives. The one place this script names them.
PROJECT=Actors/Tool/Tool.csproj
DLL=resume.dll

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${THREE_HOSTS_STATE:-/run/resume-three-hosts}
LB_PORT=${THREE_HOSTS_LB_PORT:-18080}
NODES=(1 2 3)
# Names and a subnet nothing else here uses; all made by up, all removed by down.
NETNS_PREFIX=resume-n
BRIDGE=resume-br0
SUBNET=10.77.0
# resume.server.port and resume.cluster.port as HOCON/resume.conf has them (a test checks they agree).
HTTP_PORT=8080
CLUSTER_PORT=4053
# The overlay every deployment runs with: health paths, unbind delay, drain deadline.
NODE_CONF=$REPO/deploy/resume-node.conf
NGINX_CONF=$REPO/deploy/nginx/resume.conf
# A node's SIGTERM to exit: unbind delay + drain + hand-off + leave, within the 45 s budget.
STOP_WAIT=45
READY_WAIT=90
# Between a node's exit and its restart: the others must see its old incarnation Removed first. One
# that comes back sooner makes them down the old one instead (Akka: "new incarnation of existing
# member"), which holds the sharding coordinator's move until the removal, and asks wait past their
# timeout (a 503 in one CI run, restarted 1 s after its exit). A workaround in the script, not a fix in
# the server: the systemd unit's RestartSec and a StatefulSet pod's recreation must leave as long
# (README, Deploy). The fix belongs in the node: stay not-ready until its old incarnation is Removed.
RESTART_PAUSE=5

node_ns() { echo "$NETNS_PREFIX$1"; }
node_ip() { echo "$SUBNET.1$1"; }
node_dir() { echo "$STATE/n$1"; }
seeds() {
  local list=() i
  for i in "${NODES[@]}"; do list+=("$(node_ip "$i"):$CLUSTER_PORT"); done
  (IFS=,; echo "${list[*]}")
}
say() { echo "three-hosts: $*"; }
fail() { echo "three-hosts: $*" >&2; exit 1; }

require_root() { [[ $(id -u) == 0 ]] || fail "must run as root (network namespaces)"; }

published_app() {
  if [[ -n ${THREE_HOSTS_PUBLISHED:-} ]]; then
    [[ -f $THREE_HOSTS_PUBLISHED/$DLL ]] || fail "THREE_HOSTS_PUBLISHED=$THREE_HOSTS_PUBLISHED has no $DLL"
    echo "$THREE_HOSTS_PUBLISHED"
  else
    echo "$STATE/app"
  fi
}

make_network() {
  ip link add "$BRIDGE" type bridge
  ip addr add "$SUBNET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # Should the bridge go away while something still sends to the nodes, the packets stop here
  # rather than follow the default route off this machine.
  ip route add unreachable "$SUBNET.0/24" metric 4000
  local i ns
  for i in "${NODES[@]}"; do
    ns=$(node_ns "$i")
    ip netns add "$ns"
    ip link add "rsm-n$i" type veth peer name eth0 netns "$ns"
    ip link set "rsm-n$i" master "$BRIDGE" up
    ip -n "$ns" addr add "$(node_ip "$i")/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
  done
}

# Starts node $1 in its namespace. A bash in between waits for the server and writes its exit code;
# signals go to the server's own pid (the "pid" file), never through that bash.
start_node() {
  local i=$1 dir app
  dir=$(node_dir "$i")
  app=$(published_app)
  mkdir -p "$dir"
  rm -f "$dir/pid" "$dir/exit"
  ip netns exec "$(node_ns "$i")" \
    env RESUME_PUBLIC_HOST="$(node_ip "$i")" RESUME_SEEDS="$(seeds)" RESUME_CLUSTER_PORT="$CLUSTER_PORT" \
    bash -c 'dotnet "$1" --config "$2" --port "$3" >>"$4/log" 2>&1 </dev/null & echo $! >"$4/pid"; wait $!; echo $? >"$4/exit"' \
    node "$app/$DLL" "$NODE_CONF" "$HTTP_PORT" "$dir" </dev/null >/dev/null 2>&1 &
  local tries=0
  until [[ -s $dir/pid ]]; do
    (( ++tries < 100 )) || fail "node $i did not start"
    sleep 0.05
  done
}

node_pid() { cat "$(node_dir "$1")/pid" 2>/dev/null || true; }

node_running() {
  local pid
  pid=$(node_pid "$1")
  [[ -n $pid ]] && [[ ! -s $(node_dir "$1")/exit ]] && kill -0 "$pid" 2>/dev/null
}

# The readiness path's status code from inside the node's namespace ("000": no answer).
node_ready_code() {
  ip netns exec "$(node_ns "$1")" curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/ready" 2>/dev/null || true
}

wait_ready() {
  local i=$1 deadline=$((SECONDS + READY_WAIT))
  until [[ $(node_ready_code "$i") == 200 ]]; do
    if ! node_running "$i"; then
      tail -n 30 "$(node_dir "$i")/log" >&2 || true
      fail "node $i exited before it was ready (exit $(cat "$(node_dir "$i")/exit" 2>/dev/null || echo '?'))"
    fi
    (( SECONDS < deadline )) || { tail -n 30 "$(node_dir "$i")/log" >&2 || true; fail "node $i not ready within ${READY_WAIT}s"; }
    sleep 0.2
  done
}

# SIGTERM, then waits for the exit; prints the exit code ("killed" if it outlived the budget).
stop_node() {
  signal_node "$1"
  await_node "$1" $((SECONDS + STOP_WAIT))
}

signal_node() {
  local pid
  pid=$(node_pid "$1")
  # Only a node still running: once its exit is recorded, its pid may be another process's.
  node_running "$1" && kill -TERM "$pid" 2>/dev/null || true
}

# Waits until node $1 has exited, up to the time $2 (in SECONDS), then kills it; prints the exit code.
await_node() {
  local i=$1 deadline=$2 pid dir
  dir=$(node_dir "$i")
  pid=$(node_pid "$i")
  [[ -n $pid ]] || return 0
  # The exit file is written by the waiting bash once the server has ended.
  until [[ -s $dir/exit ]] || ! kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      kill -KILL "$pid" 2>/dev/null || true
      echo killed
      return 0
    fi
    sleep 0.1
  done
  local waited=0
  until [[ -s $dir/exit ]] || (( ++waited > 50 )); do sleep 0.1; done
  cat "$dir/exit" 2>/dev/null || echo unknown
}

start_nginx() {
  local conf=$STATE/nginx-resume.conf
  # The shipped configuration with this run's addresses: the compose service names become the
  # namespaces' addresses, and nginx listens on loopback only.
  sed -e "s/server resume-\([0-9]\):$HTTP_PORT /server $SUBNET.1\1:$HTTP_PORT /" \
      -e "s/^\(\s*\)listen 80;/\1listen 127.0.0.1:$LB_PORT;/" "$NGINX_CONF" >"$conf"
  [[ $(grep -c "server $SUBNET\.1[0-9]:$HTTP_PORT " "$conf") == "${#NODES[@]}" ]] \
    || fail "$NGINX_CONF: expected ${#NODES[@]} 'server resume-N:$HTTP_PORT' lines to rewrite"
  grep -q "listen 127.0.0.1:$LB_PORT;" "$conf" || fail "$NGINX_CONF: expected a 'listen 80;' line to rewrite"
  mkdir -p "$STATE/nginx-temp"
  cat >"$STATE/nginx.conf" <<EOF
worker_processes 1;
pid $STATE/nginx.pid;
error_log $STATE/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log $STATE/nginx-access.log;
    client_body_temp_path $STATE/nginx-temp/body;
    proxy_temp_path $STATE/nginx-temp/proxy;
    include $conf;
}
EOF
  nginx -t -q -c "$STATE/nginx.conf" -p "$STATE" </dev/null >/dev/null
  nginx -c "$STATE/nginx.conf" -p "$STATE" </dev/null >/dev/null 2>&1
  local deadline=$((SECONDS + 10))
  until [[ $(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$LB_PORT/ready" || true) == 200 ]]; do
    (( SECONDS < deadline )) || fail "nginx on 127.0.0.1:$LB_PORT does not answer /ready with 200"
    sleep 0.2
  done
}

stop_nginx() {
  local pid
  pid=$(cat "$STATE/nginx.pid" 2>/dev/null || true)
  [[ -n $pid ]] || return 0
  kill -QUIT "$pid" 2>/dev/null || true
  local tries=0
  while kill -0 "$pid" 2>/dev/null && (( ++tries < 50 )); do sleep 0.1; done
  ! kill -0 "$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

cmd_up() {
  require_root
  command -v nginx >/dev/null || fail "nginx is not installed (apt-get install nginx-light)"
  command -v curl >/dev/null || fail "curl is not installed (apt-get install curl): readiness is polled with it"
  if [[ -e $STATE ]] || ip netns list | grep -q "^$NETNS_PREFIX"; then
    fail "already up, or left from an earlier run: run '$0 down' first"
  fi
  if ip -4 route show "$SUBNET.0/24" | grep -q .; then
    fail "$SUBNET.0/24 is routed on this machine already: pick another SUBNET"
  fi
  mkdir -p "$STATE"
  # Whatever ends up early (a failed command, fail, Ctrl-C) leaves nothing behind.
  trap 'exit 130' INT TERM
  trap 'code=$?; if (( code != 0 )); then echo "three-hosts: up failed; tearing down" >&2; cmd_down >&2; fi' EXIT
  if [[ -z ${THREE_HOSTS_PUBLISHED:-} ]]; then
    say "publishing $PROJECT"
    dotnet publish "$REPO/$PROJECT" -c Release -o "$STATE/app" --nologo -v quiet </dev/null >"$STATE/publish.log" 2>&1 \
      || { tail -n 20 "$STATE/publish.log" >&2; false; }
  fi
  make_network
  local i
  for i in "${NODES[@]}"; do start_node "$i"; done
  for i in "${NODES[@]}"; do wait_ready "$i"; say "node $i ready at http://$(node_ip "$i"):$HTTP_PORT (pid $(node_pid "$i"))"; done
  start_nginx
  trap - EXIT INT TERM
  say "nginx on http://127.0.0.1:$LB_PORT/ in front of the three nodes"
}

cmd_down() {
  local i ns pid
  stop_nginx
  # All at once: the cluster goes away whole, so no node need wait for another's hand-off.
  for i in "${NODES[@]}"; do signal_node "$i"; done
  local deadline=$((SECONDS + STOP_WAIT))
  for i in "${NODES[@]}"; do await_node "$i" "$deadline" >/dev/null; done
  for i in "${NODES[@]}"; do
    ns=$(node_ns "$i")
    if ip netns list | grep -q "^$ns\b"; then
      # Whatever still runs in the namespace was started by up: it goes with it.
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
      ip netns del "$ns"
    fi
    ip link del "rsm-n$i" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  ip route del unreachable "$SUBNET.0/24" metric 4000 2>/dev/null || true
  rm -rf "$STATE"
  say "down"
}

cmd_restart_rolling() {
  require_root
  [[ -d $STATE ]] || fail "not up"
  local i code started
  for i in "${NODES[@]}"; do
    started=$SECONDS
    say "node $i: SIGTERM"
    code=$(stop_node "$i")
    [[ $code == 0 ]] || fail "node $i exited with $code after SIGTERM"
    say "node $i: exited 0 after $((SECONDS - started)) s; starting it again in ${RESTART_PAUSE} s"
    sleep "$RESTART_PAUSE"
    start_node "$i"
    wait_ready "$i"
    say "node $i: ready again, $((SECONDS - started)) s after its SIGTERM"
    # A moment on the whole cluster before the next, as an orchestrator's minimum ready time.
    sleep 2
  done
}

cmd_status() {
  local i pid code
  if [[ ! -d $STATE ]]; then
    say "down"
    return 0
  fi
  for i in "${NODES[@]}"; do
    pid=$(node_pid "$i")
    if node_running "$i"; then
      code=$(node_ready_code "$i")
      say "node $i $(node_ip "$i"):$HTTP_PORT pid $pid, /ready $code"
    else
      say "node $i $(node_ip "$i"):$HTTP_PORT not running (exit $(cat "$(node_dir "$i")/exit" 2>/dev/null || echo '?'))"
    fi
  done
  pid=$(cat "$STATE/nginx.pid" 2>/dev/null || true)
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    say "nginx 127.0.0.1:$LB_PORT pid $pid, /ready $(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$LB_PORT/ready" || true)"
  else
    say "nginx not running"
  fi
}

case ${1:-} in
  up) cmd_up ;;
  down) require_root; cmd_down ;;
  restart-rolling) cmd_restart_rolling ;;
  status) cmd_status ;;
  *) echo "usage: $0 up|down|restart-rolling|status" >&2; exit 2 ;;
esac
