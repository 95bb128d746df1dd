"""`pasapas say`: read a text aloud, or write it to a WAV file, with the kiosk's own voices;
`pasapas say --voices`: the voices installed (MBROLA ones included), to choose one."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pasapas.app.i18n import _
from pasapas.app.settings import Paths


def cmd_say(args: argparse.Namespace, paths: Paths) -> int:
    # Imported when asked for: the speech engine starts worker processes.
    from pasapas.accessibility.speech import speak_and_wait, synthesize_to_file

    if args.voices:
        return _list_voices(args.lang if args.lang_given else "")
    if args.to:
        synthesize_to_file(args.text, args.lang, args.rate, Path(args.to), voice=args.voice)
        print(_("Fichier son écrit : {path}").format(path=args.to))
    else:
        speak_and_wait(args.text, args.lang, args.rate, voice=args.voice)
    return 0


def _list_voices(language: str) -> int:
    from pasapas.accessibility.speech import list_voices
    from pasapas.accessibility.speech_worker import is_mbrola

    voices = list_voices()
    for voice in voices:
        if language and not any(
            lang.lower().replace("_", "-").split("-")[0] == language for lang in voice.languages
        ):
            continue
        kind = "MBROLA" if is_mbrola(voice.id) else "espeak-ng"
        print(f"{voice.id}\t{voice.name}\t{','.join(voice.languages)}\t{kind}")
    if not any(is_mbrola(voice.id) for voice in voices):
        print(_("Aucune voix MBROLA installée (voir installer/README.md)."))
    return 0


class _LanguageGiven(argparse.Action):
    def __call__(self, parser: Any, namespace: Any, values: Any, option: Any = None) -> None:
        namespace.lang = values
        namespace.lang_given = True


def add_commands(sub: Any) -> None:
    say = sub.add_parser("say", help=_("lire un texte à voix haute, ou l'écrire en WAV"))
    say.set_defaults(lang_given=False)
    say.add_argument(
        "--lang", default="fr", action=_LanguageGiven, help=_("langue du texte (fr, en, ar, uk…)")
    )
    say.add_argument("--rate", default="normal", help=_("vitesse : slow (lente) ou normal"))
    say.add_argument("--to", metavar=_("FICHIER.wav"), help=_("écrire le son dans ce fichier"))
    say.add_argument(
        "--voice", help=_("voix à utiliser à la place de la voix habituelle (voir --voices)")
    )
    say.add_argument(
        "--voices",
        action="store_true",
        help=_("lister les voix installées, MBROLA comprises (avec --lang : celles de la langue)"),
    )
    say.add_argument("text", metavar=_("TEXTE"), nargs="?", default="")
    say.set_defaults(func=cmd_say)
