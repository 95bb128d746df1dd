"""One take-home sheet PDF (build_sheet + render_pdf), against an empty QTextDocument to PDF.

Baseline, in the same run: writing an empty QTextDocument to a PDF with QPdfWriter. Goal: the
median sheet under 1 s.
Usage: .venv/bin/python bench/bench_sheet.py [--quick]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication, QPdfWriter, QTextDocument

from pasapas.app.content import builtin_files
from pasapas.app.content.validation import load_files
from pasapas.app.settings import Settings
from pasapas.app.sheet import build_sheet
from pasapas.ui.sheet_render import render_pdf

GOAL_SECONDS = 1.0


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841
    runs = 5 if "--quick" in sys.argv else 20
    procedure = next(
        p for p in load_files(builtin_files(), trusted=True)[0] if p.id == "carte-vitale"
    )
    settings = Settings(site_name="Médiathèque Jean Jaurès", opening_hours="Lundi, 9 h – 12 h")
    base, sheet_times = [], []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(runs):
            start = time.perf_counter()
            writer = QPdfWriter(str(Path(folder) / f"empty{i}.pdf"))
            QTextDocument().print_(writer)
            del writer
            base.append(time.perf_counter() - start)
            for language in ("fr", "ar"):
                start = time.perf_counter()
                render_pdf(
                    build_sheet(procedure, language, settings), Path(folder) / f"s{i}{language}.pdf"
                )
                sheet_times.append(time.perf_counter() - start)
    baseline, median = statistics.median(base), statistics.median(sheet_times)
    print("== take-home sheet PDF (carte-vitale, fr and ar) ==")
    print(f"  baseline: empty QTextDocument to PDF   {baseline * 1000:7.1f} ms (median of {runs})")
    print(
        f"  build_sheet + render_pdf               {median * 1000:7.1f} ms "
        f"(median of {len(sheet_times)})"
    )
    print(f"  RATIO sheet/empty: {median / baseline:.2f}")
    verdict = "OK" if median < GOAL_SECONDS else "MISSED"
    print(f"GOAL median sheet < {GOAL_SECONDS:.0f} s: {verdict} ({median * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
