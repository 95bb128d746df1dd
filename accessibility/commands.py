"""`pasapas say`: read a text aloud, or write it to a WAV file, with the kiosk's own voices."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pasapas.app.i18n import _
from pasapas.app.settings import Paths


def cmd_say(args: argparse.Namespace, paths: Paths) -> int:
    # Imported when asked for: the speech engine starts worker processes.
    from pasapas.accessibility.speech import speak_and_wait, synthesize_to_file

    if args.to:
        synthesize_to_file(args.text, args.lang, args.rate, Path(args.to))
        print(_("Fichier son écrit : {path}").format(path=args.to))
    else:
        speak_and_wait(args.text, args.lang, args.rate)
    return 0


def add_commands(sub: Any) -> None:
    say = sub.add_parser("say", help=_("lire un texte à voix haute, ou l'écrire en WAV"))
    say.add_argument("--lang", default="fr", help=_("langue du texte (fr, en, ar, uk…)"))
    say.add_argument("--rate", default="normal", help=_("vitesse : slow (lente) ou normal"))
    say.add_argument("--to", metavar=_("FICHIER.wav"), help=_("écrire le son dans ce fichier"))
    say.add_argument("text", metavar=_("TEXTE"))
    say.set_defaults(func=cmd_say)
