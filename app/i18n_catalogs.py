"""Keeping the interface catalogs whole: checks and the French catalog, for `make` and the tests.

`python -m pasapas.app.i18n_catalogs check` lists, per catalog, every entry that is untranslated,
fuzzy, missing a plural form, or whose {placeholders} differ from the French source; exit 0 only
when there is none. `python -m pasapas.app.i18n_catalogs fill-source` writes the French
catalog: French is the source language, so each translation is its own message id (the catalog is
there for French plural rules: "0 démarche", not "0 démarches").
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pasapas.app.i18n import DOMAIN, SOURCE_LOCALE_DIR
from pasapas.app.languages import SOURCE_LANGUAGE, SUPPORTED

_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}(?!\})")


def catalog_path(language: str) -> Path:
    return SOURCE_LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def placeholders(text: str) -> set[str]:
    """The names of the {placeholders} of a brace-format string ({{ and }} are literal)."""
    return set(_PLACEHOLDER.findall(text))


def _read(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def problems(path: Path) -> list[str]:
    """Every reason `path` is not a complete, faithful catalog (empty when there is none)."""
    catalog = _read(path)
    found: list[str] = []
    forms = catalog.num_plurals
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        where = f"{path.parent.parent.name}: {ids[0]!r}"
        if message.fuzzy:
            found.append(f"{where}: fuzzy")
        if len(ids) > 1 and len(strings) != forms:
            found.append(f"{where}: {len(strings)} plural forms instead of {forms}")
        for index, string in enumerate(strings):
            if not string:
                found.append(f"{where}: not translated (form {index})")
                continue
            source = ids[min(index, len(ids) - 1)] if len(ids) > 1 else ids[0]
            if placeholders(string) != placeholders(source):
                found.append(
                    f"{where}: placeholders {sorted(placeholders(string))} "
                    f"instead of {sorted(placeholders(source))} (form {index})"
                )
            if "%%" in source and "%%" not in string:
                found.append(f"{where}: '%%' lost (form {index})")
    return found


def fill_source(path: Path) -> int:
    """Make the French catalog say its own message ids; returns how many entries changed."""
    from babel.messages.pofile import write_po

    catalog = _read(path)
    catalog.last_translator = "Pas à pas team"
    catalog.language_team = "French"
    changed = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            wanted = (message.id[0],) + (message.id[1],) * (catalog.num_plurals - 1)
        else:
            wanted = message.id
        if message.string != wanted or message.fuzzy:
            message.string = wanted
            message.flags.discard("fuzzy")
            changed += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)
    return changed


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "fill-source":
        changed = fill_source(catalog_path(SOURCE_LANGUAGE))
        print(f"{catalog_path(SOURCE_LANGUAGE)}: {changed} entries set")
        return 0
    if command == "check":
        total = []
        for language in SUPPORTED:
            path = catalog_path(language)
            total += problems(path) if path.exists() else [f"{language}: no catalog at {path}"]
        for line in total:
            print(line)
        print(f"{len(SUPPORTED)} catalogs, {len(total)} problems")
        return 1 if total else 0
    print("usage: python -m pasapas.app.i18n_catalogs [check|fill-source]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
