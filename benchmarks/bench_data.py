"""Time and peak memory of ``load_csv`` next to ``pandas.read_csv`` on generated CSV files.

Cases (generated once per run, or kept in ``--dir``):

- ``tall``: 200,000 rows x 20 columns, 19 decimals as Python writes them (``-0.345584``,
  ``7.6e-05``) and a 0/1 target;
- ``mnist``: 60,000 rows x 785 columns, a label then 784 pixels (integers 0-255, 80% zeros),
  the shape and size (109 MB) of the MNIST CSV.

Every load runs in a fresh child process, so its peak memory (``ru_maxrss``: the whole
process, interpreter and imports included) belongs to that load alone. Ours and pandas
alternate, ``--repeat`` times each; the table shows medians and ours/pandas ratios.
Targets (issue 17): time ratio <= 2.5, peak memory ratio <= 1.5.

Usage: ``python benchmarks/bench_data.py [--quick] [--json] [--repeat N] [--dir DIR]
[--case tall|mnist]``.
pandas is optional (not a dependency of the app): without it only our numbers are shown.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_TARGET, MEMORY_TARGET = 2.5, 1.5
# name: (rows, quick rows, kind, target column for load_csv)
CASES = {
    "tall": (200_000, 5_000, "decimals", None),
    "mnist": (60_000, 500, "pixels", "label"),
}


def write_case(path, kind, n_rows, seed=0):
    """Write a generated CSV file: ``decimals`` (n, 20) or ``pixels`` (n, 785)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    with open(path, "w", encoding="ascii") as f:
        if kind == "decimals":
            f.write(",".join(f"f{i}" for i in range(19)) + ",target\n")
        else:
            f.write("label," + ",".join(f"pixel{i}" for i in range(784)) + "\n")
        for start in range(0, n_rows, 10_000):
            n = min(10_000, n_rows - start)
            if kind == "decimals":
                X = rng.normal(size=(n, 19)).round(6)
                rows = (",".join(map(repr, r)) + f",{int(r[0] > 0)}" for r in X.tolist())
            else:
                px = rng.integers(1, 256, size=(n, 784))
                px[rng.random((n, 784)) < 0.8] = 0
                block = np.column_stack([rng.integers(0, 10, size=n), px])
                rows = (",".join(map(str, r)) for r in block.tolist())
            f.write("\n".join(rows) + "\n")


def child(which, path, target):
    """Load ``path`` once (in this fresh process) and print seconds and peak MB as JSON."""
    if which == "pandas":
        import pandas as pd

        start = time.perf_counter()
        frame = pd.read_csv(path)
        shape = list(frame.shape)
    else:
        sys.path.insert(0, str(ROOT))
        from core.data import load_csv

        start = time.perf_counter()
        ds = load_csv(path, target=target)
        shape = [ds.n_train + ds.n_test, ds.n_inputs + 1]
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "shape": shape}))


def _measure(which, path, target):
    args = [sys.executable, __file__, "--child", which, str(path), json.dumps(target)]
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{which} on {path} failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def _has_pandas():
    probe = [sys.executable, "-c", "import pandas"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def run_case(name, folder, quick, repeat, with_pandas):
    """Median seconds and peak MB of ours (and pandas) on one generated file."""
    n_full, n_quick, kind, target = CASES[name]
    n_rows = n_quick if quick else n_full
    path = Path(folder) / f"{name}_{n_rows}.csv"
    if not path.exists():
        write_case(path, kind, n_rows)
    runs = {"ours": [], "pandas": []}
    for _ in range(repeat):  # alternate, so a busy moment of the machine hits both
        for which in ("ours", "pandas") if with_pandas else ("ours",):
            runs[which].append(_measure(which, path, target))
    row = {"case": name, "rows": n_rows, "columns": 20 if kind == "decimals" else 785,
           "file_mb": path.stat().st_size / 1e6}
    for which, results in runs.items():
        if results:
            row[f"{which}_s"] = statistics.median(r["seconds"] for r in results)
            row[f"{which}_peak_mb"] = statistics.median(r["peak_mb"] for r in results)
    if with_pandas:
        row["time_ratio"] = row["ours_s"] / row["pandas_s"]
        row["memory_ratio"] = row["ours_peak_mb"] / row["pandas_peak_mb"]
    return row


def _table(report):
    head = (f"{'case':<6} {'rows x cols':>13} {'MB':>6} {'ours s':>7} {'pandas s':>8} "
            f"{'ratio':>6} {'ours MB':>8} {'pandas MB':>9} {'ratio':>6}")
    lines = [head, "-" * len(head)]
    def cell(r, key, fmt, width):
        return format(r[key], fmt).rjust(width) if key in r else "-".rjust(width)

    for r in report["cases"]:
        shape = f"{r['rows']} x {r['columns']}"
        lines.append(
            f"{r['case']:<6} {shape:>13} {r['file_mb']:6.1f} "
            f"{cell(r, 'ours_s', '.2f', 7)} {cell(r, 'pandas_s', '.2f', 8)} "
            f"{cell(r, 'time_ratio', '.2f', 6)} {cell(r, 'ours_peak_mb', '.0f', 8)} "
            f"{cell(r, 'pandas_peak_mb', '.0f', 9)} {cell(r, 'memory_ratio', '.2f', 6)}")
    lines.append(f"targets: time ratio <= {TIME_TARGET}, peak memory ratio <= {MEMORY_TARGET} "
                 f"(medians of {report['repeat']} alternating runs, each in a fresh process)")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small files (a smoke test)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--repeat", type=int, default=3, help="loads of each kind per case")
    parser.add_argument("--dir", help="keep the generated files here (reused next time)")
    parser.add_argument("--no-pandas", action="store_true", help="time our loader only")
    parser.add_argument("--case", choices=list(CASES), action="append",
                        help="run only this case (repeatable; default: all)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        which, path, target = args.child
        return child(which, path, json.loads(target))
    with_pandas = not args.no_pandas and _has_pandas()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.dir) if args.dir else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        cases = [run_case(name, folder, args.quick, args.repeat, with_pandas)
                 for name in args.case or CASES]
    report = {"cases": cases, "repeat": args.repeat, "quick": args.quick,
              "pandas": with_pandas, "machine": _machine(with_pandas)}
    print(json.dumps(report, indent=2) if args.json else _table(report))
    return 0


def _machine(with_pandas):
    import numpy as np

    info = {"nproc": os.cpu_count(), "cpu": platform.processor() or platform.machine(),
            "python": platform.python_version(), "numpy": np.__version__,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_average": os.getloadavg()[0]}
    if with_pandas:
        version = subprocess.run([sys.executable, "-c", "import pandas; print(pandas.__version__)"],
                                 capture_output=True, text=True, check=False).stdout.strip()
        info["pandas"] = version
    return info


if __name__ == "__main__":
    sys.exit(main())
