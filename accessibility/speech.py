"""Reading aloud, without ever blocking the caller (the GUI thread).

The pyttsx3 engine never runs in this process: pyttsx3's `runAndWait` freezes Qt and its loop
cannot be restarted reliably (pyttsx3 issues #130, #262, #327). It runs in worker processes
(`accessibility/speech_worker.py`, each in its own process group), driven over pipes:

- `say()` hands the text to an idle, already initialised worker (a warm standby) and returns;
- cutting speech (`stop()`, or a new `say()` while speaking) kills the speaking worker's process
  group with SIGKILL, which silences its audio player at once, and the standby takes over; a new
  standby is started in the background;
- every call here only takes a lock, writes to a queue or sends a signal: no waiting on a worker.
  Worker start-up, pipe writes and reaping happen on small daemon threads.

`Speech()` returns at once; its first worker is ready about 100 ms later (Python, pyttsx3, the
voice list, a 20 ms silent probe of the audio output), and a `say()` made before that is spoken
then. Until the first worker has reported, `available` is False and `status` is "". Call `close()`
at exit (a finaliser and the workers' own end-of-input check are only a safety net).

`speaking` is True from `say()` until the worker reports the utterance over: played to the end on
the audio device, or, with no audio device, for as long as it would have lasted (the worker still
synthesises it and paces the samples in real time into a null output). `stop()` makes it False at
once. With no engine at all, `say()` does nothing and `speaking` stays False.

`on_status` receives the staff message ("" once the voice works again) when the status changes. It
is called on a background thread: a Qt caller must hand it to the GUI thread (a queued signal).

Voices: each language is read by the engine's usual voice for it, unless staff chose another one
(`voices=` / `set_voices()`: {language: voice id}, e.g. an installed MBROLA voice "mb/mb-fr4");
`voices` lists what the engine has once its first worker is up, MBROLA voices included when they
are installed (`speech_worker.mbrola_voices`); `sample()` reads a text with one given voice, for
staff choosing. A chosen voice the engine does not have is ignored (the usual voice reads).

No text is written to disk or logged; only `synthesize_to_file` writes, where it is told to.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pasapas.accessibility.speech_worker import (
    KNOWN_OUTPUT_ENV,
    RATE_WPM,
    SPEECH_WORKER_ARGUMENT,
    VoiceInfo,
    split_text,
    voice_for,
)
from pasapas.accessibility.spoken_text import normalise
from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _
from pasapas.app.preferences import SPEECH_RATES

__all__ = [
    "RATES",
    "Speech",
    "VoiceInfo",
    "list_voices",
    "speak_and_wait",
    "split_text",
    "synthesize_to_file",
    "voice_for",
]

RATES = SPEECH_RATES  # defined once, in the core
WORKER_SCRIPT = Path(__file__).resolve().with_name("speech_worker.py")


def worker_command() -> list[str]:
    """How to start a speech worker: this interpreter and the worker's file, or, in a frozen
    bundle (no interpreter, no .py files), the bundle's own program told to be the worker."""
    if getattr(sys, "frozen", False):
        return [sys.executable, SPEECH_WORKER_ARGUMENT]
    return [sys.executable, "-P", str(WORKER_SCRIPT)]


READY_TIMEOUT = 20.0  # seconds for a worker to load the engine, in blocking helpers only
MAX_START_FAILURES = 3  # workers dying before they are ready, in a row, before giving up


def _check_rate(rate: str) -> None:
    if rate not in RATES:
        raise PasapasError(
            _("Vitesse de lecture inconnue : « {rate} ». Choisissez parmi : {choices}.").format(
                rate=rate, choices=", ".join(RATES)
            )
        )


def _output_message(output: str, detail: str) -> str:
    if output == "ok":
        return ""
    if output == "no-player":
        return _(
            "Voix indisponible : le lecteur audio « {player} » est absent (paquet alsa-utils)."
        ).format(player=detail or "aplay")
    return _("Voix indisponible : aucune sortie son ({detail}).").format(
        detail=detail or _("périphérique audio absent")
    )


