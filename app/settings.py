"""Folders and typed settings with defaults.

Every folder comes from platformdirs, unless `PASAPAS_HOME` names one folder that holds them all
(demo mode, tests, a portable install). Settings hold no personal data; they live in
`settings.json` in the config folder and unknown or malformed values fall back to the defaults.
"""

from __future__ import annotations

import json
import os
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
        for folder in (self.data_dir, self.config_dir, self.log_dir, self.backup_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
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
        return replace(
            self,
            language=language,
            languages=languages,
            inactivity_seconds=inactivity,
            inactivity_warning_seconds=warning,
            voice=prefs.voice,
            speech_rate=prefs.rate,
            text_size=prefs.text_size,
            theme=prefs.theme,
        )

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
