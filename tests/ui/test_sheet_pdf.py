"""Real take-home sheet PDFs, read back with pdftotext and rendered with pdftoppm (fr and ar)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from pasapas.app.content import builtin_files
from pasapas.app.content.validation import load_files
from pasapas.app.settings import Settings
from pasapas.app.sheet import build_sheet
from pasapas.ui.sheet_render import NoPrinterError, print_sheet, printers, qr_code, render_pdf

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = Settings(site_name="Médiathèque Jean Jaurès", opening_hours="Lundi, 9 h – 12 h")
pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def procedure(pid: str):
    return next(p for p in load_files(builtin_files(), trusted=True)[0] if p.id == pid)


def text_of(pdf: Path) -> str:
    raw = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    # pdftotext gives Arabic as presentation forms, with bidi marks and vowel marks apart:
    # back to plain letters to compare words.
    plain = unicodedata.normalize("NFKC", raw.stdout)
    plain = "".join(c for c in plain if unicodedata.category(c) not in ("Mn", "Cf"))
    return re.sub(r"\s+", " ", plain)


def pages(pdf: Path, out: Path) -> list[QImage]:
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(out / "page")], check=True)
    return [QImage(str(f)) for f in sorted(out.glob("page-*.png"))]


FINDER = [
    [r in (0, 6) or c in (0, 6) or (2 <= r <= 4 and 2 <= c <= 4) for c in range(7)]
    for r in range(7)
]


def dark(image: QImage, x: int, y: int) -> bool:
    return image.pixelColor(x, y).lightness() < 128


def find_qr(image: QImage, size: int):
    """The QR code's top-left corner and module size: its finder pattern, a dark:light:dark:
    light:dark run of 1:1:3:1:1 across a row, confirmed down the column."""
    for y in range(0, image.height(), 2):
        runs, x, width = [], 0, image.width()
        while x < width:
            start, colour = x, dark(image, x, y)
            while x < width and dark(image, x, y) == colour:
                x += 1
            runs.append((colour, start, x - start))
        for i in range(len(runs) - 4):
            five = runs[i : i + 5]
            if not five[0][0]:
                continue
            unit = sum(r[2] for r in five) / 7
            ratios = (1, 1, 3, 1, 1)
            if unit < 2 or any(
                abs(r[2] - unit * k) > unit * 0.6 for r, k in zip(five, ratios, strict=True)
            ):
                continue
            left = five[0][1]
            top = y
            while top > 0 and dark(image, left + int(unit / 2), top - 1):
                top -= 1
            finder = [
                [
                    dark(image, int(left + (c + 0.5) * unit), int(top + (r + 0.5) * unit))
                    for c in range(7)
                ]
                for r in range(7)
            ]
            if finder == FINDER:
                return left, top, unit
    return None


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_sheet_pdf_text_and_page(qapp, tmp_path: Path, language: str):
    sheet = build_sheet(procedure("carte-vitale"), language, SETTINGS)
    pdf = render_pdf(sheet, tmp_path / "fiche.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = text_of(pdf)
    if language == "fr":
        for expected in (
            "Remplacer votre carte Vitale",
            "Une carte déclarée perdue est bloquée",
            "Commandez la nouvelle carte",
            "À préparer",
        ):
            assert expected in text
    else:
        # Arabic words come out whole and in reading order.
        for expected in ("استبدال بطاقتك", "اطلب البطاقة الجديدة", "صورة هوية حديثة"):
            assert expected in text, expected
    for common in ("3646", "https://www.ameli.fr/", "Médiathèque Jean Jaurès"):
        assert common in text
    images = pages(pdf, tmp_path)
    first = images[0]
    dark_pixels = sum(
        dark(first, x, y) for x in range(0, first.width(), 8) for y in range(0, first.height(), 8)
    )
    assert dark_pixels > 200  # not a blank page
    expected = [list(row) for row in qr_code(sheet.website).matrix_iter(scale=1, border=0)]
    found = [(image, find_qr(image, len(expected))) for image in images]
    image, place = next((i, f) for i, f in found if f is not None)
    left, top, unit = place
    sampled = [
        [
            dark(image, int(left + (c + 0.5) * unit), int(top + (r + 0.5) * unit))
            for c in range(len(expected))
        ]
        for r in range(len(expected))
    ]
    same = sum(
        a == b
        for ra, rb in zip(sampled, expected, strict=True)
        for a, b in zip(ra, rb, strict=True)
    )
    # The modules drawn are the website's QR code, the right way round (never mirrored).
    assert same / len(expected) ** 2 > 0.97


def test_no_typed_data_in_pdf(qapp, tmp_path: Path):
    from pasapas.app.guide import Walk
    from pasapas.app.visit import Visit

    visit = Visit(default_language="fr")
    visit.search_text = "Fatima Benali 0612345678"
    walk = Walk(procedure("carte-vitale"))
    walk.choose(0)
    pdf = render_pdf(
        build_sheet(walk.procedure, "fr", SETTINGS, path=walk.path), tmp_path / "f.pdf"
    )
    text = text_of(pdf)
    assert "Une carte déclarée perdue" in text
    for typed in ("Fatima", "Benali", "0612345678"):
        assert typed not in text


def test_no_printer_says_so(qapp):
    if printers():
        pytest.skip("a printer is installed here")
    with pytest.raises(NoPrinterError, match="Aucune imprimante"):
        print_sheet(build_sheet(procedure("carte-vitale"), "fr", SETTINGS))


def run_cli(tmp_path: Path, *args: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASAPAS_")}
    env["PASAPAS_HOME"] = str(tmp_path / "home")
    env.pop("DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "pasapas", "sheet", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_writes_the_pdf_and_refuses_mistakes_in_one_sentence(tmp_path: Path):
    out = tmp_path / "fiche.pdf"
    done = run_cli(tmp_path, "--procedure", "teleconsultation", "--lang", "ar", str(out))
    assert done.returncode == 0, done.stderr
    assert "112" in text_of(out)
    for args in (
        ["--procedure", "inconnue", str(out)],
        ["--procedure", "carte-vitale", "--path", "situation,nulle-part", str(out)],
        ["--procedure", "carte-vitale", str(tmp_path / "absent" / "f.pdf")],
    ):
        failed = run_cli(tmp_path, *args)
        assert failed.returncode == 1
        assert "Traceback" not in failed.stderr
        assert len(failed.stderr.strip().splitlines()) == 1