def _engine_message(detail: str) -> str:
    return _("Voix indisponible : le moteur de synthèse vocale ne démarre pas ({detail}).").format(
        detail=detail
    )


class _Worker:
    """One worker process, seen from here. Never blocks its caller: start-up and pipe writes run on
    its own threads, and `kill` only sends a signal."""

    def __init__(
        self,
        on_event: Callable[[_Worker, dict[str, Any]], None],
        on_exit: Callable[[_Worker], None],
        output_known_ok: bool = False,
    ) -> None:
        self._on_event = on_event
        self._output_known_ok = output_known_ok
        self._on_exit = on_exit
        self._lock = threading.Lock()
        self._commands: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._pending: bytes | None = None  # the command for when it is ready
        self.pid: int | None = None
        self.ready = False
        self.killed = False
        self.exited = threading.Event()
        self.busy: int | None = None  # id of the utterance it is saying

    def start(self) -> _Worker:
        threading.Thread(target=self._run, name="speech-worker", daemon=True).start()
        return self

    def send(self, command: dict[str, Any]) -> None:
        """Send now if the worker is ready; else keep it (replacing any kept one) until it is."""
        data = (json.dumps(command) + "\n").encode("ascii")
        with self._lock:
            if self.ready:
                self._commands.put(data)
            else:
                self._pending = data

    def cancel_pending(self) -> bool:
        """Drop the kept command; False when it has already been sent (then only a kill cuts)."""
        with self._lock:
            if self.ready:
                return False
            self._pending = None
            return True

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (its audio player too). Non-blocking."""
        with self._lock:
            self.killed = True
            if self.pid is not None and not self.exited.is_set():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.pid, signal.SIGKILL)
        self._commands.put(None)

    def join(self, timeout: float) -> bool:
        return self.exited.wait(timeout)

    def _run(self) -> None:
        env = {**os.environ, KNOWN_OUTPUT_ENV: "1"} if self._output_known_ok else None
        try:
            process = subprocess.Popen(
                worker_command(),
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as exc:
            self._on_event(self, {"event": "failed", "detail": f"{type(exc).__name__}: {exc}"})
            self.exited.set()
            self._on_exit(self)
            return
        with self._lock:
            self._process, self.pid = process, process.pid
            if self.killed:
                os.killpg(process.pid, signal.SIGKILL)
        self._reader = threading.Thread(target=self._read, name="speech-events", daemon=True)
        self._reader.start()
        assert process.stdin is not None
        while (data := self._commands.get()) is not None:
            try:
                process.stdin.write(data)
                process.stdin.flush()
            except OSError:
                break
        with contextlib.suppress(OSError):
            process.stdin.close()

    def _read(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None
        for line in process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "ready":
                with self._lock:
                    self.ready = True
                    if self._pending is not None:
                        self._commands.put(self._pending)
                        self._pending = None
            self._on_event(self, event)
        process.stdout.close()
        # Wait for the exit without reaping, so that `kill` can never hit a recycled pid.
        with contextlib.suppress(ChildProcessError):
            os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        with self._lock:
            self.exited.set()
            process.wait()
        self._commands.put(None)
        self._on_exit(self)


def _kill_all(workers: list[_Worker]) -> None:
    for worker in list(workers):
        worker.kill()


class Speech:
    """Reads text aloud in a worker process. Every method returns within a few milliseconds."""

    def __init__(
        self,
        *,
        rate: str = "normal",
        on_status: Callable[[str], None] | None = None,
        voices: Mapping[str, str] | None = None,
    ) -> None:
        if rate not in RATES:
            raise ValueError(f"rate must be one of {RATES}, not {rate!r}")
        self._rate = rate
        self._chosen: dict[str, str] = dict(voices or {})
        self._voices: tuple[VoiceInfo, ...] = ()
        self._on_status = on_status
        self._cond = threading.Condition()
        self._workers: list[_Worker] = []
        self._current: _Worker | None = None
        self._ids = itertools.count(1)
        self._utterance = 0
        self._speaking = False
        self._known = False  # the first worker has said whether engine and audio work
        self._available = False
        self._status = ""
        self._broken = False
        self._start_failures = 0
        self._closed = False
        self.first_audio_at: float | None = None  # time.monotonic() of the last say's first audio
        self._trace: Callable[[str, dict[str, Any]], None] | None = None  # benchmarks only
        self._finalizer = weakref.finalize(self, _kill_all, self._workers)
        with self._cond:
            self._spawn()

    # -- public API ------------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """True once a worker has loaded the engine and found an audio output."""
        with self._cond:
            return self._available

    @property
    def status(self) -> str:
        """Empty when the voice works (or is still starting), else a message for staff."""
        with self._cond:
            return self._status

    @property
    def speaking(self) -> bool:
        with self._cond:
            return self._speaking

    def set_rate(self, rate: str) -> None:
        """Either "slow" or "normal"; applies from the next `say()`."""
        if rate not in RATES:
            raise ValueError(f"rate must be one of {RATES}, not {rate!r}")
        with self._cond:
            self._rate = rate

    @property
    def voices(self) -> tuple[VoiceInfo, ...]:
        """The engine's voices (MBROLA ones included when installed); () until a worker is up."""
        with self._cond:
            return self._voices

    def set_voices(self, chosen: Mapping[str, str]) -> None:
        """{language: voice id} staff chose; a language left out keeps its usual voice. Applies
        from the next `say()`."""
        with self._cond:
            self._chosen = dict(chosen)

    def sample(self, text: str, language: str, voice: str | None) -> None:
        """Say `text` with `voice` (None: the usual voice for `language`), whatever was chosen:
        staff hear a voice before choosing it. Non-blocking; cuts what is being said."""
        with self._cond:
            chosen = dict(self._chosen)
        if voice:
            chosen[language] = voice
        else:
            chosen.pop(language, None)
        self._say_parts([(text, language)], chosen)

    def say(self, text: str, language: str) -> None:
        """Cut what is being said, then say `text` with a voice for `language`. Non-blocking."""
        self.say_parts([(text, language)])

    def say_parts(self, parts: Sequence[tuple[str, str]]) -> None:
        """Cut what is being said, then say each (text, language) part in turn, each with its own
        language's voice (a French text inside an Arabic visit is read by the French voice).
        One utterance: `stop()` cuts it all. Non-blocking.

        Each text is normalised here, once, for its own language (`spoken_text.normalise`:
        no symbols; numbers, acronyms and addresses as they are said); callers pass display text.
        """
        with self._cond:
            chosen = dict(self._chosen)
        self._say_parts(parts, chosen)

    def _say_parts(self, parts: Sequence[tuple[str, str]], chosen: dict[str, str]) -> None:
        parts = [(normalise(text, language), language) for text, language in parts]
        parts = [(text, language) for text, language in parts if text.strip()]
        with self._cond:
            self._cut()
            if self._closed or self._broken or not parts:
                self._cond.notify_all()
                return
            worker = self._idle_worker() or self._spawn()
            self._utterance = next(self._ids)
            worker.busy = self._utterance
            self._current = worker
            self._speaking = True
            self.first_audio_at = None
            worker.send(
                {
                    "cmd": "say",
                    "id": self._utterance,
                    "parts": [[text, language] for text, language in parts],
                    "rate": self._rate,
                    "voices": chosen,
                }
            )
            self._ensure_standby()
            self._cond.notify_all()

    def stop(self) -> None:
        """Cut the current speech at once (its worker is killed). Non-blocking."""
        with self._cond:
            self._cut()
            if not self._closed and not self._broken:
                self._ensure_standby()
            self._cond.notify_all()

    def close(self) -> None:
        """Stop speaking and end every worker process. Idempotent; waits at most about a second."""
        with self._cond:
            self._closed = True
            self._speaking = False
            workers = list(self._workers)
            self._cond.notify_all()
        for worker in workers:
            worker.kill()
        deadline = time.monotonic() + 2.0
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        self._finalizer.detach()

    def wait_for(self, condition: Callable[[Speech], bool], timeout: float) -> bool:
        """Block until `condition(self)` holds (re-checked on every change), at most `timeout` s.

        For the CLI, tests and benchmarks, never for the GUI thread. Returns the last result.
        """
        with self._cond:
            return self._cond.wait_for(lambda: condition(self), timeout)

    # -- internals (called with self._cond held) ------------------------------------------------

    def _cut(self) -> None:
        current = self._current
        if current is not None and current.busy is not None:
            if current.cancel_pending():
                # Still starting, nothing sent, nothing heard: it stays as a spare. Rapid says
                # (focus moving fast) then replace each other here instead of killing workers.
                current.busy = None
            else:
                current.kill()
                if self._trace:
                    self._trace("killed", {"pid": current.pid, "t": time.monotonic()})
                self._current = None
        self._speaking = False

    def _spawn(self) -> _Worker:
        worker = _Worker(self._on_event, self._on_exit, output_known_ok=self._available)
        self._workers.append(worker)
        return worker.start()

    def _idle_worker(self) -> _Worker | None:
        spare = [w for w in self._workers if not w.killed and w.busy is None]
        spare.sort(key=lambda w: (not w.ready, w is not self._current))
        return spare[0] if spare else None

    def _warm(self) -> bool:
        """A ready worker is waiting for the next `say()` (for benchmarks and tests)."""
        return any(w.ready and not w.killed and w.busy is None for w in self._workers)

    def _ensure_standby(self) -> None:
        if self._idle_worker() is None and not self._closed and not self._broken:
            self._spawn()

    def _set_status(self, available: bool, status: str) -> Callable[[], None] | None:
        self._known = True
        self._available = available
        if status == self._status:
            return None
        self._status = status
        callback = self._on_status
        return (lambda: callback(status)) if callback else None

    def _on_event(self, worker: _Worker, event: dict[str, Any]) -> None:
        notify = None
        with self._cond:
            kind = event.get("event")
            if kind == "ready":
                self._start_failures = 0
                self._voices = tuple(
                    VoiceInfo(str(v[0]), str(v[1]), tuple(v[2])) for v in event.get("voices", ())
                )
                message = _output_message(str(event.get("output")), str(event.get("detail", "")))
                notify = self._set_status(not message, message)
            elif kind == "failed":
                self._broken = True
                self._speaking = False
                notify = self._set_status(False, _engine_message(str(event.get("detail", ""))))
                for other in self._workers:
                    other.kill()
            elif kind == "output":
                message = _output_message(str(event.get("output")), str(event.get("detail", "")))
                notify = self._set_status(not message, message)
            elif kind == "audio" and event.get("id") == self._utterance:
                self.first_audio_at = float(event["t"])
            elif kind == "done":
                if worker.busy == event.get("id"):
                    worker.busy = None
                if worker is self._current and event.get("id") == self._utterance:
                    self._speaking = False
            self._cond.notify_all()
        if self._trace:
            self._trace(str(event.get("event")), {"pid": worker.pid, **event, "voices": None})
        if notify:
            notify()

    def _on_exit(self, worker: _Worker) -> None:
        with self._cond:
            if worker in self._workers:
                self._workers.remove(worker)
            if worker is self._current:
                self._current = None
                self._speaking = False
            if not worker.killed and not worker.ready and not self._broken:
                self._start_failures += 1
            notify = None
            if self._start_failures >= MAX_START_FAILURES and not self._broken:
                self._broken = True
                notify = self._set_status(
                    False,
                    _("Voix indisponible : le moteur de synthèse vocale s'arrête sans cesse."),
                )
            if not self._closed and not self._broken:
                self._ensure_standby()
            self._cond.notify_all()
        if self._trace:
            self._trace("exited", {"pid": worker.pid, "t": time.monotonic()})
        if notify:
            notify()


