"""Speech through real espeak-ng (pyttsx3 in worker processes), with or without an audio device.

No mock of the engine: the only fakes are at the edge, a pyttsx3 driver name that does not exist
(no engine) and an audio player that does not exist (no audio). Where the machine has no audio
device (CI), the worker still synthesises everything and paces it in real time, so `speaking`,
`stop()` and the time to first audio are measured on the real code path.
"""

from __future__ import annotations

import array
import os
import select
import shutil
import sys
import threading
import time
import wave
from pathlib import Path

import pytest

from pasapas.accessibility.speech import (
    RATES,
    Speech,
    list_voices,
    split_text,
    synthesize_to_file,
    voice_for,
)
from pasapas.app.errors import PasapasError
from pasapas.cli import main

STEP = (
    "Bonjour. Pour ouvrir votre compte ameli, munissez-vous de votre carte Vitale "
    "et de votre relevé d'identité bancaire. Appuyez ensuite sur le bouton Suivant."
)
LONG = " ".join([STEP] * 8)  # about three minutes of speech
READY = 20.0  # seconds for a worker to load the engine on a loaded CI machine


def _wav_facts(path: Path) -> tuple[float, float, int]:
    """(duration in seconds, RMS, peak) of a 16-bit WAV."""
    with wave.open(str(path), "rb") as wav:
        assert wav.getsampwidth() == 2
        assert wav.getnchannels() == 1
        frames = wav.readframes(wav.getnframes())
        duration = wav.getnframes() / wav.getframerate()
    samples = array.array("h", frames)
    assert samples, "the WAV holds no samples"
    rms = (sum(s * s for s in samples) / len(samples)) ** 0.5
    return duration, rms, max(abs(s) for s in samples)


def _expected_seconds(text: str, words_per_minute: int) -> float:
    return len(text.split()) / words_per_minute * 60


def _descendants(root: int) -> set[int]:
    """Every live (non-zombie) process below `root`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _dies_within(pid: int, timeout: float) -> bool:
    """Wait (on a pidfd, no polling) until `pid` has terminated, at most `timeout` seconds."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0]) or not _alive(pid)
    finally:
        os.close(fd)


# A stand-in for `aplay` (the only fake besides a missing driver): takes raw samples on stdin at
# the speed a 22,050 Hz, 16-bit mono device would, and notes its pid and the bytes it received.
PACED_PLAYER = """
import os, sys, time
log = open(os.environ["FAKE_PLAYER_LOG"], "a", buffering=1)
log.write(f"start {os.getpid()}\\n")
received = 0
while chunk := sys.stdin.buffer.read(4410):
    received += len(chunk)
    time.sleep(len(chunk) / 44100)
log.write(f"end {os.getpid()} {received}\\n")
"""
# The same, ten times faster than a real device: for tests that only count what was received.
FAST_PLAYER = PACED_PLAYER.replace("len(chunk) / 44100", "len(chunk) / 441000")
BROKEN_PLAYER = """
import sys
sys.stderr.write("aplay: main:831: audio open error: Device or resource busy\\n")
sys.exit(1)
"""


