#!/usr/bin/env python3
"""Bytes Resume allocates per request, and its garbage collections per 10,000 requests, under the
load scenarios hello, close, pipeline and suspend-1k (as bench/run.sh runs them: server on CPU 0,
wrk on CPU 1). What the request path allocates is what the GC pays for, and unlike CPU time it
hardly moves with a shared machine's noise, so a change's effect shows in one run.

The runtime's own counters are read with dotnet-counters (installed into bench/out/tools on first
use) over the 10 s wrk measures, after 12 s of warm-up; CPU time and req/s are printed beside them.

Usage: bench/allocations.py [--root DIR] [scenario ...]   (default: all four)
  --root DIR  measure another checkout (its bench/out/resume, built here): a before and after.
"""
import csv
import os
import re
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = {
    "hello": ("/hello", 64, []),
    "close": ("/hello", 64, ["-H", "Connection: close"]),
    "pipeline": ("/hello", 64, ["-s", f"{HERE}/pipeline.lua"]),
    "suspend-1k": ("/sleep?ms=100", 1000, []),
}

args = sys.argv[1:]
root = os.path.dirname(HERE)
if "--root" in args:
    at = args.index("--root")
    root = os.path.abspath(args[at + 1])
    del args[at:at + 2]
unknown = [a for a in args if a not in SCENARIOS]
if unknown:
    sys.exit(f"unknown scenario(s) {unknown}; known: {', '.join(SCENARIOS)}")
sys.argv = [sys.argv[0]]  # bench.py reads its own arguments when imported
sys.path.insert(0, HERE)
import bench  # noqa: E402

bench.ROOT = root
# 1,000 connections, as bench/run.sh allows.
_, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(65536, hard), hard))
TOOLS = f"{HERE}/out/tools"
COUNTERS = f"{TOOLS}/dotnet-counters"


def build():
    subprocess.run(["dotnet", "build", f"{root}/Actors/Tool/Tool.csproj", "-c", "Release", "-o", f"{root}/bench/out/resume",
                    "-nologo", "-v", "quiet"], check=True, stdout=subprocess.DEVNULL)
    if not os.path.exists(COUNTERS):
        subprocess.run(["dotnet", "tool", "install", "dotnet-counters", "--tool-path", TOOLS], check=True, stdout=subprocess.DEVNULL)


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(scenario):
    path, connections, extra = SCENARIOS[scenario]
    server = bench.Server("resume", scenario)
    try:
        pid = server.pids()[-1]
        wrk = ["taskset", "-c", bench.CLIENT_CPU, "wrk", "-t1", f"-c{connections}", *extra, server.url(path)]
        subprocess.run(wrk[:4] + ["-d12s"] + wrk[4:], capture_output=True, check=True)  # warm-up
        with tempfile.TemporaryDirectory() as scratch:
            report = f"{scratch}/counters.csv"
            before = cpu_seconds(pid)
            load = subprocess.Popen(wrk[:4] + ["-d10s"] + wrk[4:], stdout=subprocess.PIPE, text=True)
            counters = subprocess.Popen([COUNTERS, "collect", "-p", str(pid), "--counters", "System.Runtime", "--refresh-interval", "3",
                                         "--duration", "00:00:00:10", "--format", "csv", "-o", report],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            out = load.communicate()[0]
            cpu = cpu_seconds(pid) - before
            counters.wait()
            rows = [row for row in csv.reader(open(report)) if len(row) >= 5 and row[3] == "Rate"]
    finally:
        server.stop()
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def total(name):
        values = [float(row[4]) for row in rows if name in row[2]]
        return sum(values), len(values)

    allocated, intervals = total("total_allocated")
    counted = rate * 3 * intervals  # requests in the counters' intervals
    gcs = [total(f"gen{g}]")[0] for g in range(3)]
    return (f"{scenario:<11} {rate:>9,.0f} req/s  {1e6 * cpu / requests:>6.1f} µs CPU/req  {allocated / counted:>7,.0f} B allocated/req  "
            f"GCs per 10k requests: gen0 {1e4 * gcs[0] / counted:.2f}, gen1 {1e4 * gcs[1] / counted:.2f}, gen2 {1e4 * gcs[2] / counted:.2f}")


build()
print(f"Resume at {root}")
for name in args or SCENARIOS:
    print(measure(name), flush=True)