# -- blocking helpers: the CLI, tests and benchmarks -------------------------------------------


class _OneShot:
    """A single worker for a blocking request; events are handed over through a queue."""

    def __init__(self) -> None:
        self.events: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self.worker = _Worker(lambda _w, e: self.events.put(e), self._gone).start()

    def _gone(self, _worker: _Worker) -> None:
        self.events.put({"event": "exit"})

    def next_event(self, deadline: float, kinds: set[str]) -> dict[str, Any]:
        while True:
            left = deadline - time.monotonic()
            try:
                event = self.events.get(timeout=max(0.0, left))
            except queue.Empty:
                raise PasapasError(_("La synthèse vocale n'a pas répondu à temps.")) from None
            kind = event.get("event")
            if kind == "failed":
                raise PasapasError(_engine_message(str(event.get("detail", ""))))
            if kind == "exit":
                raise PasapasError(_("La synthèse vocale s'est arrêtée avant la fin."))
            if kind in kinds:
                return event

    def close(self) -> None:
        self.worker.kill()
        self.worker.join(2.0)


def _speech_seconds(text: str, rate: str) -> float:
    return len(text.split()) / RATE_WPM[rate] * 60


def list_voices() -> tuple[VoiceInfo, ...]:
    """The engine's voices, asked of a worker process. Blocks; raises PasapasError."""
    shot = _OneShot()
    try:
        ready = shot.next_event(time.monotonic() + READY_TIMEOUT, {"ready"})
    finally:
        shot.close()
    return tuple(VoiceInfo(v[0], v[1], tuple(v[2])) for v in ready.get("voices", ()))


