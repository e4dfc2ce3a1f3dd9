"""``benchmarks/bench_landscape.py --quick --json`` runs and reports its case (no timing checks)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_json_run_reports_the_circles_grid():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_landscape.py"),
                           "--quick", "--json"], capture_output=True, text=True, timeout=240,
                          cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    (row,) = report["cases"]
    assert row["case"] == "circles 2-16-8-1" and row["resolution"] == 41
    assert row["n_params"] == 2 * 16 + 16 + 16 * 8 + 8 + 8 + 1
    for key in ("grid_s", "grid_cpu_s", "per_point_s", "line_s"):
        assert row[key] > 0, key
    assert report["target_s"] == 0.5 and report["machine"]["nproc"] >= 1
