"""``benchmarks/bench_core.py --quick --json`` runs and reports every case (no timing checks)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ["xor/full", "xor/b10", "digits/b32", "digits/full", "mnist/b128"]


def test_quick_json_run_lists_every_case():
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_core.py"),
            "--quick",
            "--json",
            "--no-torch",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    got = {(row["case"], row["dtype"]) for row in report["cases"]}
    assert got == {(case, dtype) for case in CASES for dtype in ("float64", "float32")}
    for row in report["cases"]:
        for impl in ("hand", "net", "trainer"):
            assert row[f"{impl}_us"] > 0, (row, impl)
    assert {"nproc", "cpu", "numpy", "blas_threads", "date"} <= set(report["machine"])
