#!/usr/bin/env bash
# Resume's benchmark suite. Usage: bench/run.sh [--smoke] [--compare] [scenario ...]
#   scenarios: hello close pipeline suspend-1k suspend-10k stream slow-clients cluster scale-out todo https
#              (default: all)
#   --smoke    a few seconds in all: Resume and Kestrel, hello and pipeline, to keep the suite working.
#   --compare  then every ratio measured beside the committed bench/results/LATEST.md's; exits 1 when
#              one is more than 10% worse (REGRESSION). bench/run.sh --compare-only FILE compares a
#              results file, building and running nothing.
# Builds everything in Release, runs each server on 127.0.0.1 pinned to CPU 0 with the load
# generator on CPU 1, and prints a table with ratios against Kestrel measured in the same run.
# Results also go to bench/results/LATEST.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ " $* " == *" --compare-only "* ]]; then
  exec python3 bench/bench.py "$@"
fi

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
command -v openssl >/dev/null || need+=(openssl)
if [[ " $* " != *" --smoke "* ]]; then
  command -v gunicorn >/dev/null || need+=(gunicorn)
  /usr/bin/python3 -c "import gevent" 2>/dev/null || need+=(python3-gevent)
fi
# nginx (one worker as the load balancer) for scale-out, when it runs: every scenario, or named.
scenarios=()
for arg in "$@"; do [[ $arg == -* ]] || scenarios+=("$arg"); done
if [[ " $* " != *" --smoke "* ]] && { ((${#scenarios[@]} == 0)) || [[ " ${scenarios[*]} " == *" scale-out "* ]]; }; then
  [[ -x /usr/sbin/nginx ]] || command -v nginx >/dev/null || need+=(nginx-light)
fi
if ((${#need[@]})); then
  echo "installing ${need[*]} with apt-get" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "building Resume and the Kestrel baseline (Release)" >&2
dotnet build Actors/Tool/Tool.csproj -c Release -o bench/out/resume -nologo -v quiet >/dev/null
dotnet build bench/Baselines/Kestrel/Kestrel.csproj -c Release -o bench/out/kestrel -nologo -v quiet >/dev/null
dotnet build Apps/Todo/Todo.csproj -c Release -o bench/out/todo -nologo -v quiet >/dev/null
dotnet build bench/RemoteAsk/RemoteAsk.csproj -c Release -o bench/out/remote-ask -nologo -v quiet >/dev/null

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec python3 bench/bench.py "$@"
