"""Switching language on a step screen: `KioskWindow.set_language` on a real kiosk window.

A real kiosk window on a demo store, offscreen, with the procedure `ameli-creer-compte` (translated
into all seven languages) open at a middle step. Measured: `window.set_language(code)` then
settling the event loop, alternating between "ar" and "fr", and cycling through all seven (fr, en,
ar, es, pt, uk, tr). Settling is the audit driver's `settle()` (posted layout and style requests run
to the end) followed by the deferred deletions, which the kiosk's own event loop runs and bare
`processEvents()` never does. Baseline, same window, same run, interleaved: re-rendering the same
step with no language change (`show_step()` then the same settling). Speech is a recording
stand-in (no audio), so the figure is the interface's cost. Goal: p95 < 100 ms for a switch.

    .venv/bin/python bench/bench_language.py [--quick] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from pasapas.ui.audit_driver import demo_window, open_step, settle  # noqa: E402

GOAL_P95_MS = 100.0
PROCEDURE = "ameli-creer-compte"
STEP = "formulaire"  # step 6 of 11 on the main route
CYCLE = ("fr", "en", "ar", "es", "pt", "uk", "tr")
WARM_UP_ROUNDS = 3


class BenchError(RuntimeError):
    pass


class CountingSpeech:
    """A stand-in speech engine: remembers the last utterance, plays nothing."""

    def __init__(self) -> None:
        self.utterances = 0
        self.last: list[tuple[str, str]] = []

    def say(self, text: str, language: str) -> None:
        self.say_parts([(text, language)])

    def say_parts(self, parts) -> None:
        self.utterances += 1
        self.last = [tuple(part) for part in parts]

    def stop(self) -> None:
        pass

    def set_rate(self, rate: str) -> None:
        pass

    @property
    def available(self) -> bool:
        return True

    @property
    def status(self) -> str:
        return ""

    def close(self) -> None:
        pass


def settle_all(app: QApplication) -> None:
    """The audit driver's settle(): layout, style and the deferred deletions run to the end."""
    settle(app)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1e3:6.1f} ms   "
        f"p95 {percentile(values, 0.95) * 1e3:6.1f} ms   max {max(values) * 1e3:6.1f} ms"
    )


def check_switch(window, app: QApplication, speech: CountingSpeech) -> str:
    """Outside the timing: a switch to Arabic really mirrors the window and shows the Arabic step,
    and a switch back to French undoes it. Returns the Arabic title."""
    screen = window.screens["step"]
    step = window.walk.current
    if window.current_screen != "step" or step.id != STEP:
        raise BenchError(f"not on {PROCEDURE}/{STEP} (screen {window.current_screen!r})")
    french, arabic = step.title.get("fr"), step.title.get("ar")
    if arabic == french:
        raise BenchError(f"{STEP} has no Arabic title")
    window.set_language("ar")
    settle_all(app)
    rtl = Qt.LayoutDirection.RightToLeft
    if window.language != "ar" or app.layoutDirection() != rtl or window.layoutDirection() != rtl:
        raise BenchError(f"after set_language('ar'): direction {window.layoutDirection()}")
    if screen.title.text() != arabic:
        raise BenchError(f"after set_language('ar'): step title {screen.title.text()!r}")
    if not speech.last or {language for _text, language in speech.last} != {"ar"}:
        raise BenchError(f"after set_language('ar'): the step was read as {speech.last!r}")
    window.set_language("fr")
    settle_all(app)
    if window.layoutDirection() != Qt.LayoutDirection.LeftToRight or screen.title.text() != french:
        raise BenchError("after set_language('fr'): not back to a left-to-right French step")
    return arabic


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 rounds instead of 60")
    parser.add_argument(
        "--profile", action="store_true", help="then profile 10 rounds of switches (cProfile)"
    )
    args = parser.parse_args()
    rounds = 20 if args.quick else 60
    app = QApplication.instance() or QApplication([])
    speech = CountingSpeech()
    print("== language: switching language on a step screen, real kiosk window offscreen ==")
    with tempfile.TemporaryDirectory(prefix="pasapas-bench-language-") as tmp:
        tempfile.tempdir = tmp  # the demo store goes in here
        try:
            with demo_window("fr") as window:
                window.voice.attach(speech)
                missing = [code for code in CYCLE if code not in window.offered_languages]
                if missing:
                    raise BenchError(f"languages not offered: {missing}")
                window.wipe_visit()
                open_step(window, PROCEDURE, STEP)
                settle_all(app)
                results = measure(window, app, speech, rounds, args.profile)
        finally:
            tempfile.tempdir = None
    return report(*results)


