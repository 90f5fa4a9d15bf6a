#!/usr/bin/env bash
# Resume's benchmark suite. Usage: bench/run.sh [--smoke] [scenario ...]
#   scenarios: hello close pipeline suspend-1k suspend-10k stream slow-clients cluster todo https (default: all)
#   --smoke    a few seconds in all: Resume and Kestrel, hello and pipeline, to keep the suite working.
# Builds everything in Release, runs each server on 127.0.0.1 pinned to CPU 0 with the load
# generator on CPU 1, and prints a table with ratios against Kestrel measured in the same run.
# Results also go to bench/results/LATEST.md.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
command -v openssl >/dev/null || need+=(openssl)
if [[ " $* " != *" --smoke "* ]]; then
  command -v gunicorn >/dev/null || need+=(gunicorn)
  /usr/bin/python3 -c "import gevent" 2>/dev/null || need+=(python3-gevent)
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
