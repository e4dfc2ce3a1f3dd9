"""``benchmarks/bench_data.py --quick --json`` runs and reports both files (no timing checks)."""

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_quick_json_run_reports_both_cases():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_data.py"), "--quick", "--json",
         "--no-pandas", "--repeat", "1"],
        capture_output=True, text=True, timeout=240, cwd=ROOT, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [(r["case"], r["columns"]) for r in report["cases"]] == [("tall", 20), ("mnist", 785)]
    for row in report["cases"]:
        assert row["ours_s"] > 0 and row["ours_peak_mb"] > 0 and "time_ratio" not in row
    assert {"nproc", "numpy", "date"} <= set(report["machine"])