def measure(window, app: QApplication, speech: CountingSpeech, rounds: int, profile: bool):
    screen = window.screens["step"]
    progress = window.walk.progress()
    arabic = check_switch(window, app, speech)
    print(
        f"procedure {PROCEDURE}, step {STEP} ({progress.number} of {progress.total}), "
        f"window {window.width()}x{window.height()}, speech: recording stand-in"
    )
    print(f"check: 'ar' -> right-to-left, step title {arabic!r}; 'fr' -> back: OK")

    def timed(action) -> tuple[float, float]:
        began = time.perf_counter()
        action()
        called = time.perf_counter()
        settle_all(app)
        return time.perf_counter() - began, called - began

    def one_round() -> dict[str, list[tuple[str, tuple[float, float]]]]:
        """From French on STEP back to French on STEP: re-renders, fr->ar->fr, the seven in turn,
        and a step change forward and back (for reference)."""
        out: dict[str, list[tuple[str, tuple[float, float]]]] = {
            "rerender": [],
            "arfr": [],
            "cycle": [],
            "move": [],
        }
        out["rerender"].append(("fr", timed(screen.show_step)))
        out["arfr"].append(("ar", timed(lambda: window.set_language("ar"))))
        out["rerender"].append(("ar", timed(screen.show_step)))
        out["arfr"].append(("fr", timed(lambda: window.set_language("fr"))))
        for code in (*CYCLE[1:], CYCLE[0]):
            out["cycle"].append((code, timed(lambda c=code: window.set_language(c))))
        out["move"].append(("next", timed(screen.next)))
        out["move"].append(("back", timed(screen.back)))
        return out

    for _ in range(WARM_UP_ROUNDS):
        one_round()
    widgets_before = len(QApplication.allWidgets())
    samples: dict[str, list[tuple[str, tuple[float, float]]]] = {
        "rerender": [],
        "arfr": [],
        "cycle": [],
        "move": [],
    }
    began = time.perf_counter()
    for _ in range(rounds):
        for kind, values in one_round().items():
            samples[kind] += values
    elapsed = time.perf_counter() - began
    widgets_after = len(QApplication.allWidgets())
    if window.language != "fr" or window.walk is None or window.walk.current.id != STEP:
        raise BenchError("the visit moved during the measurement")
    if widgets_after > widgets_before:
        raise BenchError(f"widgets pile up: {widgets_before} -> {widgets_after}")
    print(
        f"{rounds} rounds after {WARM_UP_ROUNDS} warm-up rounds, interleaved: each round "
        f"2 re-renders, fr->ar->fr, fr->en->ar->es->pt->uk->tr->fr, next + back "
        f"({elapsed:.1f} s; {speech.utterances} utterances recorded; "
        f"{widgets_after} widgets, steady)"
    )
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            for code in ("ar", "fr", *CYCLE[1:], CYCLE[0]):
                window.set_language(code)
                settle_all(app)
        profiler.disable()
        print("[profile] 10 rounds of 9 switches, by cumulative time")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    return samples, rounds


def report(samples, rounds: int) -> int:
    def totals(kind: str, code: str | None = None) -> list[float]:
        return [t for c, (t, _call) in samples[kind] if code is None or c == code]

    def calls(kind: str) -> list[float]:
        return [call for _c, (_t, call) in samples[kind]]

    base, arfr, cycle = totals("rerender"), totals("arfr"), totals("cycle")
    print(f"  baseline show_step + settle       ({len(base):3}) {_ms(base)}")
    print(f"  set_language ar<->fr + settle     ({len(arfr):3}) {_ms(arfr)}")
    for code in ("ar", "fr"):
        values = totals("arfr", code)
        print(f"    to {code}                           ({len(values):3}) {_ms(values)}")
    print(f"  set_language all seven + settle   ({len(cycle):3}) {_ms(cycle)}")
    for code in CYCLE:
        values = totals("cycle", code)
        print(f"    to {code}                           ({len(values):3}) {_ms(values)}")
    print(f"  set_language() call alone, ar<->fr      {_ms(calls('arfr'))}")
    print(f"  set_language() call alone, all seven    {_ms(calls('cycle'))}")
    print(f"  (reference) step change next/back + settle {_ms(totals('move'))}")
    base_med, base_p95 = statistics.median(base), percentile(base, 0.95)
    figures = {
        "ar/fr": (statistics.median(arfr), percentile(arfr, 0.95)),
        "all seven": (statistics.median(cycle), percentile(cycle, 0.95)),
    }
    print(
        "  RATIO switch/re-render: "
        + "; ".join(
            f"{name} p95 {p95 / base_p95:.0f}x, median {med / base_med:.0f}x"
            for name, (med, p95) in figures.items()
        )
    )
    ok = all(p95 * 1e3 < GOAL_P95_MS for _med, p95 in figures.values())
    print(
        f"GOAL switch p95 < {GOAL_P95_MS:.0f} ms: {'OK' if ok else 'MISSED'} "
        f"(p95 ar/fr {figures['ar/fr'][1] * 1e3:.1f} ms, "
        f"all seven {figures['all seven'][1] * 1e3:.1f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
