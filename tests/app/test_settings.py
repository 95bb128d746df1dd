"""Folders and settings: PASAPAS_HOME holds everything; bad settings fall back to the defaults."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from pasapas.app.settings import Paths, Settings, load_settings, save_settings


def test_pasapas_home_holds_data_config_logs_and_backups(pasapas_home: Path):
    paths = Paths.default()
    assert paths == Paths.under(pasapas_home)
    assert paths.data_dir == pasapas_home / "data"
    assert paths.config_dir == pasapas_home / "config"
    assert paths.log_dir == pasapas_home / "logs"
    assert paths.backup_dir == pasapas_home / "backups"
    assert paths.store == pasapas_home / "data" / "pasapas.db"
    assert paths.settings_file == pasapas_home / "config" / "settings.json"


def test_folders_are_created_readable_by_the_kiosk_account_only(pasapas_home: Path):
    paths = Paths.default().ensure()
    for folder in (paths.data_dir, paths.config_dir, paths.log_dir, paths.backup_dir):
        assert folder.is_dir()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_missing_settings_file_gives_the_defaults(paths: Paths):
    assert not paths.settings_file.exists()
    assert load_settings(paths) == Settings()
    assert Settings().language == "fr"


@pytest.mark.parametrize(
    "content",
    [
        "ceci n'est pas du JSON",
        "",
        "[1, 2, 3]",
        '"fr"',
        "null",
        b"\xff\xfe\x00garbage",
    ],
    ids=["not-json", "empty", "a-list", "a-string", "null", "not-utf8"],
)
def test_malformed_settings_file_falls_back_to_the_defaults(paths: Paths, content):
    if isinstance(content, bytes):
        paths.settings_file.write_bytes(content)
    else:
        paths.settings_file.write_text(content, encoding="utf-8")
    assert load_settings(paths) == Settings()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"inactivity_seconds": 5}, Settings()),
        ({"inactivity_seconds": 99999}, Settings()),
        ({"inactivity_seconds": "long"}, Settings()),
        ({"inactivity_seconds": 90.5}, Settings()),
        ({"inactivity_warning_seconds": 0}, Settings()),
        ({"language": 12}, Settings()),
        ({"language": ""}, Settings()),
        ({"inactivity_seconds": 5, "language": "ar"}, Settings(language="ar")),
        ({"couleur": "rouge", "inactivity_seconds": 600}, Settings(inactivity_seconds=600)),
    ],
)
def test_out_of_range_or_unknown_values_fall_back_one_by_one(paths: Paths, raw, expected):
    paths.settings_file.write_text(json.dumps(raw), encoding="utf-8")
    assert load_settings(paths) == expected


def test_saved_settings_load_back_the_same(paths: Paths):
    chosen = Settings(language="ar", inactivity_seconds=300, inactivity_warning_seconds=45)
    save_settings(paths, chosen)
    assert load_settings(paths) == chosen
    assert sorted(p.name for p in paths.config_dir.iterdir()) == ["settings.json"]


def test_saving_invalid_settings_writes_the_defaults_instead(paths: Paths):
    save_settings(paths, Settings(inactivity_seconds=1))
    assert load_settings(paths) == Settings()
    assert json.loads(paths.settings_file.read_text(encoding="utf-8"))["inactivity_seconds"] == 180