def _player(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> Path:
    script = tmp_path / "fake-aplay"
    script.write_text(f"#!{sys.executable}\n{source}", encoding="utf-8")
    script.chmod(0o755)
    log = tmp_path / "player.log"
    log.touch()
    monkeypatch.setenv("PASAPAS_SPEECH_PLAYER", str(script))
    monkeypatch.setenv("FAKE_PLAYER_LOG", str(log))
    return log


@pytest.fixture
def speech():
    statuses: list[str] = []
    s = Speech(on_status=statuses.append)
    s.statuses = statuses  # type: ignore[attr-defined]
    assert s.wait_for(lambda s: s._known, READY), "the speech worker did not start"
    yield s
    s.close()


# -- the WAV through `pasapas say --to` ------------------------------------------------------------


def test_say_to_file_writes_a_non_silent_wav_about_as_long_as_the_text_needs(tmp_path, capsys):
    out = tmp_path / "step.wav"
    assert main(["say", "--lang", "fr", "--to", str(out), STEP]) == 0
    assert str(out) in capsys.readouterr().out
    duration, rms, peak = _wav_facts(out)
    expected = _expected_seconds(STEP, 175)
    assert 0.3 * expected <= duration <= 3 * expected, (duration, expected)
    assert rms > 300, rms
    assert peak > 3000, peak


def test_slow_rate_gives_a_longer_recording_than_normal(tmp_path):
    slow, normal = tmp_path / "slow.wav", tmp_path / "normal.wav"
    synthesize_to_file(STEP, "fr", "slow", slow)
    synthesize_to_file(STEP, "fr", "normal", normal)
    slow_seconds, normal_seconds = _wav_facts(slow)[0], _wav_facts(normal)[0]
    assert slow_seconds > 1.15 * normal_seconds, (slow_seconds, normal_seconds)
    assert 0.3 * _expected_seconds(STEP, 130) <= slow_seconds <= 3 * _expected_seconds(STEP, 130)


def test_arabic_text_is_recorded_with_a_non_silent_voice(tmp_path):
    out = tmp_path / "ar.wav"
    synthesize_to_file("مرحبا، اضغط على الزر التالي للمتابعة.", "ar", "normal", out)
    duration, rms, _peak = _wav_facts(out)
    assert duration > 0.5
    assert rms > 300


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["say", "  "], "Le texte à lire est vide."),
        (["say", "--rate", "vite", "Bonjour"], "Vitesse de lecture inconnue : « vite »"),
        (["say", "--to", "/no/such/folder/x.wav", "Bonjour"], "Impossible d'écrire le fichier"),
    ],
)
def test_say_with_bad_input_prints_a_french_message_and_fails(argv, message, capsys):
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_say_to_a_folder_is_refused_and_writes_nothing(tmp_path, capsys):
    assert main(["say", "--to", str(tmp_path), "Bonjour"]) != 0
    assert "c'est un dossier" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_say_aloud_without_an_audio_output_explains_why_and_fails(monkeypatch, capsys):
    monkeypatch.setenv("PASAPAS_SPEECH_PLAYER", "/no/such/player")
    assert main(["say", "Bonjour"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Voix indisponible : le lecteur audio")
    assert "Traceback" not in err


# -- voices ----------------------------------------------------------------------------------------


def test_each_language_gets_its_own_voice_from_the_real_voice_list():
    voices = list_voices()
    assert len(voices) > 10
    chosen = {code: voice_for(code, voices) for code in ("fr", "en", "ar", "es", "pt", "uk", "tr")}
    assert None not in chosen.values(), chosen
    assert len(set(chosen.values())) == len(chosen), chosen
    by_id = {v.id: v for v in voices}
    assert any(lang.startswith("fr") for lang in by_id[chosen["fr"]].languages)
    assert any(lang.startswith("ar") for lang in by_id[chosen["ar"]].languages)


def test_an_unknown_language_is_read_with_the_french_voice():
    voices = list_voices()
    assert voice_for("xx", voices) == voice_for("fr", voices)
    assert voice_for("pt-BR", voices) in {v.id for v in voices}


def test_text_is_cut_into_sentences_so_the_first_one_is_heard_sooner():
    assert split_text("Bonjour. Allez sur ameli.fr puis validez !\nMerci") == [
        "Bonjour.",
        "Allez sur ameli.fr puis validez !",
        "Merci",
    ]
    long_sentence = ", ".join(["un mot de plus"] * 40) + "."
    chunks = split_text(long_sentence)
    assert len(chunks) > 1
    assert " ".join(chunks).replace(" ", "") == long_sentence.replace(" ", "")


# -- Speech: never blocking, cut at once -----------------------------------------------------------


def test_say_and_stop_return_at_once_instead_of_waiting_for_the_speech(speech):
    # The latency itself (a few ms) is measured by bench/bench_speech.py; a timed test would be
    # flaky on a loaded machine. Here: a call never waits for the sentence to be spoken.
    slowest = 0.0
    for i in range(8):
        start = time.perf_counter()
        speech.say(f"{STEP} {i}", "fr" if i % 2 else "ar")
        slowest = max(slowest, time.perf_counter() - start)
        if i % 3 == 0:
            start = time.perf_counter()
            speech.stop()
            slowest = max(slowest, time.perf_counter() - start)
    start = time.perf_counter()
    speech.stop()
    slowest = max(slowest, time.perf_counter() - start)
    assert slowest < 0.5, f"slowest call {slowest * 1000:.1f} ms: it waited for the speech"


def test_speaking_lasts_while_the_text_is_read_and_ends_by_itself(speech):
    speech.say("Bonjour.", "fr")
    assert speech.speaking
    assert speech.wait_for(lambda s: s.first_audio_at is not None, READY)
    assert speech.wait_for(lambda s: not s.speaking, READY)


def test_stop_cuts_a_long_text_by_ending_the_speaking_worker(speech):
    # How fast (goal < 100 ms) is measured by bench/bench_speech.py.
    exited: dict[int, threading.Event] = {}

    def trace(kind: str, info: dict) -> None:
        if kind == "exited":
            exited.setdefault(info["pid"], threading.Event()).set()

    speech._trace = trace
    assert speech.wait_for(lambda s: s._warm(), READY)
    speech.say(LONG, "fr")
    assert speech.wait_for(lambda s: s.first_audio_at is not None, READY)
    worker = speech._current
    assert worker is not None and worker.pid is not None
    event = exited.setdefault(worker.pid, threading.Event())
    assert speech.speaking, "a three-minute text is still being read"

    start = time.perf_counter()
    speech.stop()
    assert not speech.speaking
    assert event.wait(5), "the speaking worker was still alive after stop()"
    assert time.perf_counter() - start < 5
    assert not _alive(worker.pid)


def test_a_new_say_cuts_the_previous_one_and_speaks_the_new_text(speech):
    speech.say(LONG, "fr")
    assert speech.wait_for(lambda s: s.first_audio_at is not None, READY)
    first = speech._current
    speech.say("Étape suivante.", "fr")
    assert first is not None and first.killed
    assert speech.wait_for(lambda s: s.first_audio_at is not None, READY)
    assert speech.wait_for(lambda s: not s.speaking, READY)


def test_a_say_right_after_start_up_is_spoken_once_the_worker_is_up():
    s = Speech(rate="slow")
    try:
        s.say("Bonjour.", "fr")
        assert s.speaking
        assert s.wait_for(lambda s: s.first_audio_at is not None, READY)
        assert s.wait_for(lambda s: not s.speaking, READY)
    finally:
        s.close()


def test_rapid_says_while_the_worker_starts_replace_each_other_without_killing_it():
    killed: list[dict] = []
    s = Speech()
    s._trace = lambda kind, info: killed.append(info) if kind == "killed" else None
    try:
        for word in ("Un.", "Deux.", "Trois."):
            s.say(word, "fr")
        assert s.wait_for(lambda s: s.first_audio_at is not None, READY)
        assert s.wait_for(lambda s: not s.speaking, READY)
        assert killed == []
    finally:
        s.close()


def test_speaking_writes_nothing_to_disk(monkeypatch, tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    s = Speech()
    try:
        s.say("Votre numéro de sécurité sociale est le 1 85 05 78.", "fr")
        assert s.wait_for(lambda s: s.first_audio_at is not None, READY)
        assert s.wait_for(lambda s: not s.speaking, READY)
    finally:
        s.close()
    assert list(scratch.iterdir()) == []


def test_close_leaves_no_child_process_alive():
    before = _descendants(os.getpid())
    s = Speech()
    s.say(LONG, "fr")
    assert s.wait_for(lambda s: s.first_audio_at is not None, READY)
    assert s.wait_for(lambda s: s._warm(), READY), "a standby worker is started"
    started = _descendants(os.getpid()) - before
    assert len(started) >= 2
    s.close()
    s.close()  # idempotent
    assert [pid for pid in started if _alive(pid)] == []
    s.say("Rien.", "fr")  # after close: ignored, no error, no process
    s.stop()
    assert not s.speaking
    assert _descendants(os.getpid()) - before == set()


# -- no engine, no audio: silent, never crashing, a French notice for staff ------------------------


def test_without_an_engine_speech_stays_usable_and_says_why_in_french(monkeypatch):
    monkeypatch.setenv("PASAPAS_SPEECH_DRIVER", "no_such_driver")
    statuses: list[str] = []
    s = Speech(on_status=statuses.append)
    try:
        assert s.wait_for(lambda s: s.status != "", READY)
        assert not s.available
        assert s.status.startswith("Voix indisponible : le moteur de synthèse vocale")
        assert statuses == [s.status]
        s.say("Bonjour.", "fr")
        assert not s.speaking
        s.stop()
        s.set_rate("slow")
    finally:
        s.close()


def test_without_an_engine_writing_a_wav_fails_with_a_french_message(monkeypatch, tmp_path):
    monkeypatch.setenv("PASAPAS_SPEECH_DRIVER", "no_such_driver")
    with pytest.raises(PasapasError, match=r"^Voix indisponible : le moteur"):
        synthesize_to_file("Bonjour.", "fr", "normal", tmp_path / "x.wav")
    assert not (tmp_path / "x.wav").exists()


def test_without_an_audio_output_speech_is_silent_but_still_paced(monkeypatch):
    monkeypatch.setenv("PASAPAS_SPEECH_PLAYER", "/no/such/player")
    statuses: list[str] = []
    s = Speech(on_status=statuses.append)
    try:
        assert s.wait_for(lambda s: s.status != "", READY)
        assert not s.available
        assert "lecteur audio" in s.status
        assert statuses == [s.status]
        start = time.monotonic()
        s.say("Bonjour, voici la première étape.", "fr")
        assert s.wait_for(lambda s: not s.speaking, READY)
        # Paced like real speech: about two seconds, not the few milliseconds of synthesis.
        assert time.monotonic() - start > 0.5
    finally:
        s.close()


def test_an_unknown_rate_is_refused():
    assert set(RATES) == {"slow", "normal"}
    with pytest.raises(ValueError, match="rate"):
        Speech(rate="fast")


# -- with an audio output (a stand-in player): samples streamed to it, and killed with the worker --


def test_with_an_audio_output_the_samples_are_streamed_to_the_player(tmp_path, monkeypatch):
    log = _player(tmp_path, monkeypatch, PACED_PLAYER)
    statuses: list[str] = []
    s = Speech(on_status=statuses.append)
    try:
        assert s.wait_for(lambda s: s._known, READY)
        assert s.available
        assert s.status == ""
        assert statuses == []
        start = time.monotonic()
        s.say("Bonjour, voici la première étape.", "fr")
        assert s.wait_for(lambda s: not s.speaking, READY)
        heard = time.monotonic() - start
    finally:
        s.close()
    ends = [line.split() for line in log.read_text().splitlines() if line.startswith("end")]
    received = int(ends[-1][2])  # the last player is the one that read the sentence
    seconds = received / 44100
    assert 0.3 * _expected_seconds("Bonjour, voici la première étape.", 175) < seconds < 10
    assert heard >= 0.9 * seconds, "speaking lasts until the player has read everything"


def test_stop_kills_the_audio_player_with_the_worker(tmp_path, monkeypatch):
    _player(tmp_path, monkeypatch, PACED_PLAYER)
    s = Speech()
    try:
        assert s.wait_for(lambda s: s.available, READY)
        s.say(LONG, "fr")
        assert s.wait_for(lambda s: s.first_audio_at is not None, READY)
        worker = s._current
        assert worker is not None and worker.pid is not None
        # The worker starts a player per sentence: wait (bounded) until one is reading.
        players: set[int] = set()
        tick = threading.Event()
        deadline = time.monotonic() + READY
        while not players and time.monotonic() < deadline:
            players = _descendants(worker.pid)
            tick.wait(0.005)
        assert len(players) == 1, "one player is reading the long text"
        s.stop()
        assert _dies_within(players.pop(), 5), "the player was still playing after stop()"
    finally:
        s.close()


def test_pasapas_say_speaks_and_waits_when_there_is_an_audio_output(tmp_path, monkeypatch):
    log = _player(tmp_path, monkeypatch, PACED_PLAYER)
    assert main(["say", "--lang", "ar", "--rate", "slow", "مرحبا"]) == 0
    assert any(line.startswith("end") for line in log.read_text().splitlines())


def test_a_failing_audio_device_is_reported_and_speech_goes_on_silently(tmp_path, monkeypatch):
    _player(tmp_path, monkeypatch, BROKEN_PLAYER)
    statuses: list[str] = []
    s = Speech(on_status=statuses.append)
    try:
        assert s.wait_for(lambda s: s.status != "", READY)
        assert not s.available
        assert s.status == (
            "Voix indisponible : aucune sortie son (audio open error: Device or resource busy)."
        )
        assert statuses == [s.status]
        s.say("Bonjour.", "fr")
        assert s.speaking
        assert s.wait_for(lambda s: not s.speaking, READY)
    finally:
        s.close()


def test_text_cannot_change_the_speed_with_an_espeak_command(tmp_path):
    # Ctrl-A "80S" would slow espeak down to 80 words a minute if it reached the engine.
    plain, sneaky = tmp_path / "plain.wav", tmp_path / "sneaky.wav"
    synthesize_to_file(" 80S Bonjour à tous. Merci.", "fr", "normal", plain)
    synthesize_to_file("\x0180S Bonjour à tous. Merci.", "fr", "normal", sneaky)
    plain_seconds, sneaky_seconds = _wav_facts(plain)[0], _wav_facts(sneaky)[0]
    assert abs(sneaky_seconds - plain_seconds) < 0.1 * plain_seconds, (
        sneaky_seconds,
        plain_seconds,
    )


def test_parts_in_two_languages_are_read_in_turn_as_one_utterance(tmp_path, monkeypatch):
    # A Ukrainian note, then an untranslated French step: each with its own voice, one after the
    # other, all through one player; stopping would cut both.
    parts = [("Ще не перекладено Вашою мовою.", "uk"), ("Ouvrez le site ameli.fr.", "fr")]
    expected_bytes = 0
    for index, (text, language) in enumerate(parts):
        wav = tmp_path / f"part{index}.wav"
        synthesize_to_file(text, language, "normal", wav)
        with wave.open(str(wav)) as recording:
            expected_bytes += recording.getnframes() * 2
    log = _player(tmp_path, monkeypatch, PACED_PLAYER)
    s = Speech()
    try:
        assert s.wait_for(lambda s: s._known, READY)
        s.say_parts(parts)
        assert s.wait_for(lambda s: s.speaking, READY)
        assert s.wait_for(lambda s: not s.speaking, READY)
    finally:
        s.close()
    ends = [line.split() for line in log.read_text().splitlines() if line.startswith("end")]
    received = int(ends[-1][2])
    assert abs(received - expected_bytes) < 0.05 * expected_bytes, (received, expected_bytes)


def test_each_part_is_said_with_its_own_language_voice():
    # At the edge: an engine that records what the worker asks of it (the real one is above).
    from pasapas.accessibility.speech_worker import Worker

    class Voice:
        def __init__(self, voice_id: str, language: str) -> None:
            self.id, self.name, self.languages = voice_id, voice_id, [language]

    class RecordingEngine:
        def __init__(self) -> None:
            self.calls: list[tuple[str, object]] = []

        def getProperty(self, name: str):
            return [Voice("voice-fr", "fr"), Voice("voice-uk", "uk")] if name == "voices" else 0

        def setProperty(self, name: str, value: object) -> None:
            self.calls.append((name, value))

        def say(self, text: str) -> None:
            self.calls.append(("say", text))

        def runAndWait(self) -> None:
            self.calls.append(("run", None))

    engine = RecordingEngine()
    events: list[dict] = []
    worker = Worker(engine, events.append, "no-device", "aplay")
    worker._pipe = None  # the driver plays by itself (as SAPI5 does): what it is told is visible
    worker.say(7, [("Ще не перекладено.", "uk"), ("Ouvrez le site.", "fr")], "normal")
    said = [(name, value) for name, value in engine.calls if name in ("voice", "say")]
    assert said == [
        ("voice", "voice-uk"),
        ("say", "Ще не перекладено."),
        ("voice", "voice-fr"),
        ("say", "Ouvrez le site."),
    ]
    assert events[-1] == {"event": "done", "id": 7}


def test_what_the_engine_says_is_the_normalised_text(tmp_path, monkeypatch):
    # At the engine's door: "✚ ♥ Appelez le 3646." is heard as "Appelez le 36 46." (no "cœur",
    # no "trois mille six cent…"), through the worker and the player.
    log = _player(tmp_path, monkeypatch, FAST_PLAYER)
    s = Speech()
    received = []
    try:
        assert s.wait_for(lambda s: s._known, READY)
        for text in ("✚ ♥ Appelez le 3646.", "Appelez le 36 46.", "Appelez le 3646 ♥"):
            s.say_parts([(text, "fr")])
            assert s.wait_for(lambda s: not s.speaking, READY)
            ends = [line.split() for line in log.read_text().splitlines() if line.startswith("end")]
            received.append(int(ends[-1][2]))
    finally:
        s.close()
    # espeak-ng's output varies by a few hundred samples from one run to the next.
    assert max(received) - min(received) < 0.03 * received[1], received
    raw = tmp_path / "raw.wav"
    synthesize_to_file("Appelez le trois mille six cent quarante-six.", "fr", "normal", raw)
    assert _wav_facts(raw)[0] * 44100 > 1.2 * received[1]


# -- voices: a choice per language, MBROLA when installed -----------------------------------------

ESPEAK_MB = Path("/usr/lib/x86_64-linux-gnu/espeak-ng-data/voices/mb")


def _seconds(tmp_path: Path, name: str, text: str, voice: str | None) -> float:
    wav = tmp_path / f"{name}.wav"
    synthesize_to_file(text, "fr", "normal", wav, voice=voice)
    return _wav_facts(wav)[0]


def test_a_chosen_voice_reads_the_language_instead_of_the_usual_one(tmp_path):
    # Belgian French says "septante, nonante" where French says "soixante-dix, quatre-vingt-dix":
    # the same text is clearly shorter with the chosen voice.
    text = "70, 90, 71, 91, 77, 97."
    usual = _seconds(tmp_path, "usual", text, None)
    chosen = _seconds(tmp_path, "chosen", text, "roa/fr-be")
    assert chosen < 0.85 * usual, (chosen, usual)


def test_a_chosen_voice_that_is_not_installed_changes_nothing(tmp_path):
    # MBROLA is not installed on this machine (nor on CI): choosing "mb/mb-fr4" must not silence
    # the kiosk or change its voice; the usual espeak-ng voice reads.
    assert not any(v.id.startswith("mb/") for v in list_voices()) or shutil.which("mbrola")
    text = "Appelez le 36 46 pour votre carte Vitale."
    usual = _seconds(tmp_path, "usual", text, None)
    missing = _seconds(tmp_path, "missing", text, "mb/mb-fr4")
    assert abs(missing - usual) < 0.05 * usual, (missing, usual)


def test_speech_reports_its_voices_and_uses_the_choice_it_is_given(tmp_path, monkeypatch):
    log = _player(tmp_path, monkeypatch, FAST_PLAYER)
    s = Speech(voices={"fr": "roa/fr-be"})
    received = []
    try:
        assert s.wait_for(lambda s: s._known, READY)
        ids = {v.id for v in s.voices}
        assert {"roa/fr", "roa/fr-be", "sem/ar"} <= ids
        for chosen in ({"fr": "roa/fr-be"}, {}):
            s.set_voices(chosen)
            s.say("70, 90, 71, 91, 77, 97.", "fr")
            assert s.wait_for(lambda s: not s.speaking, READY)
            ends = [line.split() for line in log.read_text().splitlines() if line.startswith("end")]
            received.append(int(ends[-1][2]))
        s.sample("70, 90, 71, 91, 77, 97.", "fr", "roa/fr-be")
        assert s.wait_for(lambda s: not s.speaking, READY)
        ends = [line.split() for line in log.read_text().splitlines() if line.startswith("end")]
        received.append(int(ends[-1][2]))
    finally:
        s.close()
    belgian, french, sample = received
    assert belgian < 0.85 * french, received
    assert abs(sample - belgian) < 0.05 * belgian, received


def test_mbrola_voices_are_found_only_when_program_and_database_are_installed(
    tmp_path, monkeypatch
):
    from pasapas.accessibility.speech_worker import mbrola_voices

    # This machine, as it is.
    if shutil.which("mbrola") is None:
        assert mbrola_voices() == []
    for voice in mbrola_voices():
        assert voice.id.startswith("mb/")
    # A site that installed mbrola and mbrola-fr4 (laid out as Debian does), with the real
    # espeak-ng voice files.
    data = tmp_path / "espeak-ng-data"
    (data / "voices" / "mb").mkdir(parents=True)
    for name in ("mb-fr1", "mb-fr4", "mb-ar2"):
        (data / "voices" / "mb" / name).write_bytes((ESPEAK_MB / name).read_bytes())
    share = tmp_path / "mbrola"
    (share / "fr4").mkdir(parents=True)
    (share / "fr4" / "fr4").write_bytes(b"\0" * 64)
    found = mbrola_voices([str(data)], [str(share)], program="/usr/bin/mbrola")
    assert [(v.id, v.languages[-1]) for v in found] == [("mb/mb-fr4", "fr")]
    # The database alone, without the mbrola program on the PATH, is not a voice.
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert mbrola_voices([str(data)], [str(share)]) == []
    monkeypatch.undo()
    # An Arabic database too.
    (share / "ar2").mkdir()
    (share / "ar2" / "ar2").write_bytes(b"\0" * 64)
    found = mbrola_voices([str(data)], [str(share)], program="/usr/bin/mbrola")
    assert sorted(v.id for v in found) == ["mb/mb-ar2", "mb/mb-fr4"]


def test_a_voice_choice_is_kept_in_the_settings_file(tmp_path):
    from pasapas.app.settings import Paths, Settings, load_settings, save_settings

    paths = Paths.under(tmp_path)
    assert load_settings(paths).voice_choice() == {}
    save_settings(paths, Settings(speech_voices=(("ar", "mb/mb-ar2"), ("fr", "mb/mb-fr4"))))
    assert load_settings(paths).voice_choice() == {"fr": "mb/mb-fr4", "ar": "mb/mb-ar2"}
    save_settings(paths, Settings(speech_voices=(("fr", "../../etc"), ("xx", "roa/fr"))))
    assert load_settings(paths).voice_choice() == {}


def test_pasapas_say_lists_the_voices_and_says_when_mbrola_is_missing(capsys):
    assert main(["say", "--voices", "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    lines = [line.split("\t") for line in out.splitlines() if "\t" in line]
    assert {"roa/fr", "roa/fr-be"} <= {line[0] for line in lines}
    assert all(line[3] in ("espeak-ng", "MBROLA") for line in lines)
    assert not any(line[0] == "sem/ar" for line in lines)
    if not any(line[3] == "MBROLA" for line in lines):
        assert "Aucune voix MBROLA installée (voir installer/README.md)." in out


def test_pasapas_say_with_a_chosen_voice_writes_that_voice(tmp_path, capsys):
    usual, belgian = tmp_path / "usual.wav", tmp_path / "belgian.wav"
    numbers = "70, 90, 71, 91, 77, 97."
    assert main(["say", "--to", str(usual), numbers]) == 0
    assert main(["say", "--voice", "roa/fr-be", "--to", str(belgian), numbers]) == 0
    assert _wav_facts(belgian)[0] < 0.85 * _wav_facts(usual)[0]


def test_a_part_at_another_sample_rate_gets_a_player_of_its_own(tmp_path, monkeypatch):
    # MBROLA voices make 16 kHz samples, espeak-ng's 22,050 Hz: an Arabic part (espeak-ng) then a
    # French one (MBROLA) in one utterance must not be played at the first part's rate.
    from pasapas.accessibility.speech_worker import Format, PlayerOutput

    script = tmp_path / "fake-aplay"
    script.write_text(
        f"#!{sys.executable}\n"
        "import os, sys\n"
        "data = sys.stdin.buffer.read()\n"
        "with open(os.environ['FAKE_PLAYER_LOG'], 'a') as log:\n"
        "    log.write(' '.join(sys.argv[1:]) + f' {len(data)}\\n')\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    log = tmp_path / "player.log"
    monkeypatch.setenv("FAKE_PLAYER_LOG", str(log))
    events: list[dict] = []
    output = PlayerOutput(events.append, 7, str(script))
    output.write(Format(22050, 1, 2), bytes(4410))
    output.write(Format(22050, 1, 2), bytes(4410))
    output.write(Format(16000, 1, 2), bytes(3200))
    output.finish()
    runs = [line.split() for line in log.read_text().splitlines()]
    assert [(run[run.index("-r") + 1], run[-1]) for run in runs] == [
        ("22050", "8820"),
        ("16000", "3200"),
    ]
    assert [e["event"] for e in events] == ["audio", "output", "output"]


def test_the_worker_hears_the_rate_the_engine_announces_for_its_voice(tmp_path):
    # What an MBROLA voice relies on (its samples are 16 kHz, pyttsx3 labels every WAV 22,050 Hz):
    # libespeak-ng announces the voice's rate to the synthesis callback the worker wraps. Here,
    # with the real engine and an espeak-ng voice, the announced rate is the real one.
    import pyttsx3

    from pasapas.accessibility import speech_worker

    engine = pyttsx3.init()
    idle = speech_worker._tame_espeak_driver(engine)
    assert idle is not None
    speech_worker._announced_rate[0] = 0
    idle.clear()
    engine.save_to_file("Bonjour.", str(tmp_path / "x.wav"))
    engine.runAndWait()
    assert idle.wait(READY), "the engine did not finish the sentence"
    assert speech_worker._engine_sample_rate()() == 22050
