"""The speech worker: a process of its own that owns the pyttsx3 engine.

`accessibility.speech` starts it as `python -P accessibility/speech_worker.py` in a new session
(process group), so that killing the group cuts speech at once, audio player included. It imports
only the standard library and pyttsx3, so that it starts fast and never loads Qt or the app.

Protocol: one JSON object per line. Commands arrive on stdin:

    {"cmd": "say",  "id": 3, "text": "...", "language": "fr", "rate": "normal"}
    {"cmd": "say",  "id": 3, "parts": [["...", "ar"], ["...", "fr"]], "rate": "normal",
     "voices": {"fr": "mb/mb-fr4"}}                        the voice chosen per language (optional)
    {"cmd": "save", "id": 4, "text": "...", "language": "fr", "rate": "slow", "path": "/abs/x.wav",
     "voices": {"fr": "roa/fr-be"}}

Events leave on the original stdout (fd 1 is then pointed at /dev/null, because pyttsx3 prints):

    {"event": "failed", "detail": "..."}                   the engine cannot start; the worker exits
    {"event": "ready", "output": "ok" | "no-player" | "no-device", "detail": "...", "voices": [...]}
    {"event": "audio", "id": 3, "t": <time.monotonic()>}   first samples handed to the output
    {"event": "output", "output": "...", "detail": "..."}  the audio output failed during a say
    {"event": "done", "id": 3}                             played to the end (or paced, see below)
    {"event": "saved", "id": 4, "frames": 12345}
    {"event": "error", "id": 4, "code": "write" | "synth", "detail": "..."}

How audio is made. pyttsx3 2.99's espeak driver initialises libespeak-ng in AUDIO_OUTPUT_RETRIEVAL
mode: libespeak-ng never plays anything itself. Its `say()` gathers the whole utterance, writes it
to a NamedTemporaryFile WAV in the temporary folder and runs `os.system("aplay FILE -q")`, ignoring
failures. That leaves spoken text on disk if the process is killed mid-sentence (which is how we
stop speech), and `aplay` would survive the kill of its parent. So on Linux this worker never uses
`say()`: every text goes, sentence by sentence, through pyttsx3's `save_to_file()` + `runAndWait()`
into a pipe (`/dev/fd/N`); a thread reads the WAV stream and hands the samples to the output as
each sentence is ready:

- an `aplay` process reading raw samples on its stdin (same process group, so killed with us); or
- with no player or no audio device, a null output that paces the samples in real time, so that
  "speaking" lasts as long as the speech would have, with or without a sound card.

The speed goes inside each sentence as an espeak embedded command (Ctrl-A, number, "S"), not only
through `setProperty("rate")`: libespeak-ng queues a parameter change behind the synthesis still
finishing, and about one sentence in ten came out at the previous (or the driver's default 200 wpm)
speed. The embedded command is read with the text, so each sentence gets the speed it asked for.
Control characters are removed from the text first, so content cannot carry commands of its own.

MBROLA. espeak-ng drives MBROLA voices (Debian's `mbrola` and `mbrola-fr1`, `mbrola-fr4`,
`mbrola-ar1`, `mbrola-ar2`…) through its `mb/mb-xx1` voice files. espeak-ng-data ships those files
whether or not MBROLA is there, and its voice list (`ListVoices(NULL)`, so pyttsx3's) leaves them
out; `mbrola_voices()` reports one only when the `mbrola` program and that voice's database are
both installed. They are added to the voices the worker reports, and used only where staff chose
one for a language (`"voices"` in the command): by default every language keeps its espeak-ng voice,
so a kiosk without MBROLA, or with MBROLA but no choice made, sounds exactly as before.

Nothing that is spoken is written to disk, except by the explicit `save` command. No text is ever
printed or logged: events carry ids, timings and error details only.
"""

from __future__ import annotations

import abc
import contextlib
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

