"""The `pasapas` command line as a site admin runs it: exit codes, French messages, no traceback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pasapas.app.content import builtin_files
from pasapas.app.content.catalog import Catalog
from pasapas.app.errors import NotFoundError, WrongPassphraseError
from pasapas.app.settings import Paths
from pasapas.app.store import Store
from tests.app.helpers import BUILTIN_IDS, PASSPHRASE, builtin_data, write_json

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSPHRASE = "une nouvelle phrase de passe"


def pasapas(home: Path, *args: str, passphrase: str | None = PASSPHRASE, **extra: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASAPAS_")}
    env["PASAPAS_HOME"] = str(home)
    if passphrase is not None:
        env["PASAPAS_PASSPHRASE"] = passphrase
    env.update(extra)
    result = subprocess.run(
        [sys.executable, "-m", "pasapas", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory):
    """A home made by `pasapas db init`, with the result of that command."""
    home = tmp_path_factory.mktemp("cli") / "home"
    return home, pasapas(home, "db", "init")


@pytest.fixture
def home_copy(tmp_path: Path, initialised) -> Path:
    """A private copy of the initialised home, for commands that change it."""
    home = tmp_path / "copie"
    shutil.copytree(initialised[0], home)
    return home


def _store(home: Path) -> Path:
    return Paths.under(home).store


# -- db --------------------------------------------------------------------------------------


def test_db_init_creates_the_store_with_every_builtin_procedure(initialised):
    home, result = initialised
    assert result.returncode == 0, result.stderr
    assert "Base créée" in result.stdout
    assert f"{len(BUILTIN_IDS)} démarches ajoutées" in result.stdout
    assert _store(home).exists()
    assert _store(home).read_bytes()[:16] != b"SQLite format 3\x00"


def test_db_init_twice_fails_and_leaves_the_store_untouched(initialised):
    home, _ = initialised
    before = _store(home).read_bytes()
    result = pasapas(home, "db", "init")
    assert result.returncode != 0
    assert "existe déjà" in result.stderr
    assert _store(home).read_bytes() == before


def test_db_check_says_the_store_is_sound(initialised):
    result = pasapas(initialised[0], "db", "check")
    assert result.returncode == 0, result.stderr
    assert "bon état" in result.stdout


def test_wrong_passphrase_gives_one_clear_french_line_and_changes_nothing(initialised):
    home, _ = initialised
    before = sorted(p.name for p in _store(home).parent.iterdir())
    data = _store(home).read_bytes()
    result = pasapas(home, "db", "check", passphrase="ce n'est pas la bonne phrase")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "mot de passe" in lines[0] and "Rien n'a été modifié" in lines[0]
    assert result.stdout == ""
    assert _store(home).read_bytes() == data
    assert sorted(p.name for p in _store(home).parent.iterdir()) == before


@pytest.mark.parametrize("weak", ["court", "motdepasse123"])
def test_db_init_refuses_a_weak_passphrase_and_creates_nothing(tmp_path: Path, weak: str):
    home = tmp_path / "home"
    result = pasapas(home, "db", "init", passphrase=weak)
    assert result.returncode != 0
    assert "trop faible" in result.stderr
    assert not _store(home).exists()


@pytest.mark.parametrize("command", [("db", "check"), ("db", "init")])
def test_without_terminal_or_passphrase_variable_the_cli_says_what_to_do(
    tmp_path: Path, initialised, command
):
    home = initialised[0] if command != ("db", "init") else tmp_path / "home"
    result = pasapas(home, *command, passphrase=None)
    assert result.returncode != 0
    assert "PASAPAS_PASSPHRASE" in result.stderr
    assert "terminal" in result.stderr


def test_db_rekey_changes_the_passphrase_and_keeps_the_procedures(home_copy: Path):
    result = pasapas(home_copy, "db", "rekey", PASAPAS_NEW_PASSPHRASE=NEW_PASSPHRASE)
    assert result.returncode == 0, result.stderr
    assert "changé" in result.stdout
    with pytest.raises(WrongPassphraseError):
        Store.open(_store(home_copy), PASSPHRASE)
    with Store.open(_store(home_copy), NEW_PASSPHRASE) as store:
        assert Catalog(store).count() == len(BUILTIN_IDS)


def test_db_rekey_refuses_a_weak_new_passphrase_and_keeps_the_old_one(home_copy: Path):
    before = _store(home_copy).read_bytes()
    result = pasapas(home_copy, "db", "rekey", PASAPAS_NEW_PASSPHRASE="court")
    assert result.returncode != 0
    assert "trop faible" in result.stderr
    assert _store(home_copy).read_bytes() == before


def test_db_backup_writes_a_copy_that_opens_and_db_restore_brings_it_back(
    tmp_path: Path, home_copy: Path
):
    backup = tmp_path / "sauvegarde.db"
    result = pasapas(home_copy, "db", "backup", str(backup))
    assert result.returncode == 0, result.stderr
    assert str(backup) in result.stdout
    with Store.open(backup, PASSPHRASE) as copy:
        assert sorted(item.id for item in Catalog(copy).list()) == BUILTIN_IDS
        assert copy.check() == []

    again = pasapas(home_copy, "db", "backup", str(backup))
    assert again.returncode != 0 and "existe déjà" in again.stderr

    restored = pasapas(home_copy, "db", "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "restaurée" in restored.stdout
    assert Path(f"{_store(home_copy)}.before-restore").exists()
    checked = pasapas(home_copy, "db", "check")
    assert checked.returncode == 0 and "bon état" in checked.stdout


# -- content ---------------------------------------------------------------------------------


def test_content_validate_accepts_the_builtin_files(tmp_path: Path):
    result = pasapas(tmp_path, "content", "validate", *map(str, builtin_files()))
    assert result.returncode == 0, result.stderr
    assert f"{len(BUILTIN_IDS)} démarches valides" in result.stdout


def test_content_validate_lists_each_problem_as_file_path_message(tmp_path: Path):
    data = builtin_data("carte-vitale")
    data["themes"] = ["sport"]
    data["sources"][0]["url"] = "http://www.ameli.fr/"
    bad = write_json(tmp_path / "mauvais.json", data)
    result = pasapas(tmp_path, "content", "validate", str(bad), str(builtin_files()[0]))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    problem_lines = [line for line in lines if line.startswith(f"{bad}: ")]
    assert len(problem_lines) == 2, result.stderr
    for line in problem_lines:
        assert re.fullmatch(rf"{re.escape(str(bad))}: \$[.\w\[\]]*: .+", line), line
    assert any(line.startswith(f"{bad}: $.themes[0]: ") for line in problem_lines)
    assert any(line.startswith(f"{bad}: $.sources[0].url: ") for line in problem_lines)
    assert "2 problèmes" in lines[-1]


def test_content_import_of_a_batch_with_one_bad_file_imports_nothing(
    tmp_path: Path, home_copy: Path
):
    good = builtin_data("carte-vitale")
    good["id"] = "nouvelle-demarche"
    good_file = write_json(tmp_path / "nouvelle-demarche.json", good)
    bad = builtin_data("teleconsultation")
    bad["id"] = "demarche-cassee"
    bad["start"] = "nulle-part"
    bad_file = write_json(tmp_path / "demarche-cassee.json", bad)
    result = pasapas(home_copy, "content", "import", str(good_file), str(bad_file))
    assert result.returncode != 0
    assert "rien n'a été importé" in result.stderr
    assert f"{bad_file}: $.start: " in result.stderr
    with Store.open(_store(home_copy), PASSPHRASE) as store:
        catalog = Catalog(store)
        assert catalog.count() == len(BUILTIN_IDS)
        with pytest.raises(NotFoundError):
            catalog.get("nouvelle-demarche")


def test_content_list_prints_the_ten_procedures(initialised):
    result = pasapas(initialised[0], "content", "list")
    assert result.returncode == 0, result.stderr
    ids = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert sorted(ids) == BUILTIN_IDS


def test_content_search_prints_the_best_match_first(initialised):
    result = pasapas(initialised[0], "content", "search", "medecin traitant")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first == "medecin-traitant\tDéclarer votre médecin traitant"


def test_content_search_with_no_match_says_so(initialised):
    result = pasapas(initialised[0], "content", "search", "xqzwv")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Aucune démarche trouvée" in result.stderr
