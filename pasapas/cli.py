"""The `pasapas` command line's composition root.

Each room contributes its own commands (`add_commands(subparsers)` in `app/commands.py`,
`ui/commands.py`, `accessibility/commands.py`, `sync/commands.py`), and each command names its
handler directly. This module only builds the parser, in the interface language, runs the chosen
handler, and turns every expected failure (`PasapasError`) into its message and a non-zero exit
code, with no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from pasapas.accessibility import commands as accessibility_commands
from pasapas.app import commands as app_commands
from pasapas.app.errors import ContentError, PasapasError
from pasapas.app.i18n import _, set_language
from pasapas.app.languages import SUPPORTED
from pasapas.app.settings import Paths, load_settings
from pasapas.app.terminal import argparse_in_interface_language
from pasapas.sync import commands as sync_commands
from pasapas.ui import commands as ui_commands

ROOMS = (app_commands, ui_commands, accessibility_commands, sync_commands)


def build_parser() -> argparse.ArgumentParser:
    """The whole parser. Build and use it inside `argparse_in_interface_language()`."""
    parser = argparse.ArgumentParser(
        prog="pasapas",
        description=_("Pas à pas : des démarches expliquées une étape à la fois."),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar=_("COMMANDE"))
    for room in ROOMS:
        room.add_commands(sub)
    return parser


def interface_language(paths: Paths) -> str:
    """`PASAPAS_LANGUAGE` when it names a supported language, else the kiosk's own language."""
    asked = os.environ.get("PASAPAS_LANGUAGE", "")
    return asked if asked in SUPPORTED else load_settings(paths).language


def main(argv: Sequence[str] | None = None) -> int:
    paths = Paths.default()
    set_language(interface_language(paths))
    try:
        with argparse_in_interface_language():
            args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already explained by argparse
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return args.func(args, paths)
    except ContentError as exc:
        from pasapas.app.content.catalog import problems_text

        print(exc.message, file=sys.stderr)
        if exc.problems:
            print(problems_text(exc.problems), file=sys.stderr)
        return exc.exit_code
    except PasapasError as exc:
        print(exc.message, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
