"""An installed kiosk: one name (`pasapas`) on disk, its compiled catalogs inside, and the
commands working from a fresh virtualenv outside the source tree."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from pasapas.app.languages import SUPPORTED

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("app", "ui", "sync", "accessibility")


def _source_copy(into: Path) -> Path:
    """What a build reads, copied: building in the working tree would leave build/ in it."""
    tree = into / "src"
    keep = shutil.ignore_patterns("__pycache__", "*.mo", "*.egg-info")
    for folder in ("pasapas", *ROOMS, "locales"):
        shutil.copytree(ROOT / folder, tree / folder, ignore=keep)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    return tree


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(where),
            str(_source_copy(where)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (built,) = where.glob("pasapas-*.whl")
    return built


def test_every_package_folder_of_the_tree_is_installed_under_pasapas():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {"pasapas"}
    for room in ROOMS:
        for init in (ROOT / room).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT).parts
            found.add(".".join(("pasapas", *parts)))
    assert listed == found


def test_the_wheel_installs_one_top_level_name_and_its_catalogs(wheel: Path, tmp_path: Path):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        tops = {name.split("/")[0] for name in names}
        assert tops == {
            "pasapas",
            f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info",
        }
        top_level = next(n for n in names if n.endswith(".dist-info/top_level.txt"))
        assert archive.read(top_level).decode().split() == ["pasapas"]
        for language in SUPPORTED:
            assert f"pasapas/app/locales/{language}/LC_MESSAGES/pasapas.mo" in names, language
        assert "pasapas/app/content/builtin/carte-vitale.json" in names
        assert "pasapas/accessibility/speech_worker.py" in names
        # The data the voice and the search read: pronunciations and synonyms per language.
        for language in ("fr", "ar"):
            assert f"pasapas/accessibility/pronunciations/{language}.json" in names, language
            assert f"pasapas/app/content/synonyms/{language}.json" in names, language
        assert not any(name.endswith(".po") for name in names)
        archive.extract("pasapas/app/locales/ar/LC_MESSAGES/pasapas.mo", tmp_path)
    with (tmp_path / "pasapas/app/locales/ar/LC_MESSAGES/pasapas.mo").open("rb") as handle:
        arabic = gettext.GNUTranslations(handle)
    assert arabic.gettext("Suivant →") == "التالي ←"


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv outside the tree with the wheel in it. Its dependencies (PySide6,
    SQLCipher…) are this test run's own, seen through a path file, so nothing is downloaded."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # Only the dependencies' folder, as a plain path: its own .pth files (our editable install
    # among them) are not read, so `pasapas` can only come from the wheel.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if "no such option: --python" in result.stderr:  # an older pip: install with the target's
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--no-deps",
                "--no-index",
                "--quiet",
                "--target",
                str(site),
                str(wheel),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    return venv


def _run(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASAPAS_", "PYTHON"))}
    env.update(
        PASAPAS_HOME=str(cwd / "home"),
        PASAPAS_PASSPHRASE="une phrase de passe assez longue",
        QT_QPA_PLATFORM="offscreen",
    )
    result = subprocess.run(
        [str(venv / "bin" / "pasapas"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_the_installed_kiosk_works_from_outside_the_tree(installed: Path, tmp_path: Path):
    where = subprocess.run(
        [installed / "bin" / "python", "-c", "import pasapas.app.store as s; print(s.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed), where
    assert _run(installed, tmp_path, "--help").returncode == 0
    init = _run(installed, tmp_path, "db", "init")
    assert init.returncode == 0, init.stderr
    listing = _run(installed, tmp_path, "content", "list")
    assert listing.returncode == 0, listing.stderr
    assert "carte-vitale" in listing.stdout
    server = _run(installed, tmp_path, "server", "--help")
    assert server.returncode == 0 and "keygen" in server.stdout
    shot = _run(installed, tmp_path, "screenshot", str(tmp_path / "home.png"))
    assert shot.returncode == 0, shot.stderr
    assert (tmp_path / "home.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
