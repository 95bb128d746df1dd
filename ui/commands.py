"""The kiosk's commands: `pasapas kiosk`, `pasapas a11y-audit`, `pasapas screenshot`,
`pasapas sheet` and `pasapas training list|report|attestation` (the papers are laid out by Qt).

Qt is imported by each handler, when it runs: `pasapas --help` or `pasapas db check` never load it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _, ngettext
from pasapas.app.settings import Paths


def cmd_kiosk(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.ui.main import run_kiosk

    return run_kiosk(demo=args.demo, windowed=args.windowed, paths=paths)


def _offscreen() -> None:
    """Audit and screenshots render without a screen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def cmd_a11y_audit(args: argparse.Namespace, paths: Paths) -> int:
    _offscreen()
    from pasapas.ui.audit_driver import run_audit

    result = run_audit(language=args.lang)
    for violation in result.violations:
        print(violation)
    print(
        _("{checks}, {problems}.").format(
            checks=ngettext("{n} vérification", "{n} vérifications", result.checks).format(
                n=result.checks
            ),
            problems=ngettext("{n} problème", "{n} problèmes", len(result.violations)).format(
                n=len(result.violations)
            ),
        )
    )
    return 0 if not result.violations else 1


def window_size(text: str) -> tuple[int, int]:
    """ "1280x800" -> (1280, 800); a size no screen has is refused with a sentence."""
    width, _x, height = text.lower().partition("x")
    valid = width.isdigit() and height.isdigit()
    if not valid or not (320 <= int(width) <= 7680 and 240 <= int(height) <= 7680):
        raise PasapasError(
            _("Taille de fenêtre incorrecte : « {size} » (par exemple : 1280x800).").format(
                size=text
            )
        )
    return int(width), int(height)


def cmd_screenshot(args: argparse.Namespace, paths: Paths) -> int:
    size = window_size(args.size)
    _offscreen()
    from pasapas.ui.audit_driver import screenshot

    out = screenshot(
        Path(args.out),
        screen=args.screen,
        procedure=args.procedure,
        step=args.step,
        theme_id=args.theme,
        scale=args.scale,
        language=args.lang,
        size=size,
    )
    print(_("Image écrite : {path}").format(path=out))
    return 0


def _sheet_procedure(procedure_id: str, paths: Paths):
    """The procedure from the kiosk's store when there is one, else from the built-in ones."""
    if paths.store.exists():
        from pasapas.app.content.catalog import Catalog
        from pasapas.app.terminal import open_store

        with open_store(paths) as store:
            return Catalog(store).get(procedure_id)
    from pasapas.app.content import builtin_files
    from pasapas.app.content.validation import load_files
    from pasapas.app.errors import NotFoundError

    for procedure in load_files(builtin_files(), trusted=True)[0]:
        if procedure.id == procedure_id:
            return procedure
    raise NotFoundError(_("La démarche « {id} » n'existe pas.").format(id=procedure_id))


