"""Build hook: the interface catalogs are compiled into the package (`pasapas/app/locales/<lang>/
LC_MESSAGES/pasapas.mo`) when a wheel or an install is built, so an installed kiosk speaks every
language without the source tree. Everything else about the build is in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted((ROOT / "locales").glob("*/LC_MESSAGES/pasapas.po")):
            language = po.parent.parent.name
            mo = Path(self.build_lib, "pasapas", "app", "locales", language, "LC_MESSAGES")
            mo = mo / "pasapas.mo"
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildWithCatalogs})
