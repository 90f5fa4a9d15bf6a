#!/usr/bin/env python3
"""Runs the benchmark scenarios against Resume and its baselines; see bench/run.sh and README.md.

Every server is started fresh for each scenario, pinned to CPU 0; wrk (or the stream clients) run
on CPU 1. Server CPU time is read from /proc for the whole process tree during the measured run;
peak RSS is the sum of VmHWM over the tree. scale-out puts nginx in front of one node, then three.

--compare (or --compare-only FILE) prints what was measured beside the committed LATEST.md and exits 1
when a value is more than 10% worse; the report opens with issue #13's targets.
"""
import datetime
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER_CPU, CLIENT_CPU = "0", "1"
TICKS = os.sysconf("SC_CLK_TCK")
PORT = 18400

ALL = ["hello", "close", "pipeline", "suspend-1k", "suspend-10k", "stream", "slow-clients", "cluster", "scale-out", "todo", "https"]
USAGE = """usage: bench/bench.py [--smoke] [--compare] [scenario ...]
       bench/bench.py --compare-only FILE
  scenarios: """ + " ".join(ALL) + """ (default: all)
  --smoke              a few seconds: Resume and Kestrel, hello and pipeline
  --compare            after the run, every ratio beside the committed bench/results/LATEST.md's
                       (git show HEAD:...); exit 1 when one is more than 10% worse
  --compare-only FILE  the same comparison for a results file, running nothing
  environment: BENCH_SERVERS=resume,kestrel (some servers), BENCH_WARMUP / BENCH_DURATION (seconds);
  LATEST.md is written only by a full run with none of them set."""


def arguments(argv):
    """The flags, the scenarios named and the file of --compare-only; a usage error exits 2."""
    def usage_error(what):
        print(f"{what}\n{USAGE}", file=sys.stderr)
        sys.exit(2)

    flags, names, compare_only = set(), [], None
    rest = iter(argv)
    for arg in rest:
        if arg in ("-h", "--help"):
            print(USAGE)
            sys.exit(0)
        if arg == "--compare-only":
            compare_only = next(rest, None)
            if compare_only is None:
                usage_error("--compare-only needs a file")
        elif arg in ("--smoke", "--compare"):
            flags.add(arg)
        elif arg.startswith("-") or arg not in ALL:
            usage_error(f"unknown argument {arg!r}")
        else:
            names.append(arg)
    return flags, names, compare_only


FLAGS, ARGS, COMPARE_ONLY = arguments(sys.argv[1:])
SMOKE, COMPARE = "--smoke" in FLAGS, "--compare" in FLAGS
SCENARIOS = ARGS or (["hello", "pipeline"] if SMOKE else ALL)
# BENCH_WARMUP / BENCH_DURATION (seconds) shorten the runs while working on the suite itself.
DURATION = int(os.environ.get("BENCH_DURATION", 2 if SMOKE else 10))
# Resume's code is JIT-compiled (Akka is not ReadyToRun like ASP.NET): tiered compilation reaches
# steady state after ~20 s of load, so every server gets 25 s of warm-up.
WARMUP = int(os.environ.get("BENCH_WARMUP", 1 if SMOKE else 25))
# Scenarios that run at a tenth of hello's rate or less (the cluster's remote row, whose second node
# shares CPU 1 with wrk; the todo list on PostgreSQL) reach the JIT's optimized tier later, as code is
# called less often: measured here, the remote row's CPU per request on the HTTP node fell from 114 us
# at 10 s to ~50 us only after 50 s of load, and todo ran 2.9k req/s at 246 us per request after 25 s
# (perf: most frames still in the instrumented tier) but 6.5k at 88 us after 60 s (Kestrel, also
# given 60 s, 6.7k at 80 us). Those scenarios (and the bare asks beside the cluster's) get 60 s.
SLOW_WARMUP = WARMUP if "BENCH_WARMUP" in os.environ or SMOKE else 60
SERVERS = ["resume", "kestrel"] if SMOKE else ["resume", "kestrel", "gunicorn-gthread", "gunicorn-gevent"]
# BENCH_SERVERS=resume,kestrel narrows a run while working on one thing (LATEST.md is then not written).
SERVERS = os.environ.get("BENCH_SERVERS", ",".join(SERVERS)).split(",")
GIB = 1 << 30
STREAM_BYTES = (64 << 20) if SMOKE else GIB


TLS_DIR = f"{ROOT}/bench/out/tls"


def tls_files():
    """A self-signed certificate for 127.0.0.1 (P-256, as a deployment would likely use), made once
    with openssl, and Resume's bench settings with the HTTPS listener on it."""
    cert, key, conf = f"{TLS_DIR}/server.crt", f"{TLS_DIR}/server.key", f"{TLS_DIR}/resume-https.conf"
    os.makedirs(TLS_DIR, exist_ok=True)
    if not os.path.exists(key):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "30", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    with open(f"{ROOT}/bench/resume-bench.conf") as base, open(conf, "w") as out:
        out.write(base.read())
        out.write(f'resume.server.https.certificate {{ path = "{cert}", key-path = "{key}" }}\n')
    return cert, key, conf


def server_command(name, port, scenario, extra=(), https_port=None):
    if name == "resume" and scenario == "https":
        return ["dotnet", f"{ROOT}/bench/out/resume/resume.dll", "--app", "demo", "--host", "127.0.0.1",
                "--port", str(port), "--https-port", str(https_port), "--config", tls_files()[2]]
    if name == "kestrel" and scenario == "https":
        return ["dotnet", f"{ROOT}/bench/out/kestrel/KestrelBaseline.dll", "--urls",
                f"http://127.0.0.1:{port};https://127.0.0.1:{https_port}"]
    if name == "resume" and scenario == "todo":
        return ["dotnet", f"{ROOT}/bench/out/todo/Resume.Samples.Todo.dll", "--host", "127.0.0.1",
                "--port", str(port), "--config", f"{ROOT}/bench/resume-bench.conf"]
    if name == "resume":
        config = "resume-slow-clients.conf" if scenario == "slow-clients" else "resume-bench.conf"
        return ["dotnet", f"{ROOT}/bench/out/resume/resume.dll", "--app", "demo", "--host", "127.0.0.1",
                "--port", str(port), "--config", f"{ROOT}/bench/{config}", *extra]
    if name == "kestrel":
        return ["dotnet", f"{ROOT}/bench/out/kestrel/KestrelBaseline.dll", "--urls", f"http://127.0.0.1:{port}"]
    worker = name.split("-")[1]
    extra = ["--threads", "64"] if worker == "gthread" else ["--worker-connections", "20000"]
    return ["/usr/bin/python3", "-m", "gunicorn", "-k", worker, "-w", "1", *extra, "--backlog", "4096",
            "--keep-alive", "75", "-b", f"127.0.0.1:{port}", "--chdir", f"{ROOT}/bench/Baselines/gunicorn",
            "--log-level", "warning", "app:application"]


def free_port(start):
    """The first port from start that nothing listens on: another bench (another worktree's) may be
    running beside this one, and a probe must not take its server for ours."""
    port = start
    while True:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind: TIME_WAIT does not count
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                port += 1


