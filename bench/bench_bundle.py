"""Start-up of the bundle (build/bundle/pasapas, `make bundle`) against the same kiosk from the
virtualenv: process start to the home screen's first paint, `kiosk --demo`, offscreen.

Both print the `pasapas-ready` line from the home screen's first paint (PASAPAS_REPORT_READY=1);
runs alternate, after one warm-up each. Goal: the bundle starts no slower than 1.5 times the
virtualenv (it carries its own Python and Qt, read from one folder; the virtualenv's imports come
from site-packages). Builds the bundle first when it is missing.

    .venv/bin/python bench/bench_bundle.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_startup import time_to_line

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "build/bundle/pasapas/pasapas"
GOAL_RATIO = 1.5


def build() -> None:
    print("(building the bundle first: make bundle)", flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "ERROR",
            "--distpath",
            str(ROOT / "build/bundle"),
            "--workpath",
            str(ROOT / "build/pyinstaller"),
            str(ROOT / "installer/bundle/pasapas.spec"),
        ],
        cwd=ROOT,
        check=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs of each instead of 7")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    if not BUNDLE.exists():
        build()
    print("== start-up: the bundle vs the virtualenv, kiosk --demo, offscreen ==")
    with tempfile.TemporaryDirectory(prefix="pasapas-bench-") as name:
        tmp = Path(name)
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env.update(
            QT_QPA_PLATFORM="offscreen",
            PASAPAS_REPORT_READY="1",
            PASAPAS_HOME=str(tmp / "home"),
            TMPDIR=str(tmp),
        )
        commands = {
            "bundle": [str(BUNDLE), "kiosk", "--demo"],
            "venv": [sys.executable, "-m", "pasapas", "kiosk", "--demo"],
        }
        times: dict[str, list[float]] = {"bundle": [], "venv": []}
        for label, command in commands.items():
            time_to_line(command, env, "pasapas-ready", tmp / f"{label}.log")  # warm-up
        for i in range(runs):
            order = ("bundle", "venv") if i % 2 == 0 else ("venv", "bundle")
            for label in order:
                times[label].append(
                    time_to_line(commands[label], env, "pasapas-ready", tmp / f"{label}.log")
                )
    bundle, venv = statistics.median(times["bundle"]), statistics.median(times["venv"])
    print(f"[offscreen] {runs} runs each, alternating, after one warm-up each")
    print(
        f"  bundle     kiosk --demo to 'pasapas-ready'  median {bundle * 1e3:6.0f} ms   "
        f"min {min(times['bundle']) * 1e3:6.0f} ms"
    )
    print(
        f"  virtualenv kiosk --demo to 'pasapas-ready'  median {venv * 1e3:6.0f} ms   "
        f"min {min(times['venv']) * 1e3:6.0f} ms"
    )
    ratio = bundle / venv
    print(f"  RATIO bundle/virtualenv (medians): {ratio:.2f}")
    ok = ratio <= GOAL_RATIO
    print(f"GOAL ratio <= {GOAL_RATIO:.1f}: {'OK' if ok else 'MISSED'} (ratio {ratio:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