def cmd_sheet(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.languages import SUPPORTED
    from pasapas.app.settings import load_settings
    from pasapas.app.sheet import build_sheet

    settings = load_settings(paths)
    language = args.lang or settings.language
    if language not in SUPPORTED:
        raise PasapasError(_("Langue inconnue : « {code} ».").format(code=language))
    procedure = _sheet_procedure(args.procedure, paths)
    path = [step.strip() for step in args.path.split(",") if step.strip()] if args.path else None
    sheet = build_sheet(procedure, language, settings, path=path)
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        _offscreen()
    from pasapas.ui.sheet_render import render_pdf

    out = render_pdf(sheet, Path(args.out))
    print(_("Fiche écrite : {path}").format(path=out))
    return 0


def _workshop(workshops: Any, wanted: str) -> Any:
    """The workshop whose id is `wanted` or starts with it (as `training list` shows it)."""
    from pasapas.app.errors import NotFoundError

    found = [w for w in workshops.recent(limit=10_000) if w.id.startswith(wanted.strip())]
    if len(found) != 1 or not wanted.strip():
        raise NotFoundError(
            _(
                "Aucun atelier ne porte le numéro « {id} » : voyez « pasapas training list »."
            ).format(id=wanted)
        )
    return found[0]


def cmd_training_list(args: argparse.Namespace, paths: Paths) -> int:
    from pasapas.app.formatting import long_date
    from pasapas.app.settings import load_settings
    from pasapas.app.terminal import open_store
    from pasapas.app.training.workshops import Workshops, workshop_state_label

    language = load_settings(paths).language
    with open_store(paths) as store:
        workshops = Workshops(store)
        found = [(w, workshops.participants(w.id)) for w in workshops.recent(limit=10_000)]
    if not found:
        print(_("Aucun atelier."), file=sys.stderr)
        return 1
    for workshop, people in found:
        present = sum(p.present for p in people)
        print(
            "\t".join(
                (
                    workshop.id[:8],
                    long_date(workshop.day, language),
                    workshop_state_label(workshop.state),
                    workshop.title,
                    workshop.place,
                    _("{present} présentes sur {registered}").format(
                        present=present, registered=len(people)
                    ),
                )
            )
        )
    return 0


def _workshop_paper(args: argparse.Namespace, paths: Paths, attestation: bool) -> int:
    from pasapas.app.audit import AuditLog
    from pasapas.app.content.catalog import Catalog
    from pasapas.app.errors import NotFoundError
    from pasapas.app.settings import load_settings
    from pasapas.app.staff import StaffAccounts
    from pasapas.app.terminal import open_store
    from pasapas.app.training.papers import attestation_paper, report_paper
    from pasapas.app.training.workshops import Workshops

    settings = load_settings(paths)
    with open_store(paths) as store:
        workshops = Workshops(store)
        workshop = _workshop(workshops, args.session)
        progress = workshops.progress(workshop.id)
        catalog = Catalog(store)
        procedures = {}
        for item in workshop.items:
            try:
                procedures[item] = catalog.get(item)
            except PasapasError:
                continue
        if attestation:
            wanted = args.participant.strip()
            rows = [
                r
                for r in progress.rows
                if wanted.casefold() in (r.participant.name.casefold(), r.participant.id)
                or wanted == str(r.participant.position + 1)
            ]
            if len(rows) != 1:
                raise NotFoundError(
                    _("Personne ne s'appelle « {name} » dans cet atelier.").format(name=wanted)
                )
            trainer = ""
            if workshop.trainer:
                try:
                    trainer = StaffAccounts(store).get(workshop.trainer).display_name
                except PasapasError:
                    trainer = ""
            paper = attestation_paper(
                workshop, rows[0], procedures, site_name=settings.site_name, trainer_name=trainer
            )
        else:
            paper = report_paper(
                progress, procedures, settings.language, site_name=settings.site_name
            )
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            _offscreen()
        from pasapas.ui.workshop_pdf import render_paper

        out = render_paper(paper, Path(args.out))
        AuditLog(store).append("workshop_export", "", {"file": "pdf"})
    print(_("Document écrit : {path}").format(path=out))
    return 0


def cmd_training_report(args: argparse.Namespace, paths: Paths) -> int:
    return _workshop_paper(args, paths, attestation=False)


def cmd_training_attestation(args: argparse.Namespace, paths: Paths) -> int:
    return _workshop_paper(args, paths, attestation=True)


def add_commands(sub: Any) -> None:
    kiosk = sub.add_parser("kiosk", help=_("ouvrir la borne"))
    kiosk.add_argument(
        "--demo", action="store_true", help=_("base jetable avec les démarches intégrées")
    )
    kiosk.add_argument(
        "--windowed", action="store_true", help=_("dans une fenêtre (pour le développement)")
    )
    kiosk.set_defaults(func=cmd_kiosk)

    audit = sub.add_parser(
        "a11y-audit", help=_("vérifier l'accessibilité de chaque écran, thème et taille")
    )
    audit.add_argument("--lang", default="fr", help=_("langue de l'interface"))
    audit.set_defaults(func=cmd_a11y_audit)
    shot = sub.add_parser("screenshot", help=_("enregistrer l'image d'un écran (PNG)"))
    shot.add_argument("--screen", default="home", help=_("nom de l'écran"))
    shot.add_argument("--procedure", help=_("identifiant de la démarche"))
    shot.add_argument("--step", help=_("identifiant de l'étape"))
    shot.add_argument("--theme", default="standard", help=_("thème de couleurs"))
    shot.add_argument("--scale", type=int, default=100, help=_("taille du texte en %%"))
    shot.add_argument("--lang", default="fr", help=_("langue de l'interface"))
    shot.add_argument(
        "--size",
        default="1280x800",
        help=_("taille de la fenêtre en pixels (par exemple 1280x1600)"),
    )
    shot.add_argument("out", metavar=_("IMAGE.png"))
    shot.set_defaults(func=cmd_screenshot)
    sheet = sub.add_parser("sheet", help=_("écrire la fiche à emporter d'une démarche (PDF)"))
    sheet.add_argument("--procedure", required=True, help=_("identifiant de la démarche"))
    sheet.add_argument("--lang", help=_("langue de la fiche"))
    sheet.add_argument("--path", help=_("les étapes suivies, séparées par des virgules"))
    sheet.add_argument("out", metavar=_("FICHE.pdf"))
    sheet.set_defaults(func=cmd_sheet)

    training = sub.add_parser("training", help=_("les ateliers : liste, compte-rendu, attestation"))
    training_sub = training.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    listing = training_sub.add_parser("list", help=_("lister les ateliers"))
    listing.set_defaults(func=cmd_training_list)
    report = training_sub.add_parser("report", help=_("écrire le compte-rendu d'un atelier (PDF)"))
    report.add_argument("session", metavar=_("ATELIER"), help=_("le numéro de l'atelier"))
    report.add_argument("out", metavar=_("COMPTE-RENDU.pdf"))
    report.set_defaults(func=cmd_training_report)
    paper = training_sub.add_parser(
        "attestation", help=_("écrire l'attestation de participation d'une personne (PDF)")
    )
    paper.add_argument("session", metavar=_("ATELIER"), help=_("le numéro de l'atelier"))
    paper.add_argument(
        "participant",
        metavar=_("PERSONNE"),
        help=_("son prénom ou pseudonyme, ou son numéro dans la liste"),
    )
    paper.add_argument("out", metavar=_("ATTESTATION.pdf"))
    paper.set_defaults(func=cmd_training_attestation)
