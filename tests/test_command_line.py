"""The command line's one root: each room adds its own commands, argparse speaks the interface
language, and every command names its handler directly."""

from __future__ import annotations

import argparse
import ast
import gettext
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pasapas import cli
from pasapas.app.i18n import current_language, set_language
from pasapas.app.languages import SUPPORTED
from pasapas.app.terminal import ARGPARSE_TEXTS, argparse_in_interface_language

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = (
    "usage:",
    "positional arguments",
    "show this help message and exit",
    "the following arguments are required",
    "invalid choice",
    "error:",
)


def _parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, (*path, name))


@pytest.fixture
def language():
    before = current_language()
    yield set_language
    set_language(before)


def _helps(language: str) -> dict[tuple[str, ...], str]:
    set_language(language)
    with argparse_in_interface_language():
        return {path: parser.format_help() for path, parser in _parsers(cli.build_parser())}


@pytest.mark.parametrize("code", SUPPORTED)
def test_every_help_page_is_wholly_in_the_interface_language(language, code):
    helps = _helps(code)
    assert len(helps) > 25  # db, content, kiosk, sync, server… and their actions
    for path, text in helps.items():
        for phrase in ENGLISH:
            if code != "en":
                assert phrase not in text, (path, phrase)
    if code not in ("fr", "en"):
        french = _helps("fr")
        assert helps[()] != french[()]


def test_argparse_is_left_as_it_was_after_the_command_line_ran():
    with argparse_in_interface_language():
        assert argparse._ is not gettext.gettext
    assert argparse._ is gettext.gettext
    assert argparse.ngettext is gettext.ngettext


def test_every_argparse_text_we_translate_is_one_argparse_really_writes():
    source = Path(argparse.__file__).read_text(encoding="utf-8")
    for english in ARGPARSE_TEXTS:
        assert repr(english) in source or f'"{english}"' in source, english


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PASAPAS_")}
    clean["PASAPAS_HOME"] = "/nonexistent/pasapas-home"
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pasapas", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_a_usage_mistake_is_explained_in_french_without_traceback():
    missing = _run("db")
    assert missing.returncode == 2
    assert "pasapas db : erreur : il manque : ACTION" in missing.stderr
    unknown = _run("db", "explode")
    assert unknown.returncode == 2
    assert "choix inconnu : 'explode'" in unknown.stderr
    assert "Traceback" not in missing.stderr + unknown.stderr


def test_pasapas_language_chooses_the_language_of_the_help():
    french = _run("--help")
    arabic = _run("--help", PASAPAS_LANGUAGE="ar")
    assert french.returncode == arabic.returncode == 0
    assert "afficher cette aide" in french.stdout
    assert "afficher cette aide" not in arabic.stdout
    assert any("\u0600" <= ch <= "\u06ff" for ch in arabic.stdout)
    odd = _run("--help", PASAPAS_LANGUAGE="xx")  # not a language we have: the kiosk's own
    assert odd.stdout == french.stdout


def test_each_command_names_a_handler_of_its_own_room():
    set_language("fr")
    with argparse_in_interface_language():
        parser = cli.build_parser()
    rooms = {
        "db": "pasapas.app.commands",
        "content": "pasapas.app.commands",
        "kiosk": "pasapas.ui.commands",
        "a11y-audit": "pasapas.ui.commands",
        "screenshot": "pasapas.ui.commands",
        "say": "pasapas.accessibility.commands",
        "sync": "pasapas.sync.commands",
        "server": "pasapas.sync.commands",
        "staff": "pasapas.app.commands",
        "audit": "pasapas.app.commands",
        "privacy": "pasapas.app.commands",
        "reports": "pasapas.app.commands",
        "stats": "pasapas.app.commands",
        "retention": "pasapas.app.commands",
        "sheet": "pasapas.ui.commands",
        "training": "pasapas.ui.commands",
        "kiosk-setup": "pasapas.app.commands",
    }
    leaves = 0
    for path, sub in _parsers(parser):
        func = sub.get_default("func")
        if func is None:
            continue
        leaves += 1
        assert callable(func), path
        assert func.__module__ == rooms[path[0]], (path, func.__module__)
    assert leaves >= 20


def test_no_command_module_dispatches_by_name():
    modules = [ROOT / "pasapas" / "cli.py", *sorted(ROOT.glob("*/commands.py"))]
    assert len(modules) == 5
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                assert "importlib" not in names, path
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in (
                "getattr",
                "__import__",
            ):
                raise AssertionError(f"{path}:{node.lineno} dispatches by name")


@pytest.mark.parametrize("args", [["--help"], ["server", "--help"], ["db", "--help"]])
def test_the_parser_loads_neither_qt_nor_the_network_nor_the_kiosk_store(args):
    """Building the parser loads no room's heavy parts: `pasapas --help` starts fast, and the
    central service's process (`pasapas server …`) never loads the kiosk's store."""
    probe = (
        "import sys\n"
        "from pasapas.cli import main\n"
        f"code = main({args!r})\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'requests', "
        "'fastapi', 'sqlalchemy', 'sqlcipher3') or m in ('pasapas.app.store', "
        "'pasapas.app.outbox', 'pasapas.app.services', 'pasapas.app.content.catalog')]\n"
        "print(code, sorted(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stderr