RATE_WPM = {"slow": 130, "normal": 175}
DRIVER_ENV = "PASAPAS_SPEECH_DRIVER"  # a pyttsx3 driver name (tests point it at a missing one)
PLAYER_ENV = "PASAPAS_SPEECH_PLAYER"  # the aplay-compatible player to use (default "aplay")
# Set by the parent when the audio output is known to work: the worker then skips its probe, which
# could find the device busy (no dmix) while the worker being replaced is still playing.
KNOWN_OUTPUT_ENV = "PASAPAS_SPEECH_OUTPUT_OK"
FALLBACK_LANGUAGE = "fr"
MBROLA_PREFIX = "mb/"
# Where espeak-ng (1.51, synth_mbrola.c) looks for an MBROLA voice's database.
MBROLA_DIRS = ("/usr/share/mbrola",)  # and <espeak-ng-data>/mbrola
ESPEAK_DATA_DIRS = (
    "/usr/lib/x86_64-linux-gnu/espeak-ng-data",
    "/usr/lib/aarch64-linux-gnu/espeak-ng-data",
    "/usr/lib/i386-linux-gnu/espeak-ng-data",
    "/usr/lib/arm-linux-gnueabihf/espeak-ng-data",
    "/usr/share/espeak-ng-data",
    "/usr/local/share/espeak-ng-data",
)
LONG_CHUNK = 240  # characters: longer sentences are cut again at commas and semicolons

_SENTENCE_END = re.compile(r"(?<=[.!?…؟。])\s+|\s*\n\s*")
_CLAUSE_END = re.compile(r"(?<=[,;:،؛])\s+")


# The first argument that makes a frozen bundle's program be this worker
# (installer/bundle/entry.py).
SPEECH_WORKER_ARGUMENT = "--pasapas-speech-worker"


def system_program_env() -> dict[str, str] | None:
    """The environment for a system program (aplay): in a frozen bundle, the library path as it
    was before the bundle's loader pointed it at its own libraries (which are not the system's
    and could break the program); elsewhere, None (inherit)."""
    if not getattr(sys, "frozen", False):
        return None
    env = dict(os.environ)
    original = env.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is None:
        env.pop("LD_LIBRARY_PATH", None)
    else:
        env["LD_LIBRARY_PATH"] = original
    return env


# -- pure helpers (also imported by accessibility.speech and the tests) ----------------------------


class VoiceLike(Protocol):
    id: str
    languages: Sequence[str]


@dataclass(frozen=True)
class VoiceInfo:
    """One voice of the engine, as the worker reports it."""

    id: str
    name: str
    languages: tuple[str, ...]


def _norm(code: str) -> str:
    return code.strip().lower().replace("_", "-")


def voice_for(language: str, voices: Iterable[VoiceLike]) -> str | None:
    """The id of the voice to read `language` with, or None for the engine's default voice.

    In order: a voice that lists exactly that language; one whose id ends with it (espeak-ng's
    "gmw/en", "roa/fr"); one whose language starts with it ("fr" -> "fr-fr"); the same for the
    primary subtag of a regional code ("pt-BR" -> "pt"); then the same search for French.
    """
    voices = list(voices)

    def find(code: str) -> str | None:
        for rule in (
            lambda v: any(_norm(lang) == code for lang in v.languages),
            lambda v: _norm(v.id).rsplit("/", 1)[-1] == code,
            lambda v: any(_norm(lang).startswith(code + "-") for lang in v.languages),
        ):
            for voice in voices:
                if rule(voice):
                    return voice.id
        return None

    wanted = _norm(language)
    candidates = [wanted, wanted.split("-", 1)[0], FALLBACK_LANGUAGE]
    for code in dict.fromkeys(c for c in candidates if c):
        found = find(code)
        if found is not None:
            return found
    return None


def is_mbrola(voice_id: str) -> bool:
    return voice_id.startswith(MBROLA_PREFIX)


