#!/usr/bin/env python3
"""What this machine itself costs for N clients connecting at once: the servers experiment's 10,000-client run with a
minimal C server (floor_server.c: one thread, epoll, a FIFO of deadlines) and a C load generator (floor_clients.c: one
thread per core, each with epoll and its share of the clients, like the experiment's own generator), next to our async
and actor designs measured with the same C generator, in one run.

  python3 bench/servers/floor/floor.py [--clients 10000] [--task-ms 3000] [--repeat 5] [--lanes CORES] [--generators 1]
                                       [--designs floor,async,actor,actor-per-connection]
                                       [--out results/servers-floor]

Needs gcc and a Release build of the client (dotnet build src/Client -c Release). Prints a table of medians and writes
results.json: per design, every run's last reply (from the first connect, as the experiment counts), when the last
client was connected, when the last task was sent, and the last reply minus the last send (the server's own delay).
If the floor itself takes more than 1.1 x T, no server on this machine can meet 1.1 x T with the clients on it too.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CLIENT_DLL = os.path.join(ROOT, "src", "Client", "bin", "Release", "net10.0", "OrleansDist.Client.dll")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def compile_c(build):
    if shutil.which("gcc") is None:
        sys.exit("floor.py: gcc is needed to build the C floor (apt-get install gcc)")
    binaries = {}
    for name in ("floor_server", "floor_clients"):
        binaries[name] = os.path.join(build, name)
        subprocess.run(["gcc", "-O2", "-Wall", "-pthread", "-o", binaries[name], os.path.join(HERE, name + ".c")], check=True)
    return binaries


def start_server(design, port, task_ms, binaries):
    if design == "floor":
        command = [binaries["floor_server"], str(port), str(task_ms)]
    else:
        if not os.path.exists(CLIENT_DLL):
            sys.exit("floor.py: %s is missing: run dotnet build src/Client -c Release first" % CLIENT_DLL)
        # actor-per-connection: the actor design with a new session activation per connection (what pooling saves)
        name, _, sessions = design.partition("-")
        command = ["dotnet", CLIENT_DLL, "server", "run", "--design", name, "--port", str(port), "--task-ms", str(task_ms)]
        if sessions:
            command += ["--session-grains", sessions]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    started = time.time()
    while time.time() - started < 60:
        line = server.stdout.readline()
        if not line:
            break
        if line.startswith("SERVER READY"):
            return server
    server.kill()
    sys.exit("floor.py: %s did not print SERVER READY" % design)


def run_clients(binaries, port, clients, task_ms, lanes, generators):
    """One run: GENERATORS floor_clients processes started together, each with its share of the clients (a process
    has its own descriptor table; threads of one process share it). Each times from its own start; the run's figures
    are the latest of theirs."""
    deadline = max(30.0, task_ms / 1000.0 * 3 + 20)
    shares = [clients // generators + (1 if g < clients % generators else 0) for g in range(generators)]
    started = [subprocess.Popen([binaries["floor_clients"], str(port), str(share), str(deadline), str(lanes)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for share in shares if share > 0]
    parts = []
    for process in started:
        out, _ = process.communicate()
        fields = dict(part.split("=") for part in out.split())
        parts.append(fields)
    run = {key: max(float(part[key]) for part in parts) for key in ("connected", "sent", "last_reply")}
    run["failed"] = sum(int(part["failed"]) for part in parts)
    run["lanes"] = lanes
    run["generators"] = len(parts)
    run["server_delay"] = round(run["last_reply"] - run["sent"], 3)
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10000)
    parser.add_argument("--task-ms", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--designs", default="floor,async,actor,actor-per-connection",
                        help="floor, any orleansdist server design, and actor-per-connection (a new session grain per connection)")
    parser.add_argument("--lanes", type=int, default=os.cpu_count(), help="threads per generator process that open the connections (default: the cores)")
    parser.add_argument("--generators", type=int, default=1, help="generator processes, each with its share of the clients (default 1)")
    parser.add_argument("--out", default=os.path.join(ROOT, "results", "servers-floor"))
    args = parser.parse_args()
    if args.clients < 1 or args.task_ms < 1 or args.repeat < 1 or args.lanes < 1 or args.generators < 1:
        parser.error("--clients, --task-ms, --repeat, --lanes and --generators must be at least 1")

    build = tempfile.mkdtemp(prefix="servers-floor-")
    binaries = compile_c(build)
    t = args.task_ms / 1000.0
    results = []
    try:
        for design in args.designs.split(","):
            port = free_port()
            server = start_server(design, port, args.task_ms, binaries)
            try:
                # as large as the timed runs: the pooled actor's session grains, the JIT and the kernel's socket caches are
                # then what a server that has served this load before has; actor-per-connection shows the cold sessions
                warm = run_clients(binaries, port, args.clients, args.task_ms, args.lanes, args.generators)
                print("[%s] warm-up: %d clients, last reply %.2f s (not counted)" % (design, args.clients, warm["last_reply"]), flush=True)
                runs = []
                for index in range(args.repeat):
                    time.sleep(2)
                    run = run_clients(binaries, port, args.clients, args.task_ms, args.lanes, args.generators)
                    runs.append(run)
                    print("[%s, %d clients, run %d/%d] last reply %.3f s; connected by %.3f s; last sent %.3f s; server delay %.3f s; failed %d"
                          % (design, args.clients, index + 1, args.repeat, run["last_reply"], run["connected"], run["sent"], run["server_delay"], run["failed"]), flush=True)
            finally:
                server.kill()
                server.wait()
            ok = [r for r in runs if r["failed"] == 0]
            results.append({
                "design": design,
                "clients": args.clients,
                "median_seconds": round(statistics.median(r["last_reply"] for r in ok), 3) if ok else None,
                "median_connected_seconds": round(statistics.median(r["connected"] for r in ok), 3) if ok else None,
                "median_server_delay_seconds": round(statistics.median(r["server_delay"] for r in ok), 3) if ok else None,
                "failed_runs": len(runs) - len(ok),
                "runs": runs,
            })
    finally:
        shutil.rmtree(build, ignore_errors=True)

    print()
    print("Median of %d runs, %d clients, T = %.3g s, %d cores (for every design the C load generator: %d process(es), %d connecting thread(s) each)"
          % (args.repeat, args.clients, t, os.cpu_count(), args.generators, args.lanes))
    print(" design               | last reply s | x T  | connected by s | server delay s | failed runs")
    print("----------------------|--------------|------|----------------|----------------|------------")
    for r in results:
        if r["median_seconds"] is None:
            print(" %-20s | %12s | %4s | %14s | %14s | %d" % (r["design"], "FAIL", "-", "-", "-", r["failed_runs"]))
            continue
        print(" %-20s | %12.3f | %4.2f | %14.3f | %14.3f | %d" % (r["design"], r["median_seconds"], r["median_seconds"] / t,
                                                            r["median_connected_seconds"], r["median_server_delay_seconds"], r["failed_runs"]))
    print("server delay = last reply - last task sent")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "results.json")
    with open(path, "w") as f:
        json.dump({"benchmark": "servers-floor", "clients": args.clients, "task_ms": args.task_ms, "repeat": args.repeat,
                   "cores": os.cpu_count(), "lanes": args.lanes, "generators": args.generators, "designs": results}, f, indent=2)
    print("Wrote " + path)


if __name__ == "__main__":
    main()
