"""`pasapas training list|report|attestation` on a real store: the workshops listed, the report
and an Arabic attestation written as PDFs and read back with pdftotext; a wrong workshop, a
wrong person and an unwritable folder each say one sentence and write nothing."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import unicodedata

import pytest

from pasapas.app.services import create_store
from pasapas.app.training.workshops import WorkshopDraft, Workshops
from pasapas.cli import main
from tests.app.helpers import PASSPHRASE


def text_of(pdf) -> str:
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    plain = unicodedata.normalize("NFKC", raw)
    plain = "".join(c for c in plain if unicodedata.category(c) not in ("Mn", "Cf"))
    return re.sub(r"\s+", " ", plain)


@pytest.fixture
def held(paths, monkeypatch):
    """A store with one closed workshop: Awa (Arabic) and Bogdan present, Chafia absent."""
    store, _report = create_store(paths, PASSPHRASE)
    try:
        workshops = Workshops(store)
        workshop = workshops.create(
            WorkshopDraft(
                dt.date(2026, 12, 3),
                "Salle Jean-Macé",
                ("atelier-compte-ameli",),
                participants=("Awa", "Bogdan", "Chafia"),
            ),
            actor="",
        )
        awa, bogdan, _chafia = workshops.participants(workshop.id)
        workshops.set_language(awa.id, "ar", actor="")
        for person in (awa, bogdan):
            workshops.set_present(person.id, True, actor="")
        workshops.close(workshop.id, actor="")
    finally:
        store.close()
    monkeypatch.setenv("PASAPAS_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PASAPAS_LANGUAGE", "fr")
    return workshop.id


def test_training_list_shows_each_workshop_with_its_short_number(held, capsys):
    assert main(["training", "list"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(held[:8]) and "Créer son compte ameli" in line
    assert "2 présentes sur 3" in line


def test_training_report_and_attestations_are_pdfs_in_their_languages(held, tmp_path, capsys):
    report = tmp_path / "rapport.pdf"
    assert main(["training", "report", held[:8], str(report)]) == 0
    text = text_of(report)
    assert "Compte-rendu d'atelier" in text and "Salle Jean-Macé" in text
    assert "Awa" in text and "Chafia" in text and "absent" in text
    awa = tmp_path / "awa.pdf"
    assert main(["training", "attestation", held[:8], "awa", str(awa)]) == 0
    assert "شهادة" in text_of(awa) and "Awa" in text_of(awa)
    bogdan = tmp_path / "bogdan.pdf"
    assert main(["training", "attestation", held[:8], "2", str(bogdan)]) == 0
    assert "Bogdan a participé à l'atelier « Créer son compte ameli »" in text_of(bogdan)
    capsys.readouterr()


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (["training", "report", "zzzz", "{out}"], "Aucun atelier"),
        (["training", "attestation", "{id}", "Zoé", "{out}"], "Personne ne s'appelle"),
        (["training", "attestation", "{id}", "Chafia", "{out}"], "pas d'attestation"),
        (["training", "report", "{id}", "/nonexistent/folder/x.pdf"], "Impossible d'écrire"),
    ],
)
def test_a_wrong_workshop_person_or_folder_is_one_sentence_and_no_file(
    held, tmp_path, capsys, words, said
):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "x.pdf"
    args = [w.format(id=held[:8], out=out) for w in words]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert list(folder.iterdir()) == []