def _voice_file(path: str) -> tuple[str, list[str], str] | None:
    """(name, languages, MBROLA database) from an espeak-ng voice file, None when it has none."""
    name, languages, database = "", [], ""
    try:
        with open(path, encoding="utf-8", errors="replace") as source:
            for line in source:
                words = line.split()
                if len(words) >= 2 and words[0] == "name":
                    name = words[1]
                elif len(words) >= 2 and words[0] == "language":
                    languages.append(words[1])
                elif len(words) >= 2 and words[0] == "mbrola":
                    database = words[1]
    except OSError:
        return None
    if not database or "/" in database or database.startswith("."):
        return None
    return name, languages, database


def mbrola_voices(
    data_dirs: Sequence[str] | None = None,
    mbrola_dirs: Sequence[str] = MBROLA_DIRS,
    program: str | None = None,
) -> list[VoiceInfo]:
    """The MBROLA voices espeak-ng can really speak with here: its `mb/` voice file exists (what
    `espeak-ng --voices=mb` lists), the `mbrola` program is on the PATH, and the voice's database
    is installed (`/usr/share/mbrola/fr4/fr4` for `mb-fr4`). [] when MBROLA is not installed."""
    if (program or shutil.which("mbrola")) is None:
        return []
    if data_dirs is None:
        env = os.environ.get("ESPEAK_DATA_PATH")
        data_dirs = ([os.path.join(env, "espeak-ng-data"), env] if env else []) + list(
            ESPEAK_DATA_DIRS
        )
    found: dict[str, VoiceInfo] = {}
    for data in data_dirs:
        folder = os.path.join(data, "voices", "mb")
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for file_name in names:
            voice_id = MBROLA_PREFIX + file_name
            if voice_id in found:
                continue
            facts = _voice_file(os.path.join(folder, file_name))
            if facts is None:
                continue
            name, languages, database = facts
            installed = any(
                os.path.isfile(candidate)
                for base in [*mbrola_dirs, os.path.join(data, "mbrola")]
                for candidate in (
                    os.path.join(base, database, database),
                    os.path.join(base, database),
                    os.path.join(base, "voices", database),
                )
            )
            if installed and languages:
                found[voice_id] = VoiceInfo(voice_id, name or file_name, tuple(languages))
        if found:
            break
    return list(found.values())


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def split_text(text: str) -> list[str]:
    """Cut `text` into sentences (and over-long sentences into clauses), so that the first one
    can be heard while the rest is still being synthesised."""
    chunks: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        if len(sentence) <= LONG_CHUNK:
            chunks.append(sentence)
            continue
        current = ""
        for clause in _CLAUSE_END.split(sentence):
            if current and len(current) + len(clause) > LONG_CHUNK:
                chunks.append(current)
                current = clause
            else:
                current = f"{current} {clause}" if current else clause
        chunks.append(current)
    return [c for c in (chunk.strip() for chunk in chunks) if c]


# -- outputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    rate: int
    channels: int
    width: int

    @property
    def bytes_per_second(self) -> int:
        return self.rate * self.channels * self.width


class Output(abc.ABC):
    """Where the samples of one utterance go. `write` may block (a player reads in real time)."""

    def __init__(self, emit: Emit, uid: int) -> None:
        self._emit = emit
        self._uid = uid
        self._started = False

    def write(self, fmt: Format, data: bytes) -> None:
        if not self._started and data:
            self._started = True
            self._emit({"event": "audio", "id": self._uid, "t": time.monotonic()})
        self._write(fmt, data)

    @abc.abstractmethod
    def _write(self, fmt: Format, data: bytes) -> None:
        """Take these samples."""

    @abc.abstractmethod
    def finish(self) -> None:
        """Return when the utterance has been heard (or would have been)."""


class NullOutput(Output):
    """No audio device: the samples are dropped, paced at the speed they would be played."""

    def __init__(self, emit: Emit, uid: int) -> None:
        super().__init__(emit, uid)
        self._start = 0.0
        self._seconds = 0.0

    def _write(self, fmt: Format, data: bytes) -> None:
        if not self._start:
            self._start = time.monotonic()
        self._seconds += len(data) / fmt.bytes_per_second

    def finish(self) -> None:
        if self._start:
            left = self._start + self._seconds - time.monotonic()
            if left > 0:
                time.sleep(left)