class Server:
    def __init__(self, name, scenario="", extra=(), cpu=SERVER_CPU):
        global PORT
        PORT = free_port(PORT + 1)
        self.name, self.port = name, PORT
        # The https scenario's load goes to a second, TLS, listener; the plain one answers the start probe.
        self.https_port = None
        env = dict(os.environ, DOTNET_gcServer="1", ASPNETCORE_ENVIRONMENT="Production")
        # As the container image and the systemd unit run Resume: on one core the shared array pool
        # keeps too few arrays (README, performance). Kestrel's SslStream draws on the same pool, so
        # both .NET servers get it.
        env["DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION"] = "256"
        if scenario == "todo":
            env["TODO_DB"] = TODO_DB
        if scenario == "scale-out":
            env["RESUME_HEALTH_READINESS_PATH"] = "/ready"
        if scenario == "https":
            PORT = free_port(PORT + 1)
            self.https_port = PORT
            cert, key, _ = tls_files()
            # Kestrel's default certificate from configuration, and HTTP/1.1 only, as Resume serves.
            env.update(Kestrel__Certificates__Default__Path=cert, Kestrel__Certificates__Default__KeyPath=key,
                       Kestrel__EndpointDefaults__Protocols="Http1")
        self.process = subprocess.Popen(["taskset", "-c", cpu, *server_command(name, self.port, scenario, extra, self.https_port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    probe = "/todos?limit=1" if scenario == "todo" else "/hello"
                    s.sendall(f"GET {probe} HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n".encode())
                    if s.recv(16).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{name} did not start: {self.process.stderr.read().decode()[-2000:]}")

    def url(self, path):
        if self.https_port:
            return f"https://127.0.0.1:{self.https_port}{path}"
        return f"http://127.0.0.1:{self.port}{path}"

    def pids(self):
        found, frontier = [], [self.process.pid]
        while frontier:
            pid = frontier.pop()
            found.append(pid)
            try:
                children = open(f"/proc/{pid}/task/{pid}/children").read().split()
            except OSError:
                children = []
            frontier.extend(int(c) for c in children)
        return found

    def cpu_seconds(self):
        total = 0
        for pid in self.pids():
            try:
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except OSError:
                pass
        return total / TICKS

    def memory_kib(self, key):
        total = 0
        for pid in self.pids():
            try:
                for line in open(f"/proc/{pid}/status"):
                    if line.startswith(key + ":"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total

    def stop(self):
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def to_ms(text):
    value, unit = float(re.match(r"[\d.]+", text).group()), re.search(r"[a-z]+", text).group()
    return value * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(server, path, connections, duration, script=None, headers=(), timeout="10s", script_args=()):
    command = ["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{connections}", f"-d{duration}s", f"--timeout", timeout, "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", f"{ROOT}/bench/{script}"]
    run = subprocess.run(command + [server.url(path)] + (["--", *script_args] if script_args else []),
                         capture_output=True, text=True, timeout=duration + 120)
    out = run.stdout
    try:
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        total = int(re.search(r"(\d+) requests in", out).group(1))
        # Anchored: "91.50%" in the thread stats must not be taken for the 50th percentile.
        p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
        p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    except (AttributeError, ValueError, KeyError) as e:
        raise RuntimeError(f"could not read wrk's output ({e}): {out[-400:]!r} {run.stderr[-200:]!r}") from e
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non2xx.group(1)) if non2xx else 0
    return {"rps": rps, "requests": total, "p50": p50, "p99": p99, "errors": errors}


def load_scenario(path, connections, warmup=None, **options):
    def run(server):
        try:
            wrk(server, path, connections, warmup or WARMUP, **options)
        except (RuntimeError, AttributeError):
            pass  # only the measured run counts
        cpu_before = server.cpu_seconds()
        result = wrk(server, path, connections, DURATION, **options)
        result["cpu_per_req_us"] = (server.cpu_seconds() - cpu_before) / max(result["requests"], 1) * 1e6
        result["rss_mib"] = server.memory_kib("VmHWM") / 1024
        return result
    return run


def sample_rss(server, stop, peak):
    while not stop.is_set():
        peak[0] = max(peak[0], server.memory_kib("VmRSS"))
        time.sleep(0.05)


def stream_scenario(server):
    """A fast reader, a slow reader and a chunked upload of STREAM_BYTES each, with RSS growth."""
    chunk = 64 * 1024
    stream_path = f"/stream?chunks={STREAM_BYTES // chunk}&size={chunk}"
    result = {}

    start = time.time()
    subprocess.run(["taskset", "-c", CLIENT_CPU, "curl", "-sf", "-o", "/dev/null", server.url(stream_path)], check=True, timeout=600)
    result["fast_read_gbps"] = STREAM_BYTES / (time.time() - start) / 1e9

    # The slow reader takes 8 MiB/s for a while, then leaves: the server must not buffer ahead of it.
    base = server.memory_kib("VmRSS")
    stop, peak = threading.Event(), [base]
    sampler = threading.Thread(target=sample_rss, args=(server, stop, peak))
    sampler.start()
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        s.sendall(f"GET {stream_path} HTTP/1.1\r\nHost: b\r\n\r\n".encode())
        received, began = 0, time.time()
        while time.time() - began < (2 if SMOKE else 8):
            received += len(s.recv(64 * 1024))
            time.sleep(64 * 1024 / (8 << 20))
    stop.set()
    sampler.join()
    result["slow_read_rss_growth_mib"] = (peak[0] - base) / 1024

    base = server.memory_kib("VmRSS")
    stop, peak = threading.Event(), [base]
    sampler = threading.Thread(target=sample_rss, args=(server, stop, peak))
    sampler.start()
    start = time.time()
    feed = subprocess.Popen(["head", "-c", str(STREAM_BYTES), "/dev/zero"], stdout=subprocess.PIPE)
    upload = subprocess.Popen(["taskset", "-c", CLIENT_CPU, "curl", "-s", "-T", "-", "-X", "POST", server.url("/upload")],
                              stdin=feed.stdout, stdout=subprocess.PIPE, text=True)
    feed.stdout.close()  # curl holds the pipe now; were it to stop reading, head gets SIGPIPE
    out_text, _ = upload.communicate(timeout=600)
    feed.wait(timeout=60)
    result["upload_gbps"] = STREAM_BYTES / (time.time() - start) / 1e9
    stop.set()
    sampler.join()
    result["upload_rss_growth_mib"] = (peak[0] - base) / 1024
    result["upload_ok"] = f'"bytes":{STREAM_BYTES}' in out_text.replace(" ", "")
    return result


SLOW_READERS = 200 if SMOKE else 2000
SLOW_BODIES = 300 if SMOKE else 3000


def tcp_state(s):
    """The kernel's TCP state of a socket (7 = closed: the peer reset it)."""
    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]


def hold(server, sockets_open, seconds):
    """Peak RSS (KiB) over a few seconds while sockets_open() keeps its connections."""
    stop, peak = threading.Event(), [server.memory_kib("VmRSS")]
    sampler = threading.Thread(target=sample_rss, args=(server, stop, peak))
    sampler.start()
    held = sockets_open()
    time.sleep(seconds)
    stop.set()
    sampler.join()
    return held, peak[0]


def slow_clients_scenario(server):
    """SLOW_READERS clients that read nothing of a 32 MiB response (more than the kernel buffers for them), then SLOW_BODIES that send one byte
    of a 1 MiB body: RSS growth per connection while they are held, and how many the server cut off
    (readers reset, bodies answered 408) and how soon."""
    for _ in range(20):  # the paths compiled before the base is taken
        subprocess.run(["curl", "-sf", "-o", "/dev/null", server.url("/stream?chunks=32&size=65536")], check=True, timeout=60)
        subprocess.run(["curl", "-sf", "-o", "/dev/null", "-X", "POST", "--data-binary", "x" * 1000, server.url("/upload")], check=True, timeout=60)
    time.sleep(1)
    result = {}

    def open_readers():
        readers = []
        for _ in range(SLOW_READERS):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
            s.connect(("127.0.0.1", server.port))
            s.sendall(b"GET /stream?chunks=512&size=65536 HTTP/1.1\r\nHost: b\r\n\r\n")
            readers.append(s)
        return readers

    base = server.memory_kib("VmRSS")
    began = time.time()
    readers, peak = hold(server, open_readers, 3)
    result["reader_kib_per_conn"] = (peak - base) / SLOW_READERS
    deadline = began + 40
    while time.time() < deadline and sum(tcp_state(s) == 7 for s in readers) < SLOW_READERS:
        time.sleep(0.5)
    result["readers_cut"] = sum(tcp_state(s) == 7 for s in readers)
    result["readers_cut_after_s"] = time.time() - began
    for s in readers:
        s.close()
    time.sleep(2)

    def open_bodies():
        bodies = []
        for _ in range(SLOW_BODIES):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(b"POST /upload HTTP/1.1\r\nHost: b\r\nContent-Length: 1048576\r\n\r\nx")
            bodies.append(s)
        return bodies

    base = server.memory_kib("VmRSS")
    began = time.time()
    bodies, peak = hold(server, open_bodies, 3)
    result["body_kib_per_conn"] = (peak - base) / SLOW_BODIES
    answered, pending = 0, list(bodies)
    deadline = began + 40
    while pending and time.time() < deadline:
        still = []
        for s in pending:
            s.setblocking(False)
            try:
                head = s.recv(64)
            except BlockingIOError:
                still.append(s)
                continue
            except OSError:
                continue
            answered += head.startswith(b"HTTP/1.1 408")
        pending = still
        time.sleep(0.2)
    result["bodies_408"] = answered
    result["bodies_cut_after_s"] = time.time() - began
    for s in bodies:
        s.close()
    return result


def cluster_node(cluster_port, seeds, cpu):
    extra = ["--cluster-port", str(cluster_port), "--public-host", "127.0.0.1"]
    for seed in seeds:
        extra += ["--seed", f"127.0.0.1:{seed}"]
    return Server("resume", "cluster", extra, cpu)


def counter_paths(server, home, count=64):
    """Counter paths on server whose entity lives on the node named home ("self": the server itself)."""
    import json
    found, i = [], 0
    while len(found) < count and i < 5000:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            s.sendall(f"GET /counter/k{i} HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        reply = json.loads(data.split(b"\r\n\r\n", 1)[1])
        if (reply["entityNode"] == reply["node"]) == (home == "self"):
            found.append(f"/counter/k{i}")
        i += 1
    if len(found) < count:
        raise RuntimeError(f"only {len(found)} counters found on {home}")
    return found


def cluster_scenario():
    """GET /counter/{id} through one node, its entities on that node (a cluster of one) or on a second
    node over loopback: the cost of the remote hop. The HTTP node is on CPU 0; the second node shares
    CPU 1 with wrk, so req/s is bounded there; CPU per request is the HTTP node's. Then the floor the
    remote row is judged against (issue #13): a bare Akka remote ask (bench/RemoteAsk, no HTTP, on
    Resume's Akka configuration), its asker on CPU 0 as the HTTP node, its target on CPU 1 as the
    second node, 64 asks outstanding as wrk's 64 connections; CPU per ask is the asker's."""
    import json

    def raw_ask(rate=0):
        dll = f"{ROOT}/bench/out/remote-ask/RemoteAsk.dll"
        port = PORT + 1003
        target = subprocess.Popen(["taskset", "-c", CLIENT_CPU, "dotnet", dll, "target", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            # The asker waits for the target to listen (up to 30 s) before it starts its warm-up.
            run = subprocess.run(["taskset", "-c", SERVER_CPU, "dotnet", dll, "ask", "--target-port", str(port), "--outstanding", "64",
                                  "--warmup", str(SLOW_WARMUP), "--duration", str(DURATION), *(["--rate", str(rate)] if rate else [])],
                                 capture_output=True, text=True, timeout=SLOW_WARMUP + DURATION + 120, start_new_session=True)
            line = next((l for l in reversed(run.stdout.splitlines()) if l.startswith("{")), None)
            if run.returncode != 0 or line is None:
                raise RuntimeError(f"RemoteAsk ask exited {run.returncode}: {(run.stderr or run.stdout)[-400:]!r}")
            return json.loads(line)
        finally:
            try:
                os.killpg(target.pid, signal.SIGTERM)
                target.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(target.pid, signal.SIGKILL)
                    target.wait(timeout=20)
                except ProcessLookupError:
                    pass

    results = {}
    for variant in ("local", "remote"):
        ports = [PORT + 1001, PORT + 1002] if variant == "remote" else [PORT + 1001]
        nodes = [cluster_node(ports[0], ports, SERVER_CPU)]
        try:
            if variant == "remote":
                nodes.append(cluster_node(ports[1], ports, CLIENT_CPU))
            # Until the second node's shard region has registered, new counters all go to the first.
            time.sleep(8)
            deadline = time.time() + 60
            paths = None
            while paths is None:
                try:
                    paths = counter_paths(nodes[0], "self" if variant == "local" else "other")
                except (RuntimeError, KeyError, ValueError, OSError):
                    if time.time() > deadline:
                        raise
                    time.sleep(1)
            run = load_scenario("/", 64, warmup=SLOW_WARMUP, script="paths.lua", script_args=paths)
            results[variant] = run(nodes[0])
            print(f"{variant}: {results[variant]}", file=sys.stderr)
        finally:
            for node in nodes:
                node.stop()
    # As fast as the target answers; then at the remote row's rate, which the second node sharing
    # CPU 1 with wrk holds far lower: a remote hop's CPU per message grows as the rate falls (fewer
    # messages per socket write and read, a thread wake-up for each), so the floor at the same rate
    # is the like-for-like one.
    rates = {"raw_ask": 0}
    if "rps" in results.get("remote", {}):
        rates["raw_ask_matched"] = max(int(results["remote"]["rps"]), 1)
    for key, rate in rates.items():
        try:
            results[key] = raw_ask(rate)
            print(f"{key}: {results[key]}", file=sys.stderr)
        except Exception as e:  # the HTTP rows still count without their floor
            results[key] = {"failed": str(e)[:200]}
            print(f"{key} failed:", e, file=sys.stderr)
    return results


PG_PORT = 18990
TODO_POOL = 20
TODO_DB = f"Host=127.0.0.1;Port={PG_PORT};Username=postgres;Database=postgres;Maximum Pool Size={TODO_POOL}"


class Postgres:
    """A throwaway PostgreSQL server for the todo scenario, from the server binaries (as the tests start one)."""

    def __init__(self):
        import glob, tempfile
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql-15")
        self.bin = os.path.dirname(bins[-1])
        self.dir = tempfile.mkdtemp(prefix="resume-bench-pg-")
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.run_as:
            subprocess.run(["chown", "postgres", self.dir], check=True)
        data = f"{self.dir}/data"
        self.tool("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
        self.tool("pg_ctl", "-D", data, "-l", f"{self.dir}/log", "-w", "start", "-o",
                  f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off")

    def tool(self, name, *args):
        subprocess.run([*self.run_as, f"{self.bin}/{name}", *args], check=True, capture_output=True, timeout=120)

    def stop(self):
        import shutil
        try:
            self.tool("pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def seed_todos(server, count=200):
    for i in range(count):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            body = f'{{"title": "todo {i}"}}'.encode()
            s.sendall(b"POST /todos HTTP/1.1\r\nHost: b\r\nConnection: close\r\nContent-Type: application/json\r\n"
                      + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            while s.recv(65536):
                pass


_todos_seeded = False


def todo_scenario(server):
    """The todo sample's list (20 rows a page) through a pool of 20 on a real PostgreSQL, 64 connections."""
    global _todos_seeded
    if not _todos_seeded and server.name == "resume":
        seed_todos(server)
        _todos_seeded = True
    return load_scenario("/todos?limit=20", 64, warmup=SLOW_WARMUP)(server)


def get(port, path, timeout=10):
    """One GET on a connection of its own: (status, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1] if head.startswith(b"HTTP/") else b"0"
    return int(status), body


NGINX_DIR = f"{ROOT}/bench/out/nginx"
NGINX_CONF = """# Written by bench/bench.py for the scale-out scenario: one worker in front of the Resume nodes.
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
worker_rlimit_nofile 16384;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream resume {{
{servers}        # Connections to the nodes kept open, so requests do not each pay a connect.
        keepalive 128;
        keepalive_requests 10000000;
        keepalive_timeout 60s;
    }}
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        keepalive_requests 10000000;
        location / {{
            proxy_pass http://resume;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


class Nginx(Server):
    """nginx as the load balancer in front of Resume nodes (round robin, keep-alive upstream), its
    configuration generated in bench/out/nginx; pinned with wrk to the client CPU. The process tree's
    CPU, memory and stop are Server's."""

    def __init__(self, upstream_ports, cpu=CLIENT_CPU):
        global PORT
        binary = "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else shutil.which("nginx")
        if not binary:
            raise RuntimeError("nginx not found: apt-get install nginx-light (bench/run.sh does)")
        PORT = free_port(PORT + 1)
        self.name, self.port, self.https_port = "nginx", PORT, None
        os.makedirs(NGINX_DIR, exist_ok=True)
        conf = f"{NGINX_DIR}/nginx.conf"
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(dir=NGINX_DIR, port=self.port,
                                      servers="".join(f"        server 127.0.0.1:{p};\n" for p in upstream_ports)))
        log = f"{NGINX_DIR}/error.log"
        if os.path.exists(log):
            os.remove(log)
        self.process = subprocess.Popen(["taskset", "-c", cpu, binary, "-p", NGINX_DIR, "-e", log, "-c", conf],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.time() + 15
        while time.time() < deadline and self.process.poll() is None:
            try:
                if get(self.port, "/hello", timeout=2)[0] == 200:
                    time.sleep(0.5)  # an nginx that could not bind its port has exited by then
                    if self.process.poll() is None:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        logged = "".join(open(log).readlines()[-2:]) if os.path.exists(log) else ""
        raise RuntimeError(f"nginx did not answer through to the nodes: {self.process.stderr.read().decode()[-1000:]}{logged}")


class Balanced:
    """The nodes behind nginx as load_scenario sees a server: nginx's URL, the nodes' CPU and memory
    summed. Every cpu_seconds() also notes the time and nginx's CPU; load_scenario reads it just
    before and just after the measured run, so the last two notes span that run (measured())."""

    def __init__(self, nginx, nodes):
        self.nginx, self.nodes, self.notes = nginx, nodes, []

    def url(self, path):
        return self.nginx.url(path)

    def cpu_seconds(self):
        total = sum(node.cpu_seconds() for node in self.nodes)
        self.notes.append((time.time(), total, self.nginx.cpu_seconds()))
        return total

    def memory_kib(self, key):
        return sum(node.memory_kib(key) for node in self.nodes)

    def measured(self):
        """The nodes' CPU over the measured run in cores (1.0: CPU 0 was busy throughout), and nginx's CPU seconds."""
        (began, nodes_before, nginx_before), (ended, nodes_after, nginx_after) = self.notes[-2:]
        return (nodes_after - nodes_before) / (ended - began), nginx_after - nginx_before


SCALE_NODES = (1, 3)
SCALE_COUNTERS = [f"/counter/s{i}" for i in range(300)]


def scale_node(cluster_port, seeds):
    """A cluster node as cluster_node() starts one, pinned to the server CPU, with the readiness path on."""
    extra = ["--cluster-port", str(cluster_port), "--public-host", "127.0.0.1"]
    for seed in seeds:
        extra += ["--seed", f"127.0.0.1:{seed}"]
    return Server("resume", "scale-out", extra, SERVER_CPU)


def wait_formed(nodes, timeout=90):
    """Until every node is an Up member (its /ready answers 200) and a counter is answered through
    every node; then a few seconds more, so that every shard region has registered before counters
    are spread (until it has, new counters all go to the nodes already there)."""
    deadline = time.time() + timeout
    for node in nodes:
        while True:
            try:
                status, body = get(node.port, "/ready", timeout=2)
            except OSError as e:
                status, body = 0, str(e).encode()
            if status == 200:
                break
            if node.process.poll() is not None:
                raise RuntimeError(f"node on port {node.port} exited {node.process.returncode}: "
                                   f"{node.process.stderr.read().decode()[-1000:]}")
            if time.time() > deadline:
                raise RuntimeError(f"node on port {node.port} not ready: {status} {body[:200]!r}")
            time.sleep(0.5)
    if len(nodes) > 1:
        time.sleep(5)
    for node in nodes:
        while True:
            try:
                if get(node.port, "/counter/probe")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError(f"counters not answered through node on port {node.port}")
            time.sleep(0.5)


def entity_homes(node, paths):
    """How many of the counters live on each node, most first (asked through node)."""
    import json
    homes, unanswered = {}, 0
    for path in paths:
        try:
            status, body = get(node.port, path)
        except OSError:
            status = 0
        if status == 200:
            home = json.loads(body)["entityNode"]
            homes[home] = homes.get(home, 0) + 1
        else:
            unanswered += 1
    return sorted(homes.values(), reverse=True) + ([f"{unanswered} unanswered"] if unanswered else [])


def scale_out_scenario():
    """GET /hello and GET /counter/{id} (SCALE_COUNTERS, one at random per request) through nginx,
    with one Resume node behind it, then three in a cluster. Every node on the server CPU, nginx and
    wrk on the client CPU: both runs have the same two cores. CPU per request is summed over the nodes;
    the three nodes are warmed up three times as long, as each gets a third of the requests."""
    results = {"hello": {}, "counter": {}, "homes": {}, "idle": {}}
    for count in SCALE_NODES:
        ports = []
        for _ in range(count):
            ports.append(free_port((ports[-1] if ports else PORT + 2000) + 1))
        nodes, nginx = [], None
        try:
            for port in ports:
                nodes.append(scale_node(port, ports))
            wait_formed(nodes)
            # What the nodes take of their core with no requests (timers, and the cluster's gossip and heartbeats).
            before, began = sum(node.cpu_seconds() for node in nodes), time.time()
            time.sleep(3)
            results["idle"][count] = (sum(node.cpu_seconds() for node in nodes) - before) / (time.time() - began)
            nginx = Nginx([node.port for node in nodes])
            front = Balanced(nginx, nodes)
            runs = (("hello", "/hello", {}), ("counter", "/", dict(script="paths.lua", script_args=SCALE_COUNTERS)))
            for load, path, options in runs:
                if count > 1:
                    # Each node gets 1/count of the requests: the warm-up is count times as long, so that
                    # every node's JIT-compiled code sees as many calls as the one node's did.
                    try:
                        wrk(front, path, 64, WARMUP * (count - 1), **options)
                    except (RuntimeError, AttributeError):
                        pass
                r = load_scenario(path, 64, **options)(front)
                r["node_cores"], nginx_cpu = front.measured()
                r["nginx_cpu_per_req_us"] = nginx_cpu / max(r["requests"], 1) * 1e6
                results[load][count] = r
                print(f"{load} on {count}: {({k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()})}", file=sys.stderr)
            if count > 1:
                results["homes"][count] = entity_homes(nodes[0], SCALE_COUNTERS)
        finally:
            if nginx is not None:
                nginx.stop()
            for node in nodes:
                node.stop()
    return results


SCENARIO_RUNS = {
    "hello": load_scenario("/hello", 64),
    "close": load_scenario("/hello", 64, headers=["Connection: close"]),
    "pipeline": load_scenario("/hello", 64, script="pipeline.lua"),
    "suspend-1k": load_scenario("/sleep?ms=100", 1000),
    "suspend-10k": load_scenario("/sleep?ms=1000", 10000, timeout="30s"),
    "stream": stream_scenario,
    "slow-clients": slow_clients_scenario,
    "todo": lambda server: todo_scenario(server),
    "https": load_scenario("/hello", 64),
}


def machine():
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} × {model}; {platform.system()} {platform.release()}; .NET SDK {dotnet}"


def ratio(a, b):
    return f"{a / b:.2f}" if b else "–"


# Scenarios of Resume nodes alone (no baseline server): how each runs, and what the log line says.
RESUME_ONLY = {
    "cluster": (cluster_scenario, "resume x2"),
    "scale-out": (scale_out_scenario, "resume x1, x3 behind nginx"),
}


def main():
    if COMPARE_ONLY:
        with open(COMPARE_ONLY) as f:
            sys.exit(1 if compare(f.read(), committed_report()) else 0)
    results = {}
    postgres = None
    for scenario in SCENARIOS:
        if scenario in RESUME_ONLY:
            run, label = RESUME_ONLY[scenario]
            print(f"{scenario:12} {label}", end=" ", flush=True, file=sys.stderr)
            try:
                results[(scenario, "resume")] = run()
            except Exception as e:
                results[(scenario, "resume")] = {"failed": str(e)[:200]}
                print("failed:", e, file=sys.stderr)
            continue
        if scenario == "todo" and postgres is None:
            try:
                postgres = Postgres()
            except Exception as e:  # without PostgreSQL the other scenarios still count
                print("todo: no PostgreSQL:", e, file=sys.stderr)
                continue
        for name in SERVERS:
            if scenario == "todo" and name.startswith("gunicorn"):
                continue  # the same queries on gunicorn would need a Python driver: not this comparison
            if scenario == "slow-clients" and name.startswith("gunicorn"):
                continue  # a worker per connection: thousands of held connections are not its workload
            if scenario == "https" and name.startswith("gunicorn"):
                continue  # TLS in the server against Kestrel's; gunicorn is usually run behind a proxy that ends it
            print(f"{scenario:12} {name:17}", end=" ", flush=True, file=sys.stderr)
            server = Server(name, scenario)
            try:
                results[(scenario, name)] = r = SCENARIO_RUNS[scenario](server)
                print({k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()}, file=sys.stderr)
            except Exception as e:  # a baseline failing must not lose the other results
                results[(scenario, name)] = {"failed": str(e)[:200]}
                print("failed:", e, file=sys.stderr)
            finally:
                server.stop()
    if postgres is not None:
        postgres.stop()
    report = render(results)
    print(report)
    if not SMOKE and not ARGS and not {"BENCH_SERVERS", "BENCH_WARMUP", "BENCH_DURATION"} & set(os.environ):
        with open(f"{ROOT}/bench/results/LATEST.md", "w") as f:
            f.write(report)
    if COMPARE and compare(report, committed_report()):
        sys.exit(1)
    if SMOKE and any("failed" in r for r in results.values()):
        sys.exit(1)


def render(results):
    lines = [f"# Benchmark results {'(smoke)' if SMOKE else ''}".strip(), "",
             f"- When: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
             f"- Machine: {machine()}",
             f"- Pinning: each server on CPU {SERVER_CPU} (so .NET uses workstation GC), the load generator on CPU {CLIENT_CPU}; "
             f"every server fresh per scenario; {WARMUP} s warm-up (cluster and todo {SLOW_WARMUP} s) then {DURATION} s measured; wrk -t1.",
             "- Ratios are Resume / Kestrel from this same run.", ""]
    lines += targets_section(results)
    load = [s for s in SCENARIOS if s not in ("stream", "slow-clients", "cluster", "scale-out")]
    if load:
        lines += ["| scenario | server | req/s | p50 ms | p99 ms | errors | CPU µs/req | peak RSS MiB | req/s × Kestrel | p99 × Kestrel | CPU/req × Kestrel | RSS × Kestrel |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for scenario in load:
            base = results.get((scenario, "kestrel"), {})
            for name in SERVERS:
                r = results.get((scenario, name), {})
                if "failed" in r or not r:
                    lines.append(f"| {scenario} | {name} | failed: {r.get('failed', 'not run')} |||||||||||")
                    continue
                lines.append(
                    f"| {scenario} | {name} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} | "
                    f"{r['cpu_per_req_us']:.1f} | {r['rss_mib']:.0f} | {ratio(r['rps'], base.get('rps'))} | "
                    f"{ratio(r['p99'], base.get('p99'))} | {ratio(r['cpu_per_req_us'], base.get('cpu_per_req_us'))} | "
                    f"{ratio(r['rss_mib'], base.get('rss_mib'))} |")
        lines.append("")
        if "suspend-10k" in load and "hello" in load:
            lines.append("Memory per suspended request (suspend-10k peak RSS less the same server's hello peak, over 10,000):")
            lines.append("")
            for name in SERVERS:
                kib = suspended_kib(results, "suspend-10k", name)
                if kib is not None:
                    lines.append(f"- {name}: {kib:.1f} KiB")
            lines.append("")
    if "stream" in SCENARIOS:
        lines += [f"Stream ({STREAM_BYTES >> 20} MiB each way):", "",
                  "| server | fast read GB/s | slow reader RSS growth MiB | upload GB/s | upload RSS growth MiB | upload answered |",
                  "|---|---:|---:|---:|---:|---|"]
        for name in SERVERS:
            r = results.get(("stream", name), {})
            if "failed" in r or not r:
                lines.append(f"| {name} | failed: {r.get('failed', 'not run')} |||||")
                continue
            lines.append(f"| {name} | {r['fast_read_gbps']:.2f} | {r['slow_read_rss_growth_mib']:.1f} | {r['upload_gbps']:.2f} | "
                         f"{r['upload_rss_growth_mib']:.1f} | {r['upload_ok']} |")
        lines.append("")
    if "slow-clients" in SCENARIOS:
        lines += [f"Slow clients ({SLOW_READERS:,} readers of a 32 MiB response that read nothing, then {SLOW_BODIES:,} bodies of "
                  "1 MiB that stop after one byte; RSS growth per connection while held, then what the server did within 40 s):", "",
                  "| server | KiB per stalled reader | readers reset | after s | KiB per stalled body | bodies answered 408 | after s |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for name in SERVERS:
            r = results.get(("slow-clients", name), {})
            if "failed" in r or not r:
                continue
            lines.append(f"| {name} | {r['reader_kib_per_conn']:.1f} | {r['readers_cut']:,} | {r['readers_cut_after_s']:.1f} | "
                         f"{r['body_kib_per_conn']:.1f} | {r['bodies_408']:,} | {r['bodies_cut_after_s']:.1f} |")
        lines.append("")
    if "cluster" in SCENARIOS:
        r = results.get(("cluster", "resume"), {})
        lines += ["Cluster: GET /counter/{id} through one node, 64 connections; the entity on that node (a cluster of one) "
                  "or on a second node over loopback (which shares CPU 1 with wrk). The last row is the floor: a bare Akka "
                  "remote ask (bench/RemoteAsk, Resume's Akka configuration on Akka's default dispatcher), 64 outstanding, "
                  "the asker on CPU 0, its target alone on CPU 1; its columns are per ask, its CPU the asker's:", "",
                  "| entity | req/s | p50 ms | p99 ms | errors | CPU µs/req on the HTTP node | req/s × local | p99 × local |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        if "failed" in r:
            lines.append(f"| failed: {r['failed']} |||||||")
        else:
            base = r.get("local", {})
            for variant in ("local", "remote"):
                v = r.get(variant)
                if v:
                    lines.append(f"| {variant} | {v['rps']:,.0f} | {v['p50']:.2f} | {v['p99']:.2f} | {v['errors']} | {v['cpu_per_req_us']:.1f} | "
                                 f"{ratio(v['rps'], base.get('rps'))} | {ratio(v['p99'], base.get('p99'))} |")
            for key, label in (("raw_ask", "raw remote ask (bare Akka, no HTTP)"), ("raw_ask_matched", "raw remote ask at the remote row's rate")):
                a = r.get(key, {})
                if "failed" in a:
                    lines.append(f"| {label} | failed: {a['failed']} ||||||")
                elif a:
                    lines.append(f"| {label} | {a['asks_per_s']:,.0f} | {a['p50_ms']:.2f} | {a['p99_ms']:.2f} | "
                                 f"{a['errors']} | {a['cpu_per_ask_us']:.1f} | – | – |")
            lines.append("")
            # Issue #13: the remote hop may cost the HTTP node no more than serving hello plus a bare
            # remote ask, with 20 % to spare: both from this same run (judged on the ask at full speed;
            # the one at the remote row's rate is the like-for-like floor, shown beside it).
            remote, hello, a = r.get("remote", {}), results.get(("hello", "resume"), {}), r.get("raw_ask", {})
            matched = r.get("raw_ask_matched", {})
            if "cpu_per_ask_us" in matched and "cpu_per_req_us" in hello:
                bound = (hello["cpu_per_req_us"] + matched["cpu_per_ask_us"]) * 1.2
                lines.append(f"At the same rate: (hello's {hello['cpu_per_req_us']:.1f} + the rate-matched ask's "
                             f"{matched['cpu_per_ask_us']:.1f}) × 1.2 = {bound:.1f} µs against the remote row's "
                             f"{remote.get('cpu_per_req_us', float('nan')):.1f} µs.")
            if "cpu_per_req_us" in remote and "cpu_per_ask_us" in a:
                cpu, ask = remote["cpu_per_req_us"], a["cpu_per_ask_us"]
                if "cpu_per_req_us" in hello:
                    bound = (hello["cpu_per_req_us"] + ask) * 1.2
                    lines.append(f"Target: remote CPU/req on the HTTP node ≤ (hello's {hello['cpu_per_req_us']:.1f} + the raw ask's "
                                 f"{ask:.1f}) × 1.2 = {bound:.1f} µs: {cpu:.1f} µs, {'met' if cpu <= bound else 'missed'} "
                                 f"({cpu / bound:.2f} × the bound); remote p99 {remote['p99']:.2f} ms, the raw ask's {a['p99_ms']:.2f} ms.")
                else:
                    lines.append(f"Target: remote CPU/req on the HTTP node ≤ (hello's + the raw ask's {ask:.1f}) × 1.2: not judged, "
                                 f"hello did not run in this run (remote {cpu:.1f} µs; p99 {remote['p99']:.2f} ms, the raw ask's {a['p99_ms']:.2f} ms).")
        lines.append("")
    if "scale-out" in SCENARIOS:
        lines += scale_out_section(results.get(("scale-out", "resume"), {}))
    notes = f"{ROOT}/bench/results/NOTES.md"
    if not SMOKE and os.path.exists(notes):
        lines += [open(notes).read()]
    return "\n".join(lines)


# The suspend scenarios as SCENARIO_RUNS runs them: connections, and how long each request sleeps (s).
SUSPENDED = {"suspend-1k": (1000, 0.1), "suspend-10k": (10000, 1.0)}


def suspended_kib(results, scenario, name):
    """Memory per suspended request: the scenario's peak RSS less the same server's hello peak, over its connections."""
    held, idle = results.get((scenario, name), {}), results.get(("hello", name), {})
    if "rss_mib" in held and "rss_mib" in idle:
        return (held["rss_mib"] - idle["rss_mib"]) * 1024 / SUSPENDED[scenario][0]
    return None


def targets_section(results):
    """Issue #13's targets, one row each for the scenarios that ran: the value measured and met or missed
    (decided on the value as shown). Ratios are Resume / Kestrel from this run."""
    rows = []

    def measured(scenario):
        """Resume's result, or why there is none."""
        r = results.get((scenario, "resume"), {})
        return (None, f"failed: {r['failed'][:80]}") if "failed" in r else (r, None) if r else (None, "not run")

    def verdict(value, bound, higher):
        return "met" if (value >= bound if higher else value <= bound) else "missed"

    def against_kestrel(scenario, key, what, bound, higher=False):
        target = f"{scenario}: {what} {'≥' if higher else '≤'} {bound:.2f}× Kestrel's"
        r, why = measured(scenario)
        k = results.get((scenario, "kestrel"), {})
        if r is None:
            rows.append((target, why, "missed" if why.startswith("failed") else "not measured"))
        elif not k.get(key):
            rows.append((target, "no Kestrel run", "not measured"))
        else:
            value = round(r[key] / k[key], 2)
            rows.append((target, f"{value:.2f}×", verdict(value, bound, higher)))

    load_targets = {"hello": [("rps", "req/s", 0.9, True), ("cpu_per_req_us", "CPU/req", 1.15, False)],
                    "close": [("rps", "req/s (a request per connection)", 1.0, True)],
                    "pipeline": [("rps", "req/s", 0.6, True), ("cpu_per_req_us", "CPU/req", 1.6, False)],
                    "suspend-1k": [("rps", "req/s", 1.0, True), ("cpu_per_req_us", "CPU/req", 1.3, False)],
                    "suspend-10k": [("rps", "req/s", 1.0, True), ("cpu_per_req_us", "CPU/req", 1.3, False)],
                    "https": [("rps", "req/s", 0.85, True)],
                    "todo": [("rps", "req/s", 0.9, True)]}
    for scenario in SCENARIOS:
        for key, what, bound, higher in load_targets.get(scenario, []):
            against_kestrel(scenario, key, what, bound, higher)
        if scenario in SUSPENDED:
            connections, seconds = SUSPENDED[scenario]
            limit = connections / seconds
            target = f"{scenario}: req/s ≥ 0.95 of the limit ({connections:,} connections / {seconds:g} s = {limit:,.0f}/s)"
            r, why = measured(scenario)
            if r is None:
                rows.append((target, why, "missed" if why.startswith("failed") else "not measured"))
            else:
                value = round(r["rps"] / limit, 2)
                rows.append((target, f"{value:.2f} ({r['rps']:,.0f}/s)", verdict(value, 0.95, True)))
            target = f"{scenario}: memory per suspended request ≤ Kestrel's"
            resume, kestrel = suspended_kib(results, scenario, "resume"), suspended_kib(results, scenario, "kestrel")
            if resume is None or kestrel is None:
                rows.append((target, "needs hello and Kestrel in the run", "not measured"))
            else:
                rows.append((target, f"{resume:.1f} KiB (Kestrel {kestrel:.1f})", verdict(round(resume, 1), round(kestrel, 1), False)))
        if scenario == "cluster":
            target = "cluster remote: CPU/req on the HTTP node ≤ (hello CPU/req + raw remote ask CPU/ask) × 1.2"
            r = results.get(("cluster", "resume"), {})
            remote = r.get("remote", {}).get("cpu_per_req_us")
            raw = r.get("raw_ask", {}).get("cpu_per_ask_us") if isinstance(r.get("raw_ask"), dict) else None
            hello, _ = measured("hello")
            if remote is None:
                rows.append((target, f"failed: {r['failed'][:80]}" if "failed" in r else "not measured", "missed" if "failed" in r else "not measured"))
            elif raw is None:
                rows.append((target, f"{remote:.1f} µs; raw ask not measured", "not measured"))
            elif hello is None:
                rows.append((target, f"{remote:.1f} µs; hello not in the run", "not measured"))
            else:
                bound = round((hello["cpu_per_req_us"] + raw) * 1.2, 1)
                rows.append((target, f"{remote:.1f} µs (bound ({hello['cpu_per_req_us']:.1f} + {raw:.1f}) × 1.2 = {bound:.1f})",
                             verdict(round(remote, 1), bound, False)))
                matched = r.get("raw_ask_matched", {}).get("cpu_per_ask_us")
                if matched is not None:
                    bound = round((hello["cpu_per_req_us"] + matched) * 1.2, 1)
                    rows.append(("cluster remote, the same with the raw ask at the remote row's rate",
                                 f"{remote:.1f} µs (bound ({hello['cpu_per_req_us']:.1f} + {matched:.1f}) × 1.2 = {bound:.1f})",
                                 verdict(round(remote, 1), bound, False)))
        if scenario == "scale-out":
            r = results.get(("scale-out", "resume"), {})
            factors = []
            for load in ("hello", "counter"):
                runs = r.get(load, {})
                one, many = runs.get(SCALE_NODES[0], {}).get("rps"), runs.get(SCALE_NODES[-1], {}).get("rps")
                if one and many:
                    factors.append(f"{load} {many / one:.2f}×")
            value = ", ".join(factors) or (f"failed: {r['failed'][:80]}" if "failed" in r else "not measured")
            rows.append((f"scale-out: req/s of {SCALE_NODES[-1]} nodes × 1 node (on one core: see below)", value, "reported"))
    if not rows:
        return []
    lines = ["Targets (issue #13) on this run:", "", "| target | measured | status |", "|---|---|---|"]
    lines += [f"| {target} | {value} | {status} |" for target, value, status in rows]
    return lines + [""]


def scale_out_section(r):
    """The scale-out table, the factor per load, and what the factor means on this machine."""
    lines = [f"Scale-out: GET /hello, and GET /counter/{{id}} with one of {len(SCALE_COUNTERS)} counters at random per request "
             "(bench/paths.lua), through nginx (one worker, keep-alive to the nodes, round robin), 64 connections; one Resume node "
             f"behind it, then three in a cluster. Every node is pinned to CPU {SERVER_CPU}, nginx and wrk to CPU {CLIENT_CPU}. "
             f"The three nodes get {SCALE_NODES[-1]} × {WARMUP} s of warm-up, as each takes a third of the requests. "
             "CPU per request is summed over the nodes; \"nodes' CPU\" is their share of a core over the measured run "
             f"(under 1.0: CPU {CLIENT_CPU}, nginx and wrk, bounded the run, or something besides the bench took CPU {SERVER_CPU}; "
             "CPU per request is the steadier measure then):", "",
             "| load | nodes | req/s | p50 ms | p99 ms | errors | CPU µs/req (all nodes) | nodes' CPU, cores | nginx CPU µs/req | scale-out factor (req/s × 1 node) | CPU/req × 1 node |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    if "failed" in r:
        return lines + [f"| failed: {r['failed']} ||||||||||", ""]
    for load in ("hello", "counter"):
        runs = r.get(load, {})
        base = runs.get(SCALE_NODES[0], {})
        for count in SCALE_NODES:
            v = runs.get(count)
            if v:
                lines.append(f"| {load} | {count} | {v['rps']:,.0f} | {v['p50']:.2f} | {v['p99']:.2f} | {v['errors']} | "
                             f"{v['cpu_per_req_us']:.1f} | {v['node_cores']:.2f} | {v['nginx_cpu_per_req_us']:.1f} | "
                             f"{ratio(v['rps'], base.get('rps'))} | {ratio(v['cpu_per_req_us'], base.get('cpu_per_req_us'))} |")
    lines.append("")
    idle = r.get("idle", {})
    if all(count in idle for count in SCALE_NODES):
        lines += ["With no requests, the nodes took " + " and ".join(f"{idle[count]:.2f} of a core with {count} node{'s' if count > 1 else ''}"
                                                                 for count in SCALE_NODES) + f" (CPU {SERVER_CPU}, summed).", ""]
    homes = r.get("homes", {}).get(SCALE_NODES[-1])
    if homes:
        lines += [f"Counters per node after the {SCALE_NODES[-1]}-node run (where their entities live): "
                  + " / ".join(str(n) for n in homes) + f" of {len(SCALE_COUNTERS)}.", ""]
    lines += ["What the factor means here: this machine has two cores, and the three nodes share one of them "
              f"(CPU {SERVER_CPU}), as the one node had it alone. So the factor is not added capacity: it measures what the "
              "cluster costs on the same CPU (three runtimes and actor systems taking turns on it, gossip and heartbeats, and for counters the "
              "remote hop: with random ids and round robin, 2/3 of the counter asks reach a node that does not hold the "
              "counter and cross to the one that does). Below 1.0 is that overhead. A machine with a core per node would "
              "show about the one-node req/s times the nodes, less the share the remote hops take.", ""]
    return lines


# --compare: what this run measured beside the committed LATEST.md. Both reports are read as text
# by the same parser, so the comparison only needs the markdown tables, found by their header row.
COMMITTED = "bench/results/LATEST.md"
THRESHOLD = 0.10  # a change for the worse beyond this is a regression
KEY_COLUMNS = ("scenario", "server", "entity", "load", "nodes")


def tracked(column):
    """Whether a column is compared: the ratios (a "×" in the header) and throughputs (GB/s)."""
    return "×" in column or "GB/s" in column


def higher_is_better(column):
    """req/s and GB/s are better higher; p99, CPU, RSS and memory are better lower."""
    return "req/s" in column or "GB/s" in column


def number(cell):
    try:
        return float(cell.replace(",", "").split()[0])
    except (ValueError, IndexError):
        return None  # "–", "failed: ...", "True"


def parse_report(text):
    """The values a report holds, {name: (value, higher is better)}, and the rows that failed, {name: reason}.

    A table is a header row, a |---| row and its rows; its columns are found by name. Rows are named
    by their key columns (scenario, server, entity, load, nodes) after the sentence that leads into
    the table ("Stream", "Cluster", ...); only Resume's rows of a table with a server column count.
    Tables without a key column (the targets, the notes' tables) are not read. The memory per
    suspended request is the list under its own sentence."""
    values, failed = {}, {}
    lines = text.splitlines()
    lead, previous, in_memory = "", "", False
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("|") and i + 1 < len(lines) and re.fullmatch(r"\|[\s:|-]+\|", lines[i + 1].strip()):
            header = [c.strip() for c in line.strip("|").split("|")]
            label = lead if not previous.startswith("|") else ""
            keys = [n for n, c in enumerate(header) if c in KEY_COLUMNS]
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                i += 1
                cells += [""] * (len(header) - len(cells))
                if not keys or ("server" in header and cells[header.index("server")] != "resume"):
                    continue
                key = " ".join(cells[n] for n in keys if not cells[n].startswith("failed"))
                name = f"{label} {key}".strip()
                reason = next((c for c in cells if c.startswith("failed")), None)
                if reason:
                    failed[name] = reason
                    continue
                row = {c: number(cells[n]) for n, c in enumerate(header) if tracked(c)}
                if row and all(v == 1.0 for v in row.values()) and "GB/s" not in "".join(row):
                    continue  # the base of its own ratios (Kestrel's, the local entity's, one node's)
                for column, value in row.items():
                    if value is not None:
                        values[f"{name}: {column}"] = (value, higher_is_better(column))
            previous = "|"
            continue
        if line:
            if line.startswith("Memory per suspended request"):
                in_memory = True
            elif in_memory and line.startswith("- "):
                server, _, amount = line[2:].partition(":")
                if server.strip() == "resume" and number(amount.strip()) is not None:
                    values["memory per suspended request resume: KiB"] = (number(amount.strip()), False)
            else:
                in_memory = False
            lead_match = re.match(r"([A-Z][\w -]*?)\s*[:(]", line)
            lead = lead_match.group(1) if lead_match and not line.startswith("-") else ""
            previous = line
        i += 1
    return values, failed


def committed_report():
    run = subprocess.run(["git", "-C", ROOT, "show", f"HEAD:{COMMITTED}"], capture_output=True, text=True)
    if run.returncode != 0:
        print(f"cannot read the committed {COMMITTED}: {run.stderr.strip()}", file=sys.stderr)
        sys.exit(2)
    return run.stdout


def compare(current, committed):
    """Prints every value of current beside committed's; returns how many regressed (or failed)."""
    now, failed = parse_report(current)
    then, _ = parse_report(committed)
    when = re.search(r"^- When: (.*)$", committed, re.M)
    print(f"\nAgainst the committed {COMMITTED} ({when.group(1) if when else 'undated'}); "
          f"REGRESSION marks a change for the worse of more than {THRESHOLD:.0%}:\n")
    rows, regressions = [], 0
    for name, (value, higher) in now.items():
        old = then.get(name, (None,))[0]
        if old is None:
            rows.append((name, "–", f"{value:,.2f}", "no committed value"))
            continue
        if old == 0:
            rows.append((name, f"{old:,.2f}", f"{value:,.2f}", ""))
            continue
        change = (value - old) / old
        worse = -change if higher else change
        note = f"{change:+.1%} {'better' if worse < 0 else 'worse' if worse > 0 else ''}".strip()
        if worse > THRESHOLD + 1e-9:
            note += f"  REGRESSION ({'higher' if higher else 'lower'} is better)"
            regressions += 1
        rows.append((name, f"{old:,.2f}", f"{value:,.2f}", note))
    for name, reason in failed.items():
        # A whole table's failure ("| failed: ... |") is named by its lead alone and covers all its rows.
        if name and any(n.startswith((name + ":", name + " ")) for n in then):
            rows.append((name, "measured", reason[:60], "FAILED  REGRESSION"))
            regressions += 1
    if not rows:
        print("nothing measured that the committed report holds")
        return 0
    width = max(len(r[0]) for r in rows)
    print(f"{'value':{width}}  {'committed':>10}  {'now':>10}  change")
    for name, old, value, note in rows:
        print(f"{name:{width}}  {old:>10}  {value:>10}  {note}")
    print(f"\n{regressions} regression{'s' if regressions != 1 else ''}" if regressions else "\nno regression")
    return regressions


if __name__ == "__main__":
    main()
