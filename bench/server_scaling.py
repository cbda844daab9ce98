#!/usr/bin/env python3
"""Scaling of cogsim on one machine, in one command (issue "Servers: 16 cores").

  bench/server_scaling.py [--cogsim build/cogsim] [--paths 16000000] [--max-threads N]
                          [--repeats 3] [--mpi] [--model scenarios/cog-2022-2024]

Prints, from numbers taken in this one run:
 1. one process at 1, 2, 4, 8, 12, 16 ... N threads (powers of two and multiples of 4 up to N,
    default: the cores of this machine): simulation seconds (meta.wall_seconds, best of
    --repeats), paths/s, speed-up and efficiency against 1 thread;
 2. N concurrent single-thread processes sharing the same total paths (each PATHS/N), against one
    process with N threads: paths/s of each (outer wall clock, process start included, best of
    --repeats) and their ratio, the issue's target being >= 90 %;
 3. with --mpi (mpirun on PATH): R ranks x N/R threads on this machine, for R = 1, 2, 4 ... N.
Every run's results file is checked to be the same (wall time and threads aside).
CPU seconds (user + system of the processes, best of --repeats) are printed beside wall times: on a
machine shared with other work, wall-time speed-ups say little, while the CPU time a run needs for
the same paths at T threads against 1 thread ("work") shows what threading itself costs.
"""
import argparse, json, os, resource, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def stripped(path):
    with open(path) as f:
        d = json.load(f)
    d["meta"].pop("wall_seconds", None)
    d["meta"].pop("threads", None)
    return d


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - t0


def thread_counts(n):
    c = sorted({t for t in [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128] if t <= n} | {n})
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cogsim", default=os.path.join(ROOT, "build", "cogsim"))
    ap.add_argument("--model", default=os.path.join(ROOT, "scenarios", "cog-2022-2024"))
    ap.add_argument("--paths", type=int, default=16_000_000)
    ap.add_argument("--max-threads", type=int, default=os.cpu_count())
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--mpi", action="store_true", help="also R ranks x N/R threads under mpirun")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="cogsim_scaling.")
    reference = None
    def check(path):
        nonlocal reference
        d = stripped(path)
        if reference is None:
            reference = d
        elif d != reference:
            sys.exit(f"results differ: {path}")
    try:
        with open("/proc/loadavg") as f:
            load = f.read().split()[:3]
        print(f"model {a.model}, {a.paths:,} paths, best of {a.repeats}, {os.cpu_count()} CPUs, load {' '.join(load)}")
        print("\n1. one process, T threads (simulation seconds: meta.wall_seconds)")
        print(f"{'threads':>8} {'sim (s)':>9} {'paths/s':>14} {'speed-up':>9} {'eff.':>6} {'CPU (s)':>8} {'work':>6}")
        base = base_cpu = None
        n = a.max_threads
        for t in thread_counts(n):
            best = cpu = None
            for r in range(a.repeats):
                out = f"{tmp}/t{t}.json"
                c0 = children_cpu()
                subprocess.run([a.cogsim, "run", a.model, "-n", str(a.paths), "-t", str(t), "-q", "--json", out], check=True)
                c = children_cpu() - c0
                s = json.load(open(out))["meta"]["wall_seconds"]
                best = s if best is None else min(best, s)
                cpu = c if cpu is None else min(cpu, c)
                check(out)
            base, base_cpu = base or best, base_cpu or cpu
            print(f"{t:8d} {best:9.3f} {a.paths / best:14,.0f} {base / best:8.2f}x {base / best / t:6.0%} {cpu:8.2f} {cpu / base_cpu:5.2f}x")

        print(f"\n2. {n} threads in one process against {n} concurrent 1-thread processes, "
              f"{a.paths:,} paths in all (outer wall clock)")
        each = a.paths // n
        best_threads = best_procs = cpu_threads = cpu_procs = None
        for r in range(a.repeats):
            c0 = children_cpu()
            s = run_once([a.cogsim, "run", a.model, "-n", str(each * n), "-t", str(n), "-q"])
            c = children_cpu() - c0
            best_threads = s if best_threads is None else min(best_threads, s)
            cpu_threads = c if cpu_threads is None else min(cpu_threads, c)
            t0, c0 = time.perf_counter(), children_cpu()
            procs = [subprocess.Popen([a.cogsim, "run", a.model, "-n", str(each), "-t", "1", "-q", "--seed", str(k + 1)])
                     for k in range(n)]
            if any(p.wait() != 0 for p in procs):
                sys.exit("a process failed")
            s, c = time.perf_counter() - t0, children_cpu() - c0
            best_procs = s if best_procs is None else min(best_procs, s)
            cpu_procs = c if cpu_procs is None else min(cpu_procs, c)
        lone = min(run_once([a.cogsim, "run", a.model, "-n", str(each), "-t", "1", "-q"]) for _ in range(a.repeats))
        tp_threads, tp_procs = each * n / best_threads, each * n / best_procs
        print(f"{'one process, ' + str(n) + ' threads':>34}: {tp_threads:14,.0f} paths/s ({best_threads:.3f} s, CPU {cpu_threads:.2f} s)")
        print(f"{str(n) + ' processes, 1 thread each':>34}: {tp_procs:14,.0f} paths/s ({best_procs:.3f} s, CPU {cpu_procs:.2f} s)")
        print(f"{'one lone 1-thread process x ' + str(n):>34}: {n * each / lone:14,.0f} paths/s ({lone:.3f} s each)")
        print(f"CPU of the processes / CPU of the threads: {cpu_procs / cpu_threads:.0%}")
        print(f"threads / processes: {tp_threads / tp_procs:.0%} (target >= 90 %); "
              f"processes / {n} x lone: {tp_procs / (n * each / lone):.0%}")

        if a.mpi and shutil.which("mpirun"):
            print(f"\n3. MPI on this machine: R ranks x {n}/R threads (outer wall clock, mpirun start included)")
            print(f"{'ranks':>6} {'threads':>8} {'wall (s)':>9} {'paths/s':>14} {'CPU (s)':>8}")
            r = 1
            while r <= n:
                t = max(1, n // r)
                out = f"{tmp}/mpi{r}.json"
                best = cpu = None
                for _ in range(a.repeats):
                    c0 = children_cpu()
                    s = run_once(["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", str(r), a.cogsim, "run",
                                  a.model, "-n", str(a.paths), "-t", str(t), "-q", "--json", out])
                    c = children_cpu() - c0
                    best = s if best is None else min(best, s)
                    cpu = c if cpu is None else min(cpu, c)
                check(out)
                print(f"{r:6d} {t:8d} {best:9.3f} {a.paths / best:14,.0f} {cpu:8.2f}")
                r *= 2
        print("\nresults identical across every run above: yes")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
