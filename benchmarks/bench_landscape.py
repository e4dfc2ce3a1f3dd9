"""Time the loss landscape: a grid of losses over a plane of weight space, and the 1-D line.

For each case (a dataset and network, trained a few steps) it times, median of ``--repeat``
runs, both wall-clock and CPU time of this process (on a shared machine the wall time
includes waiting for a core; the CPU time is what the computation itself costs):

- ``grid``: ``landscape_grid`` on a random filter-normalised plane at the case's resolution;
- ``per_point``: the same number of points one ``loss_value`` call each (the naive way),
  measured on one grid row and scaled, for comparison;
- ``line``: the 61-point 1-D interpolation between the initial and current weights.

Usage: ``python benchmarks/bench_landscape.py [--quick] [--json] [--repeat N]``.
Target: a 41×41 grid on circles 2-16-8-1 in under 0.5 s.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy loads: small matmuls, a shared machine

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from core.data import load_dataset  # noqa: E402
from core.train.config import TrainConfig  # noqa: E402
from core.train.trainer import Trainer  # noqa: E402
from core.watch.landscape import LossProblem, interpolation, landscape_grid  # noqa: E402
from core.watch.landscape_planes import random_plane  # noqa: E402

TARGET_SECONDS = 0.5
#: (name, dataset, hidden, grid resolution)
CASES = [
    ("circles 2-16-8-1", "circles", (16, 8), 41),
    ("spirals 2-32-32-3", "spirals", (32, 32), 41),
    ("digits 64-64-10", "digits", (64,), 21),
]


def _timed(fn, repeat):
    """Median (wall seconds, CPU seconds) of ``repeat`` calls of ``fn``."""
    walls, cpus = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def run_case(name, dataset, hidden, res, repeat):
    trainer = Trainer(load_dataset(dataset), TrainConfig(hidden=hidden, activation="tanh"))
    start = trainer.network.flat_params.copy()
    for _ in range(20):
        trainer.step()
    problem = LossProblem.from_info(trainer.info())
    weights = trainer.network.flat_params.copy()
    plane = random_plane(trainer.network.sizes, weights, seed=0)
    extent = (-1.0, 1.0, -1.0, 1.0)
    grid_wall, grid_cpu = _timed(lambda: landscape_grid(problem, plane, extent, res), repeat)
    row = plane.points(np.linspace(-1, 1, res), np.zeros(res))
    naive_wall, _ = _timed(lambda: [problem.loss_at(w) for w in row], max(1, repeat // 2))
    line_wall, _ = _timed(lambda: interpolation(problem, start, weights), repeat)
    return {
        "case": name, "resolution": res, "n_train": len(problem.X), "n_params": problem.n_params,
        "grid_s": grid_wall, "grid_cpu_s": grid_cpu, "per_point_s": naive_wall * res,
        "line_s": line_wall,
    }


def machine():
    return {"nproc": os.cpu_count(), "cpu": platform.processor() or platform.machine(),
            "numpy": np.__version__, "python": platform.python_version(),
            "load_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            "date": time.strftime("%Y-%m-%d %H:%M:%S")}


def table(rows):
    lines = [f"{'case':<20} {'grid':>7} {'n_train':>7} {'grid s':>8} {'grid cpu s':>10} "
             f"{'per-point s':>11} {'1-D line s':>10}"]
    for r in rows:
        lines.append(f"{r['case']:<20} {r['resolution']:>4}²  {r['n_train']:>7} "
                     f"{r['grid_s']:>8.3f} {r['grid_cpu_s']:>10.3f} {r['per_point_s']:>11.3f} "
                     f"{r['line_s']:>10.4f}")
    first = rows[0]
    verdict = "meets" if first["grid_cpu_s"] < TARGET_SECONDS else "MISSES"
    lines.append(f"target: {first['case']} {first['resolution']}² grid < {TARGET_SECONDS} s: "
                 f"{verdict} it (CPU {first['grid_cpu_s']:.3f} s, wall {first['grid_s']:.3f} s)")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--quick", action="store_true", help="first case only, 3 runs")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per case (median)")
    args = parser.parse_args(argv)
    cases = CASES[:1] if args.quick else CASES
    repeat = 3 if args.quick else args.repeat
    rows = [run_case(*case, repeat) for case in cases]
    if args.json:
        print(json.dumps({"machine": machine(), "target_s": TARGET_SECONDS, "cases": rows},
                         indent=1))
    else:
        print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
