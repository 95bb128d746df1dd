"""Speech: time to first audio for `Speech.say` against raw `espeak-ng --stdout`, and stop latency.

(a) Time to first speech: from `Speech.say(step)` to the first samples reaching the audio output
(the `aplay` player's input; with no audio device, the worker's null output, i.e. the first
synthesised samples), read from the worker's `time.monotonic()` stamp. Measured twice: on an idle
warm worker (a step shown after silence) and while a long text is being read (the "next" button:
cut, then say). Baseline, same run, alternating: `espeak-ng -v fr -s 175 --stdout STEP`, from
`Popen` to its first bytes of audio after the 44-byte WAV header.
Goal: ratio of medians <= 1.5 and median under 150 ms, in both cases.

(b) Stop latency: a long text is being read; from `stop()` to the speaking worker's process being
gone (SIGKILL to its process group, which holds the audio player: no more samples can come).
Goal: every run under 100 ms.

(c) First audio per voice: for the usual voice of French and Arabic, an espeak-ng variant chosen
by staff (roa/fr-be) and every MBROLA voice installed for a kiosk language (`mbrola_voices()`:
none unless the site installed `mbrola` and `mbrola-fr1`/`fr4`/`ar1`/`ar2`), `Speech.say` with that
voice chosen (idle warm worker) against raw `espeak-ng -v VOICE --stdout`, same run, alternating.
Goal: as (a), ratio of medians <= 1.5 and median under 150 ms, for each voice. Also the cost of the
text normaliser (`spoken_text.normalise`) on the step, which every say now pays.

    .venv/bin/python bench/bench_speech.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import selectors
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pasapas.accessibility.speech import Speech  # noqa: E402
from pasapas.accessibility.speech_worker import is_mbrola, mbrola_voices  # noqa: E402
from pasapas.accessibility.spoken_text import normalise, sample_text  # noqa: E402

GOAL_RATIO = 1.5
GOAL_FIRST_MS = 150.0
GOAL_STOP_MS = 100.0
TIMEOUT_S = 20.0

STEP = (
    "Ouvrez votre navigateur internet, puis tapez l'adresse ameli point f r dans la barre en "
    "haut de l'écran. Appuyez ensuite sur la touche Entrée. Une page s'ouvre : cherchez le "
    "bouton Créer mon compte, en haut à droite."
)
LONG = " ".join([STEP] * 10)


class BenchError(RuntimeError):
    pass


def raw_espeak_first_audio(text: str, voice: str = "fr") -> float:
    """Seconds from Popen to espeak-ng's first audio bytes on stdout (past the WAV header)."""
    start = time.monotonic()
    process = subprocess.Popen(
        ["espeak-ng", "-v", voice, "-s", "175", "--stdout", text],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    received = 0
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            while True:
                if not selector.select(timeout=TIMEOUT_S):
                    raise BenchError("espeak-ng wrote no audio")
                chunk = os.read(process.stdout.fileno(), 65536)
                if not chunk:
                    raise BenchError("espeak-ng ended before any audio")
                received += len(chunk)
                if received > 44:
                    return time.monotonic() - start
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


def _wait(speech: Speech, condition, what: str) -> None:
    if not speech.wait_for(condition, TIMEOUT_S):
        raise BenchError(f"timed out waiting for {what}")


def say_first_audio(
    speech: Speech, cutting: bool, text: str = STEP, language: str = "fr"
) -> float:
    """Seconds from say(text) to its first audio; with `cutting`, while LONG is being read."""
    if cutting:
        speech.say(LONG, "fr")
        _wait(speech, lambda s: s.first_audio_at is not None, "the long text to start")
    _wait(speech, lambda s: s._warm(), "a warm standby worker")
    start = time.monotonic()
    speech.say(text, language)
    _wait(speech, lambda s: s.first_audio_at is not None, "the first audio")
    first = speech.first_audio_at
    assert first is not None
    speech.stop()
    return first - start


def stop_latency(speech: Speech, exits: dict[int, tuple[threading.Event, list[float]]]):
    """(stop() call duration, stop() to the speaking worker gone), in seconds."""
    speech.say(LONG, "fr")
    _wait(speech, lambda s: s.first_audio_at is not None, "the long text to start")
    worker = speech._current
    assert worker is not None and worker.pid is not None
    event, when = exits.setdefault(worker.pid, (threading.Event(), []))
    start = time.monotonic()
    speech.stop()
    call = time.monotonic() - start
    if not event.wait(TIMEOUT_S):
        raise BenchError("the worker survived stop()")
    if speech.speaking:
        raise BenchError("still speaking after stop()")
    return call, when[0] - start


KIOSK_LANGUAGES = ("fr", "en", "ar", "es", "pt", "uk", "tr")


def voices_to_measure(speech: Speech) -> list[tuple[str, str | None, str]]:
    """(language, voice id or None for the usual one, espeak-ng -v name)."""
    ids = {v.id for v in speech.voices}
    chosen: list[tuple[str, str | None, str]] = [("fr", None, "fr"), ("ar", None, "ar")]
    if "roa/fr-be" in ids:
        chosen.append(("fr", "roa/fr-be", "fr-be"))
    for voice in mbrola_voices():
        for code in KIOSK_LANGUAGES:
            if any(lang.split("-")[0] == code for lang in voice.languages):
                chosen.append((code, voice.id, voice.id.rsplit("/", 1)[-1]))
                break
    return chosen


def per_voice(speech: Speech, runs: int) -> bool:
    installed = [v.id for v in speech.voices if is_mbrola(v.id)]
    print(f"[per voice] MBROLA voices installed: {', '.join(installed) or 'none'}")
    ok = True
    for language, voice, espeak_name in voices_to_measure(speech):
        text = STEP if language == "fr" else " ".join([sample_text(language)] * 2)
        speech.set_voices({language: voice} if voice else {})
        said = normalise(text, language)
        for _ in range(2):
            say_first_audio(speech, cutting=False, text=text, language=language)
            raw_espeak_first_audio(said, espeak_name)
        say_times, raw_times = [], []
        for i in range(runs):
            pair = ("say", "raw") if i % 2 == 0 else ("raw", "say")
            for name in pair:
                if name == "say":
                    say_times.append(
                        say_first_audio(speech, cutting=False, text=text, language=language)
                    )
                else:
                    raw_times.append(raw_espeak_first_audio(said, espeak_name))
        ratio = statistics.median(say_times) / statistics.median(raw_times)
        label = f"{language} {voice or 'usual'} (-v {espeak_name})"
        print(f"  {label:34} say {_ms(say_times)}")
        print(f"  {'':34} raw {_ms(raw_times)}   RATIO {ratio:.2f}")
        ok = ok and ratio <= GOAL_RATIO and statistics.median(say_times) * 1e3 < GOAL_FIRST_MS
    speech.set_voices({})
    start = time.perf_counter()
    for _ in range(1000):
        normalise(STEP, "fr")
    per_call = (time.perf_counter() - start) / 1000
    print(f"  normalise(step, 'fr'): {per_call * 1e6:.0f} µs a call (1,000 calls)")
    return ok


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return (
        f"median {statistics.median(values) * 1e3:6.1f} ms   p95 {p95 * 1e3:6.1f} ms   "
        f"max {values[-1] * 1e3:6.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="7 runs of each instead of 25")
    args = parser.parse_args()
    runs = 7 if args.quick else 25
    if not shutil.which("espeak-ng"):
        raise BenchError("espeak-ng is not on PATH (installer/system-deps.sh)")

    print("== speech: time to first audio vs raw espeak-ng --stdout, and stop latency ==")
    exits: dict[int, tuple[threading.Event, list[float]]] = {}

    def trace(kind: str, info: dict) -> None:
        if kind == "exited":
            event, when = exits.setdefault(info["pid"], (threading.Event(), []))
            when.append(info["t"])
            event.set()

    speech = Speech()
    speech._trace = trace
    try:
        _wait(speech, lambda s: s._known, "the first worker")
        output = "audio device (aplay)" if speech.available else f"none: {speech.status}"
        print(f"output: {output}")
        if not speech.available:
            print("  -> first audio = first synthesised samples reaching the null output")
        print(f"text: a {len(STEP.split())}-word French step, voice fr, rate normal (175 wpm)")

        for _ in range(2):  # warm-up, not counted
            say_first_audio(speech, cutting=False)
            raw_espeak_first_audio(STEP)
        times: dict[str, list[float]] = {"idle": [], "cutting": [], "raw": []}
        for i in range(runs):
            order = ("idle", "cutting", "raw") if i % 2 == 0 else ("raw", "cutting", "idle")
            for name in order:
                if name == "raw":
                    times[name].append(raw_espeak_first_audio(STEP))
                else:
                    times[name].append(say_first_audio(speech, cutting=name == "cutting"))
        print(f"[first audio] {runs} runs each, alternating, after 2 warm-ups each")
        print(f"  Speech.say, idle warm worker        {_ms(times['idle'])}")
        print(f"  Speech.say cutting a long text      {_ms(times['cutting'])}")
        print(f"  baseline espeak-ng --stdout         {_ms(times['raw'])}")
        raw = statistics.median(times["raw"])
        medians = {name: statistics.median(times[name]) for name in ("idle", "cutting")}
        ratios = {name: value / raw for name, value in medians.items()}
        print(
            f"  RATIO say/raw (medians): idle {ratios['idle']:.2f}, cutting {ratios['cutting']:.2f}"
        )

        calls, cuts = [], []
        for _ in range(runs):
            _wait(speech, lambda s: s._warm(), "a warm standby worker")
            call, cut = stop_latency(speech, exits)
            calls.append(call)
            cuts.append(cut)
        print(f"[stop] {runs} runs, each while a long text is being read")
        print(f"  stop() call itself                  {_ms(calls)}")
        print(f"  stop() -> speaking worker gone      {_ms(cuts)}")

        voice_ok = per_voice(speech, runs)
    finally:
        speech.close()

    first_ok = all(
        ratios[n] <= GOAL_RATIO and medians[n] * 1e3 < GOAL_FIRST_MS for n in ("idle", "cutting")
    )
    stop_ok = max(cuts) * 1e3 < GOAL_STOP_MS and voice_ok
    print(
        f"GOAL first audio ratio <= {GOAL_RATIO} and < {GOAL_FIRST_MS:.0f} ms, "
        f"stop < {GOAL_STOP_MS:.0f} ms: {'OK' if first_ok and stop_ok else 'MISSED'} "
        f"(first audio {medians['idle'] * 1e3:.1f} / {medians['cutting'] * 1e3:.1f} ms, "
        f"ratio {ratios['idle']:.2f} / {ratios['cutting']:.2f}; "
        f"stop max {max(cuts) * 1e3:.1f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