def synthesize_to_file(
    text: str, language: str, rate: str, path: Path, voice: str | None = None
) -> None:
    """Write `text` read aloud as a WAV file at `path`, through the same engine code path as
    `Speech.say` (pyttsx3 `save_to_file` + `runAndWait` in a worker process). Blocks; raises
    PasapasError with a French message on any failure. `voice`: an engine voice id to read with
    instead of the language's usual voice (ignored when the engine has no such voice)."""
    text = normalise(text, language)
    if not text.strip():
        raise PasapasError(_("Le texte à lire est vide."))
    _check_rate(rate)
    path = Path(path).absolute()
    problem = ""
    if path.is_dir():
        problem = _("c'est un dossier")
    elif not path.parent.is_dir():
        problem = _("le dossier n'existe pas")
    elif not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        problem = _("écriture interdite")
    if problem:
        raise PasapasError(
            _("Impossible d'écrire le fichier son {path} : {reason}.").format(
                path=path, reason=problem
            )
        )
    shot = _OneShot()
    try:
        shot.worker.send(
            {
                "cmd": "save",
                "id": 1,
                "text": text,
                "language": language,
                "rate": rate,
                "path": str(path),
                "voices": {language: voice} if voice else {},
            }
        )
        deadline = time.monotonic() + READY_TIMEOUT + 2 * _speech_seconds(text, rate) + 10
        event = shot.next_event(deadline, {"saved", "error"})
    finally:
        shot.close()
    if event["event"] == "error":
        if event.get("code") == "write":
            raise PasapasError(
                _("Impossible d'écrire le fichier son {path} : {reason}.").format(
                    path=path, reason=event.get("detail", "")
                )
            )
        raise PasapasError(
            _("La synthèse vocale a échoué ({detail}).").format(detail=event.get("detail", ""))
        )


def speak_and_wait(text: str, language: str, rate: str, voice: str | None = None) -> None:
    """Say `text` and return when it has been said (with `voice`, an engine voice id, instead of
    the language's usual one). Blocks; raises PasapasError when there is no engine or no audio
    output (after trying), or on a time-out."""
    if not text.strip():
        raise PasapasError(_("Le texte à lire est vide."))
    _check_rate(rate)
    speech = Speech(rate=rate, voices={language: voice} if voice else None)
    try:
        if not speech.wait_for(lambda s: s._known, READY_TIMEOUT):
            raise PasapasError(_("La synthèse vocale n'a pas répondu à temps."))
        if not speech.available:
            raise PasapasError(speech.status)
        speech.say(text, language)
        if not speech.wait_for(
            lambda s: not s.speaking, 3 * _speech_seconds(text, rate) + READY_TIMEOUT
        ):
            raise PasapasError(_("La synthèse vocale n'a pas répondu à temps."))
        if not speech.available:
            raise PasapasError(speech.status)
    finally:
        speech.close()
