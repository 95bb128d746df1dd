"""Run every benchmark in turn (`make bench`), each in its own process with this interpreter.

Exits non-zero when a benchmark crashes, not when it misses its goal (it then prints MISSED).

    .venv/bin/python bench/run_all.py [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "bench_startup.py",
    "bench_bundle.py",
    "bench_search.py",
    "bench_encryption.py",
    "bench_sync_push.py",
    "bench_sync_nothing_new.py",
    "bench_sync_pull.py",
    "bench_sync_fleet.py",
    "bench_speech.py",
    "bench_audit.py",
    "bench_language.py",
    "bench_sheet.py",
    "bench_stats.py",
    "bench_training.py",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a quick look")
    args = parser.parse_args()

    summary: list[tuple[str, str, float]] = []
    for script in SCRIPTS:
        command = [sys.executable, str(HERE / script), *(["--quick"] if args.quick else [])]
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=HERE.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        goal = ""
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            if line.startswith("GOAL"):
                goal = "MISSED" if "MISSED" in line else "OK"
        code = process.wait()
        status = (goal or "no goal line") if code == 0 else f"CRASHED (exit {code})"
        summary.append((script, status, time.perf_counter() - start))
        print(flush=True)

    print("== summary ==")
    for script, status, seconds in summary:
        print(f"{script:26} {status:22} {seconds:5.0f} s")
    return 1 if any(status.startswith("CRASHED") for _, status, _ in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
