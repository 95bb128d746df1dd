"""Start-up: process start to the home screen's first paint, against a bare PySide6 window.

Runs `python -m pasapas kiosk --demo` with PASAPAS_REPORT_READY=1 and times Popen to the
`pasapas-ready` line; baseline, same run, alternating: a script that opens a QMainWindow with a
QLabel and prints `ready` from its first paint. Goal: ratio of medians <= 2.0 on the offscreen
platform (the headline); the same is measured under Xvfb (xcb) when `Xvfb` is on PATH.

    .venv/bin/python bench/bench_startup.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_RATIO = 2.0
TIMEOUT_S = 60.0

BASELINE = """\
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


class Label(QLabel):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, lambda: print("ready", flush=True))


app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(Label("Bonjour"))
window.show()
sys.exit(app.exec())
"""


class BenchError(RuntimeError):
    pass


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def time_to_line(cmd: list[str], env: dict[str, str], marker: str, log: Path) -> float:
    """Seconds from Popen to `marker` on stdout; the process is stopped afterwards."""
    with log.open("wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env, cwd=ROOT)
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(process.stdout, selectors.EVENT_READ)
                buffer = b""
                while True:
                    left = TIMEOUT_S - (time.perf_counter() - start)
                    if left <= 0 or not selector.select(timeout=left):
                        raise BenchError(f"no {marker!r} within {TIMEOUT_S:.0f} s: {cmd}")
                    chunk = os.read(process.stdout.fileno(), 4096)
                    if not chunk:
                        raise BenchError(
                            f"{cmd} exited ({process.wait()}) before {marker!r}:\n"
                            + log.read_text(errors="replace")[-2000:]
                        )
                    *lines, buffer = (buffer + chunk).split(b"\n")
                    if any(line.strip().split(b" ")[0] == marker.encode() for line in lines):
                        return time.perf_counter() - start
        finally:
            _stop(process)
            process.stdout.close()


def start_xvfb(tmp: Path) -> tuple[subprocess.Popen, str]:
    read_fd, write_fd = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=(tmp / "xvfb.log").open("wb"),
    )
    os.close(write_fd)
    number = b""
    with selectors.DefaultSelector() as selector:
        selector.register(read_fd, selectors.EVENT_READ)
        deadline = time.perf_counter() + 20
        while not number.endswith(b"\n"):
            left = deadline - time.perf_counter()
            if left <= 0 or not selector.select(timeout=left):
                break
            chunk = os.read(read_fd, 64)
            if not chunk:
                break
            number += chunk
    os.close(read_fd)
    if not number.strip():
        _stop(process)
        raise BenchError("Xvfb did not report a display number")
    return process, ":" + number.decode().strip()


def measure(runs: int, env: dict[str, str], tmp: Path) -> dict[str, list[float]]:
    baseline = tmp / "bare_window.py"
    baseline.write_text(BASELINE, encoding="utf-8")
    commands = {
        "kiosk": ([sys.executable, "-m", "pasapas", "kiosk", "--demo"], "pasapas-ready"),
        "bare": ([sys.executable, str(baseline)], "ready"),
    }
    times: dict[str, list[float]] = {"kiosk": [], "bare": []}
    for name, (cmd, marker) in commands.items():  # warm-up, not counted (disk cache)
        time_to_line(cmd, env, marker, tmp / f"{name}.log")
    for i in range(runs):
        order = ("kiosk", "bare") if i % 2 == 0 else ("bare", "kiosk")
        for name in order:
            cmd, marker = commands[name]
            times[name].append(time_to_line(cmd, env, marker, tmp / f"{name}.log"))
    return times


def report(label: str, times: dict[str, list[float]]) -> float:
    kiosk, bare = statistics.median(times["kiosk"]), statistics.median(times["bare"])
    print(f"[{label}] {len(times['kiosk'])} runs each, alternating, after one warm-up each")
    print(
        f"  kiosk --demo to 'pasapas-ready'  median {kiosk * 1e3:6.0f} ms   "
        f"min {min(times['kiosk']) * 1e3:6.0f} ms"
    )
    print(
        f"  baseline bare PySide6 window     median {bare * 1e3:6.0f} ms   "
        f"min {min(times['bare']) * 1e3:6.0f} ms"
    )
    ratio = kiosk / bare
    print(f"  RATIO kiosk/bare (medians): {ratio:.2f}")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs of each instead of 7")
    args = parser.parse_args()
    runs = 3 if args.quick else 7

    print("== startup: kiosk --demo vs a bare PySide6 window ==")
    with tempfile.TemporaryDirectory(prefix="pasapas-bench-") as name:
        tmp = Path(name)
        env = dict(os.environ)
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
        # The demo store and everything the kiosk writes stay inside our temporary folder,
        # even though it is killed without cleaning up after itself.
        env.update(
            QT_QPA_PLATFORM="offscreen",
            PASAPAS_REPORT_READY="1",
            PASAPAS_HOME=str(tmp / "home"),
            TMPDIR=str(tmp),
        )
        ratio = report("offscreen", measure(runs, env, tmp))

        if shutil.which("Xvfb"):
            xvfb, display = start_xvfb(tmp)
            try:
                xcb = report(
                    f"xcb on Xvfb {display}",
                    measure(runs, {**env, "QT_QPA_PLATFORM": "xcb", "DISPLAY": display}, tmp),
                )
                print(f"  (xcb ratio {xcb:.2f}: for information, the goal is on offscreen)")
            except BenchError as exc:
                print(f"[xcb on Xvfb] not measured: {exc}")
            finally:
                _stop(xvfb)
        else:
            print("[xcb] not measured: Xvfb is not on PATH")

    ok = ratio <= GOAL_RATIO
    print(
        f"GOAL ratio <= {GOAL_RATIO:.1f} (offscreen): {'OK' if ok else 'MISSED'} "
        f"(ratio {ratio:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
