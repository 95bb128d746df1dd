"""Folders and typed settings with defaults.

Every folder comes from platformdirs, unless `PASAPAS_HOME` names one folder that holds them all
(demo mode, tests, a portable install). Settings hold no personal data; they live in
`settings.json` in the config folder and unknown or malformed values fall back to the defaults.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import platformdirs

from pasapas.app.changes import Changes
from pasapas.app.languages import SUPPORTED, valid_offer
from pasapas.app.preferences import Preferences

APP_NAME = "pasapas"
STORE_FILENAME = "pasapas.db"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_dir: Path
    log_dir: Path
    backup_dir: Path

    @property
    def store(self) -> Path:
        return self.data_dir / STORE_FILENAME

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    def ensure(self) -> Paths:
        """Create the folders, readable by the kiosk's account only (0700); a folder an older
        version left open to others is closed again."""
        for folder in (self.data_dir, self.config_dir, self.log_dir, self.backup_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            found = folder.stat()
            if found.st_mode & 0o077 and found.st_uid == os.geteuid():
                with contextlib.suppress(OSError):  # a read-only file system: left as it is
                    folder.chmod(0o700)
        return self

    @classmethod
    def under(cls, home: Path) -> Paths:
        home = Path(home)
        return cls(
            data_dir=home / "data",
            config_dir=home / "config",
            log_dir=home / "logs",
            backup_dir=home / "backups",
        )

    @classmethod
    def default(cls) -> Paths:
        home = os.environ.get("PASAPAS_HOME")
        if home:
            return cls.under(Path(home))
        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            backup_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "backups",
        )


STAFF_REAUTH_MINUTES = 15
STAFF_MODE_MINUTES = (5, 240)  # bounds a site admin may choose within, inclusive
RETENTION_MONTHS = (3, 36)
_COMMUNE = re.compile(r"(?:[0-9]{2}|2A|2B)[0-9]{3}")
_POSTCODE = re.compile(r"[0-9]{5}")


def _int_between(value: object, bounds: tuple[int, int]) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and bounds[0] <= value <= bounds[1]
    )


def _text(value: object, limit: int) -> str:
    """One line of printable text, at most `limit` characters; anything else is dropped."""
    if not isinstance(value, str):
        return ""
    line = " ".join("".join(c for c in value if c.isprintable()).split())
    return line[:limit]


def _commune(value: object) -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    return code if _COMMUNE.fullmatch(code) else ""


def _postcode(value: object) -> str:
    code = value.strip() if isinstance(value, str) else ""
    return code if _POSTCODE.fullmatch(code) else ""


_VOICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+.-]*(?:/[A-Za-z0-9][A-Za-z0-9_+.-]*)*")


def _voice_choice(value: object) -> tuple[tuple[str, str], ...]:
    """Valid (language, voice id) pairs, one per offered language, in the usual language order;
    anything else (a mapping from an older file is accepted) is dropped."""
    if isinstance(value, dict):
        value = tuple(value.items())
    if not isinstance(value, (list, tuple)):
        return ()
    chosen: dict[str, str] = {}
    for pair in value:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            continue
        language, voice = pair
        if (
            language in SUPPORTED
            and isinstance(voice, str)
            and len(voice) <= 64
            and _VOICE_ID.fullmatch(voice)
            and ".." not in voice
        ):
            chosen.setdefault(language, voice)
    return tuple((code, chosen[code]) for code in SUPPORTED if code in chosen)


@dataclass(frozen=True)
class Settings:
    """Kiosk settings a site admin may change. Defaults are what a help point needs on day one."""

    language: str = "fr"  # the kiosk's default language, each visit starts in it
    languages: tuple[str, ...] = SUPPORTED  # the languages visitors may choose
    inactivity_seconds: int = 180
    inactivity_warning_seconds: int = 30
    # What each new visitor starts with (they can change it; it comes back after the visit).
    voice: bool = Preferences.voice
    speech_rate: str = Preferences.rate
    text_size: int = Preferences.text_size
    theme: str = Preferences.theme
    # The help point, as printed on take-home sheets and written into accompaniment reports.
    site_name: str = ""
    site_commune: str = ""  # the commune's INSEE code (5 characters; Corsica's start 2A or 2B)
    site_postcode: str = ""
    opening_hours: str = ""  # as staff want it printed, e.g. "Lundi et jeudi, 9 h – 12 h"
    # Staff mode: back to visitor mode after this many minutes (the PIN is asked again after
    # STAFF_REAUTH_MINUTES idle, whatever this says).
    staff_mode_minutes: int = 30
    # Anonymous visit events and accompaniment reports are kept this many months, then only
    # their monthly aggregates (docs/privacy.md).
    retention_months: int = 12
    # The voice staff chose for a language, as (language, engine voice id) pairs, e.g.
    # (("fr", "mb/mb-fr4"),): a language not listed is read by the engine's usual voice for it.
    speech_voices: tuple[tuple[str, str], ...] = ()

    def validated(self) -> Settings:
        default = Settings()
        inactivity = self.inactivity_seconds
        if not isinstance(inactivity, int) or not 30 <= inactivity <= 3600:
            inactivity = default.inactivity_seconds
        warning = self.inactivity_warning_seconds
        if not isinstance(warning, int) or not 5 <= warning <= 300:
            warning = default.inactivity_warning_seconds
        language, languages = valid_offer(self.language, self.languages)
        prefs = self.visitor_preferences()
        staff_minutes = self.staff_mode_minutes
        if not _int_between(staff_minutes, STAFF_MODE_MINUTES):
            staff_minutes = default.staff_mode_minutes
        retention = self.retention_months
        if not _int_between(retention, RETENTION_MONTHS):
            retention = default.retention_months
        return replace(
            self,
            speech_voices=_voice_choice(self.speech_voices),
            site_name=_text(self.site_name, 80),
            site_commune=_commune(self.site_commune),
            site_postcode=_postcode(self.site_postcode),
            opening_hours=_text(self.opening_hours, 200),
            staff_mode_minutes=staff_minutes,
            retention_months=retention,
            language=language,
            languages=languages,
            inactivity_seconds=inactivity,
            inactivity_warning_seconds=warning,
            voice=prefs.voice,
            speech_rate=prefs.rate,
            text_size=prefs.text_size,
            theme=prefs.theme,
        )

    def voice_choice(self) -> dict[str, str]:
        """{language: voice id} for the languages staff chose a voice for."""
        return dict(self.speech_voices)

    def visitor_preferences(self) -> Preferences:
        """What each new visitor starts with."""
        return Preferences(
            voice=self.voice, rate=self.speech_rate, text_size=self.text_size, theme=self.theme
        ).validated()


def load_settings(paths: Paths) -> Settings:
    try:
        raw = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in raw.items() if k in known}).validated()


def save_settings(paths: Paths, settings: Settings) -> Changes:
    paths.ensure()
    tmp = paths.settings_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings.validated()), indent=2), encoding="utf-8")
    os.replace(tmp, paths.settings_file)
    return Changes(settings=True)
