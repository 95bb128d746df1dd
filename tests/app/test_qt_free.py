"""The core must import without Qt: a kiosk's CLI, sync worker and tests never load PySide6."""

from __future__ import annotations

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
    print("\\n".join(imported))
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
    imported = set(lines[:-1])
    # Every core module was really imported, not silently skipped.
    expected = {
        "pasapas.app." + str(p.relative_to(ROOT / "app").with_suffix("")).replace("/", ".")
        for p in (ROOT / "app").rglob("*.py")
        if p.name != "__init__.py"
    }
    assert expected <= imported, sorted(expected - imported)
    core = {"pasapas.app.cli", "pasapas.app.store", "pasapas.app.guide"}
    core.add("pasapas.app.content.catalog")
    assert core <= imported
    assert lines[-1] == "QT:", f"Qt modules were loaded: {lines[-1]}"
