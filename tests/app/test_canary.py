"""No text readable on disk without the key: a canary written everywhere never shows up."""

from __future__ import annotations

import os
from pathlib import Path

from pasapas.app.guide import Outcome
from pasapas.app.services import Kiosk
from pasapas.app.settings import Paths
from tests.app.helpers import PASSPHRASE, builtin_data, procedure_from

CANARY = "CANARI-7f3a9"
PATTERNS = (CANARY.encode("utf-8"), CANARY.encode("utf-16-le"), CANARY.lower().encode("utf-8"))


def _files_holding_canary(folder: Path) -> list[str]:
    hits = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            data = (Path(root) / name).read_bytes()
            if any(pattern in data for pattern in PATTERNS):
                hits.append(str(Path(root, name).relative_to(folder)))
    return hits


def test_canary_in_every_text_table_never_reaches_any_file_in_clear(pasapas_home: Path):
    paths = Paths.default().ensure()
    assert paths.data_dir.is_relative_to(pasapas_home)
    kiosk = Kiosk.create(paths, PASSPHRASE)
    try:
        data = builtin_data("ameli-creer-compte")
        data["id"] = "canari-7f3a9"
        data["title"] = {"fr": f"Titre {CANARY}", "ar": f"عنوان {CANARY}"}
        data["summary"] = {"fr": f"Résumé {CANARY}"}
        data["synonyms"] = {"fr": [CANARY]}
        for step in data["steps"]:
            step["text"] = {"fr": f"Étape {CANARY}"}
        report = kiosk.catalog.import_procedures([procedure_from(data)])
        assert report.added == ("canari-7f3a9",)
        # A visit event must name a procedure by its slug: the canary's lower-case form is one.
        slug = CANARY.lower()
        kiosk.visits.record(Outcome(procedure_id=slug, finished=True, minutes=4, language="fr"))
        with kiosk.store.transaction():
            kiosk.store.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (CANARY, CANARY))
        # The canary really is in the store, and findable by search...
        assert [item.id for item in kiosk.search(CANARY, "fr")] == ["canari-7f3a9"]
        assert kiosk.store.query_one(
            "SELECT count(*) FROM visit_events WHERE procedure_id = ?", (slug,)
        ) == (1,)
        backup = kiosk.store.backup(paths.backup_dir / "sauvegarde.db")
        assert backup.exists()

        # ...but while the store is open (WAL not checkpointed), no file shows it.
        wal = Path(f"{paths.store}-wal")
        assert wal.exists() and wal.stat().st_size > 0
        assert _files_holding_canary(pasapas_home) == []
    finally:
        kiosk.close()

    # Closed: database, WAL, backups, logs, temporary files: still nothing in clear.
    files = [p for p in pasapas_home.rglob("*") if p.is_file()]
    assert paths.store in files and backup in files
    assert _files_holding_canary(pasapas_home) == []
