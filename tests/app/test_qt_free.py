"""The core must import without Qt: a kiosk's CLI, sync worker and tests never load PySide6."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = textwrap.dedent(
    """
    import importlib, importlib.abc, pkgutil, sys

    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6"):
                raise ImportError("Qt is blocked: " + name)
            return None

    sys.meta_path.insert(0, BlockQt())
    import pasapas.app
    app = pasapas.app

    def fail(name):
        raise SystemExit("cannot import " + name)

    imported = ["pasapas.app"]
    for info in pkgutil.walk_packages(app.__path__, "pasapas.app.", onerror=fail):
        importlib.import_module(info.name)
        imported.append(info.name)
    loaded_qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
    rooms = ("pasapas.ui", "pasapas.accessibility", "pasapas.sync")
    loaded_rooms = sorted(m for m in sys.modules if m.startswith(rooms))
    print("\\n".join(imported))
    print("ROOMS:" + ",".join(loaded_rooms))
    print("QT:" + ",".join(loaded_qt))
    """
)


def test_every_core_module_imports_with_qt_blocked():
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    imported = set(lines[:-2])
    # Every core module was really imported, not silently skipped.
    expected = {
        "pasapas.app." + str(p.relative_to(ROOT / "app").with_suffix("")).replace("/", ".")
        for p in (ROOT / "app").rglob("*.py")
        if p.name != "__init__.py"
    }
    assert expected <= imported, sorted(expected - imported)
    core = {"pasapas.app.store", "pasapas.app.guide", "pasapas.app.content.catalog"}
    assert core <= imported
    assert lines[-1] == "QT:", f"Qt modules were loaded: {lines[-1]}"
    assert lines[-2] == "ROOMS:", f"the core loaded rooms above it: {lines[-2]}"


_ABOVE_THE_CORE = (
    "ui",
    "accessibility",
    "sync",
    "pasapas.ui",
    "pasapas.accessibility",
    "pasapas.sync",
    "PySide6",
    "shiboken6",
)


def _names_reached(tree: ast.AST, package: str = "pasapas.app") -> list[tuple[int, str]]:
    """Every module a file names: its imports (relative ones resolved against `package`, the
    file's own package), and the strings given to importlib or __import__ (an import by name
    is still an import)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1]
            target = ".".join([*base, node.module] if node.module else base)
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__") and node.args:
                first = node.args[0]
                text = first.value if isinstance(first, ast.Constant) else "<computed>"
                found.append((node.lineno, str(text)))
    return found


def test_no_core_module_reaches_a_room_above_it_even_by_name():
    offences = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = ".".join(("pasapas", *path.parent.relative_to(ROOT).parts))
        for line, name in _names_reached(tree, package):
            # A computed name (a package importing its own submodules) is caught at run time
            # by the probe above, which imports every core module and looks at what loaded.
            if name.startswith(_ABOVE_THE_CORE):
                offences.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert offences == []


def test_the_room_check_sees_an_import_by_name():
    sneaky = ast.parse("import importlib\nimportlib.import_module('pasapas.ui.main')\n")
    assert (2, "pasapas.ui.main") in _names_reached(sneaky)
    computed = ast.parse("__import__(name)\n")
    assert (1, "<computed>") in _names_reached(computed)
    relative = ast.parse("def later():\n    from ..ui import window\n")
    assert (2, "pasapas.ui.window") in _names_reached(relative, "pasapas.app")
    deeper = ast.parse("from ...sync.client import SyncEngine\n")
    assert (1, "pasapas.sync.client.SyncEngine") in _names_reached(deeper, "pasapas.app.content")