class PlayerOutput(Output):
    """An aplay process, started on the first samples, fed raw samples on its stdin."""

    def __init__(self, emit: Emit, uid: int, player: str) -> None:
        super().__init__(emit, uid)
        self._player = player
        self._process: subprocess.Popen[bytes] | None = None
        self._fallback: NullOutput | None = None
        self._format: Format | None = None

    def _write(self, fmt: Format, data: bytes) -> None:
        if self._fallback is not None:
            self._fallback._write(fmt, data)
            return
        if self._process is not None and fmt != self._format:
            # A part read by a voice with another sample rate (MBROLA voices are 16 kHz,
            # espeak-ng's 22,050 Hz): let the player finish, then start one for the new format.
            self._close_player()
            self._process = None
        if self._process is None:
            self._format = fmt
            self._process = subprocess.Popen(
                [self._player, *player_arguments(fmt)],
                env=system_program_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(data)
        except OSError:
            self._close_player()
            self._fallback = NullOutput(self._emit, self._uid)
            self._fallback._write(fmt, data)

    def _close_player(self) -> None:
        assert self._process is not None
        with contextlib.suppress(OSError):
            self._process.stdin.close()  # type: ignore[union-attr]
        code = self._process.wait()
        if code == 0:
            self._emit({"event": "output", "output": "ok", "detail": ""})
        else:
            detail = _player_error(self._process.stderr.read())  # type: ignore[union-attr]
            self._emit({"event": "output", "output": "no-device", "detail": detail})

    def finish(self) -> None:
        if self._fallback is not None:
            self._fallback.finish()
        elif self._process is not None:
            self._close_player()


def player_arguments(fmt: Format) -> list[str]:
    sample = {1: "U8", 2: "S16_LE", 4: "S32_LE"}[fmt.width]
    return ["-q", "-t", "raw", "-f", sample, "-r", str(fmt.rate), "-c", str(fmt.channels), "-"]


def _player_error(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    if not lines:
        return ""
    return re.sub(r"^\S+: \S+:\d+: ", "", lines[-1])[:200]


def probe_output(player: str) -> tuple[str, str]:
    """("ok", "") when `player` can open the default audio device, else the reason."""
    path = shutil.which(player)
    if path is None:
        return "no-player", player
    fmt = Format(22050, 1, 2)
    try:
        result = subprocess.run(
            [path, *player_arguments(fmt)],
            input=bytes(fmt.bytes_per_second // 50),  # 20 ms of silence
            env=system_program_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=5,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return "no-device", f"{type(exc).__name__}: {exc}"[:200]
    if result.returncode != 0:
        return "no-device", _player_error(result.stderr)
    return "ok", ""


# -- the engine ------------------------------------------------------------------------------------


class Emit(Protocol):
    def __call__(self, event: dict[str, Any]) -> None: ...


class WavPipe:
    """A pipe that pyttsx3's `save_to_file` writes WAV files into, one per sentence.

    A thread parses each WAV as it arrives and hands its samples to the current output, so the
    first sentence is heard while the next ones are synthesised.
    """

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        self.path = f"/dev/fd/{self._write}"
        self._cond = threading.Condition()
        self._output: Output | None = None
        self._received = 0
        self._error: BaseException | None = None
        # pyttsx3 labels every WAV 22,050 Hz; an MBROLA voice makes 16 kHz samples. While one
        # speaks, this gives the rate the engine announced for it (espeakEVENT_SAMPLERATE).
        self.sample_rate: Callable[[], int] | None = None
        threading.Thread(target=self._run, name="wav-pipe", daemon=True).start()

    def expect(self, output: Output) -> None:
        with self._cond:
            self._output = output

    def wait(self, count: int, timeout: float) -> None:
        """Wait until `count` WAV files in all have been handed over."""
        with self._cond:
            if not self._cond.wait_for(
                lambda: self._received >= count or self._error is not None, timeout
            ):
                raise TimeoutError("the engine wrote no audio")
            if self._error is not None:
                raise self._error

    def _exact(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = os.read(self._read, size - len(data))
            if not chunk:
                raise EOFError("audio pipe closed")
            data += chunk
        return data

    def _one_wav(self) -> None:
        riff = self._exact(12)
        if riff[:4] != b"RIFF" or riff[8:12] != b"WAVE":
            raise ValueError("not a WAV stream")
        fmt: Format | None = None
        while True:
            kind, size = struct.unpack("<4sI", self._exact(8))
            if kind == b"fmt ":
                body = self._exact(size)
                _tag, channels, rate, _bps, _align, bits = struct.unpack("<HHIIHH", body[:16])
                fmt = Format(rate, channels, bits // 8)
            elif kind == b"data":
                break
            else:
                self._exact(size)
        if fmt is None:
            raise ValueError("WAV stream without a format")
        with self._cond:
            output = self._output
            sample_rate = self.sample_rate
        if sample_rate is not None:
            real = int(sample_rate())
            if 8000 <= real <= 48000:
                fmt = Format(real, fmt.channels, fmt.width)
        left = size
        while left:
            chunk = os.read(self._read, min(left, 1 << 16))
            if not chunk:
                raise EOFError("audio pipe closed")
            left -= len(chunk)
            if output is not None:
                output.write(fmt, chunk)

    def _run(self) -> None:
        try:
            while True:
                self._one_wav()
                with self._cond:
                    self._received += 1
                    self._cond.notify_all()
        except BaseException as exc:
            with self._cond:
                self._error = exc
                self._cond.notify_all()


class BufferOutput(Output):
    """Keeps the samples, for `save`."""

    def __init__(self, emit: Emit, uid: int) -> None:
        super().__init__(emit, uid)
        self.format: Format | None = None
        self.data = bytearray()

    def _write(self, fmt: Format, data: bytes) -> None:
        self.format = self.format or fmt
        self.data += data

    def finish(self) -> None:
        """Nothing to wait for: the samples are all in `data`."""


# The sample rate libespeak-ng announced last (its espeakEVENT_SAMPLERATE, the voice's own rate:
# 16 kHz for MBROLA voices), seen by the synthesis callback that `_tame_espeak_driver` wraps.
_EVENT_SAMPLERATE = 8
_announced_rate = [0]


def _engine_sample_rate() -> Callable[[], int]:
    """The rate the engine announced for the voice speaking now (0 while none was seen)."""
    return lambda: _announced_rate[0]


def _tame_espeak_driver(engine: Any) -> threading.Event | None:
    """Make pyttsx3 2.99's espeak driver safe for one sentence after another, and return an Event
    set once libespeak-ng's callback has wholly returned from the end of a sentence (None with any
    other driver).

    Two races cut sentences short, in about one text in ten:
    - `runAndWait` queues an `endLoop` that calls the driver's `stop()`; when libespeak-ng is still
      winding down the previous sentence, `IsPlaying()` is true, so `stop()` cancels, and the
      `_stopping` flag it leaves then cancels the sentence just started: a cut WAV arrives.
      This worker never stops speech through pyttsx3 (it is killed instead), so `stop()` is
      disabled on this driver.
    - `runAndWait` may return before the sentence is synthesised, and the driver's callback, on
      libespeak-ng's own thread, resets its state (`_speaking`, the sample buffer) after writing the
      WAV; the next sentence must not start before that. The callback is wrapped to set the Event.
    """
    try:
        from pyttsx3.drivers import _espeak
        from pyttsx3.drivers.espeak import EspeakDriver
    except Exception:  # no espeak driver in this pyttsx3 (or no libespeak): nothing to guard
        return None
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    if not isinstance(driver, EspeakDriver):
        return None
    driver.stop = lambda: None
    idle = threading.Event()
    idle.set()
    on_synth = driver._onSynth

    def guarded(wav: Any, numsamples: int, events: Any) -> int:
        ended, i = False, 0
        while events[i].type != _espeak.EVENT_LIST_TERMINATED:
            ended = ended or events[i].type == _espeak.EVENT_MSG_TERMINATED
            if events[i].type == _EVENT_SAMPLERATE:
                _announced_rate[0] = int(events[i].id.number)
            i += 1
        try:
            return on_synth(wav, numsamples, events)
        finally:
            if ended:
                idle.set()

    _espeak.SetSynthCallback(guarded)
    return idle


class Worker:
    def __init__(self, engine: Any, emit: Emit, output: str, player: str) -> None:
        self.engine = engine
        self.emit = emit
        self.output = output
        self.player = player
        self.voices = [
            VoiceInfo(str(v.id), str(v.name or v.id), tuple(str(x) for x in v.languages or ()))
            for v in engine.getProperty("voices")
        ]
        self._voice: str | None = None
        self._pipe = WavPipe() if sys.platform.startswith("linux") else None
        self._sent = 0
        self._idle = _tame_espeak_driver(engine)
        # The usual voice of each language is always an espeak-ng one; MBROLA voices (espeak
        # driver only) are there to be chosen.
        self._standard = list(self.voices)
        if self._idle is not None:
            known = {v.id for v in self.voices}
            self.voices += [v for v in mbrola_voices() if v.id not in known]
        self._ids = {v.id for v in self.voices}

    def voice_id(self, language: str, chosen: dict[str, str] | None = None) -> str | None:
        """The chosen voice for `language` when this engine has it, else its usual voice."""
        chosen = chosen or {}
        code = _norm(language)
        for key in (code, code.split("-", 1)[0]):
            wanted = chosen.get(key)
            if wanted in self._ids:
                return wanted
        return voice_for(language, self._standard)

    def _configure(self, language: str, rate: str, chosen: dict[str, str] | None = None) -> None:
        voice = self.voice_id(language, chosen)
        if voice is not None and voice != self._voice:
            self.engine.setProperty("voice", voice)
            self._voice = voice
        if self._pipe is not None:
            mbrola = self._voice is not None and is_mbrola(self._voice)
            self._pipe.sample_rate = _engine_sample_rate() if mbrola else None
        self.engine.setProperty("rate", RATE_WPM.get(rate, RATE_WPM["normal"]))

    def _synthesise(self, text: str, rate: str, output: Output) -> None:
        assert self._pipe is not None
        self._pipe.expect(output)
        speed = f"\x01{RATE_WPM.get(rate, RATE_WPM['normal'])}S "
        for chunk in split_text(_CONTROL.sub(" ", text)):
            if self._idle is not None:
                self._idle.clear()
            self.engine.save_to_file(speed + chunk, self._pipe.path)
            self.engine.runAndWait()
            self._sent += 1
            self._pipe.wait(self._sent, timeout=30)
            if self._idle is not None and not self._idle.wait(timeout=30):
                raise TimeoutError("the engine did not finish the sentence")

    def say(
        self,
        uid: int,
        parts: list[tuple[str, str]],
        rate: str,
        chosen: dict[str, str] | None = None,
    ) -> None:
        """Say each (text, language) part in turn, each with its language's voice (the one staff
        chose, if any), as one utterance: one "done" at the end; one stop (the kill) cuts all."""
        if self._pipe is None:  # not Linux: the driver plays by itself (SAPI5, NSSpeech)
            for text, language in parts:
                self._configure(language, rate, chosen)
                self.engine.say(text)
                self.engine.runAndWait()
        else:
            output: Output = (
                PlayerOutput(self.emit, uid, self.player)
                if self.output == "ok"
                else NullOutput(self.emit, uid)
            )
            try:
                for text, language in parts:
                    self._configure(language, rate, chosen)
                    self._synthesise(text, rate, output)
            finally:
                output.finish()
        self.emit({"event": "done", "id": uid})

    def save(
        self,
        uid: int,
        text: str,
        language: str,
        rate: str,
        path: str,
        chosen: dict[str, str] | None = None,
    ) -> None:
        self._configure(language, rate, chosen)
        if self._pipe is None:
            self.engine.save_to_file(text, path)
            self.engine.runAndWait()
            self.emit({"event": "saved", "id": uid, "frames": -1})
            return
        buffer = BufferOutput(self.emit, uid)
        try:
            self._synthesise(text, rate, buffer)
        except Exception as exc:
            self.emit({"event": "error", "id": uid, "code": "synth", "detail": type(exc).__name__})
            return
        fmt = buffer.format or Format(22050, 1, 2)
        try:
            with wave.open(path, "wb") as out:
                out.setnchannels(fmt.channels)
                out.setsampwidth(fmt.width)
                out.setframerate(fmt.rate)
                out.writeframes(bytes(buffer.data))
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(path)
            self.emit(
                {"event": "error", "id": uid, "code": "write", "detail": exc.strerror or str(exc)}
            )
            return
        frames = len(buffer.data) // (fmt.channels * fmt.width)
        self.emit({"event": "saved", "id": uid, "frames": frames})


def _watch_stdin(
    commands: list[dict[str, Any]], cond: threading.Condition, stdin: BinaryIO
) -> None:
    """Queue commands; when the parent goes away (EOF), end the whole group at once."""
    for line in stdin:
        with contextlib.suppress(ValueError):
            command = json.loads(line)
            with cond:
                commands.append(command)
                cond.notify()
    os.killpg(os.getpgrp(), signal.SIGKILL)


def main() -> int:
    events = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the whole process
    lock = threading.Lock()

    def emit(event: dict[str, Any]) -> None:
        with lock:
            events.write(json.dumps(event) + "\n")

    try:
        import pyttsx3

        engine = pyttsx3.init(os.environ.get(DRIVER_ENV) or None)
        player = os.environ.get(PLAYER_ENV) or "aplay"
        known_ok = bool(os.environ.get(KNOWN_OUTPUT_ENV)) and shutil.which(player) is not None
        if known_ok or not sys.platform.startswith("linux"):
            output, detail = "ok", ""
        else:
            output, detail = probe_output(player)
        worker = Worker(engine, emit, output, player)
    except Exception as exc:
        emit({"event": "failed", "detail": f"{type(exc).__name__}: {exc}"[:300]})
        return 1
    emit(
        {
            "event": "ready",
            "output": output,
            "detail": detail,
            "voices": [[v.id, v.name, list(v.languages)] for v in worker.voices],
        }
    )

    commands: list[dict[str, Any]] = []
    cond = threading.Condition()
    threading.Thread(
        target=_watch_stdin, args=(commands, cond, sys.stdin.buffer), daemon=True
    ).start()
    while True:
        with cond:
            cond.wait_for(lambda: commands)
            command = commands.pop(0)
        uid = int(command.get("id", 0))
        rate = str(command["rate"])
        raw_choice = command.get("voices")
        chosen = (
            {str(k): str(v) for k, v in raw_choice.items()} if isinstance(raw_choice, dict) else {}
        )
        try:
            if command["cmd"] == "say":
                parts = command.get("parts") or [[command["text"], command["language"]]]
                worker.say(uid, [(str(text), str(lang)) for text, lang in parts], rate, chosen)
            elif command["cmd"] == "save":
                text, language = str(command["text"]), str(command["language"])
                worker.save(uid, text, language, rate, str(command["path"]), chosen)
        except Exception as exc:
            emit({"event": "error", "id": uid, "code": "synth", "detail": type(exc).__name__})
            emit({"event": "done", "id": uid})


if __name__ == "__main__":
    sys.exit(main())
