"""Staff accounts: Argon2id secrets, the soft slow-down, the admin's unlock and reset, the last
admin kept, and the `pasapas staff` and `pasapas audit` commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type

from pasapas.app.audit import AuditLog
from pasapas.app.errors import NotFoundError, PasapasError
from pasapas.app.services import Kiosk, create_store
from pasapas.app.staff import (
    LoginRefused,
    StaffAccounts,
    StaffDisplay,
    WrongSecret,
    role_allows,
    role_label,
    secret_problems,
)
from pasapas.app.store import Store
from pasapas.cli import main
from tests.app.helpers import PASSPHRASE

PIN = "482915"
OTHER_PIN = "730164"


class Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


@pytest.fixture
def store(tmp_path: Path):
    store = Store.create(tmp_path / "staff.db", PASSPHRASE)
    yield store
    store.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def staff(store: Store, clock: Clock) -> StaffAccounts:
    return StaffAccounts(store, now=clock)


def test_a_pin_is_kept_only_as_an_argon2id_hash_above_owasps_floor(staff, store):
    account = staff.create("Awa Diop", "volunteer", PIN)
    assert account.secret_kind == "pin" and account.active and account.failures == 0
    (hashed,) = store.query_one(
        "SELECT secret_hash FROM staff_accounts WHERE id = ?", (account.id,)
    )
    assert hashed.startswith("$argon2id$v=19$")
    params = dict(p.split("=") for p in hashed.split("$")[3].split(","))
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2 and params["p"] == "1"
    assert PIN not in hashed
    assert staff.login(account.id, PIN).last_login_on == dt.date(2026, 12, 2)


def test_weak_secrets_are_refused_and_nothing_is_written(staff):
    for weak in ("12345", "123456", "000000", "987654", "121212", "123123", "mot", "password123"):
        assert secret_problems(weak), weak
        with pytest.raises(PasapasError):
            staff.create("Awa Diop", "volunteer", weak)
    assert staff.count() == 0
    assert secret_problems(PIN) == []
    assert secret_problems("un cheval correct agrafe") == []
    assert "6 chiffres" in secret_problems("4821")[0]


def test_names_and_roles_are_checked(staff):
    staff.create("Fatou Ba", "volunteer", PIN)
    staff.create("Élodie", "volunteer", PIN)
    staff.create("Awa Diop", "volunteer", PIN)
    for name, role in (
        ("  ", "volunteer"),
        ("awa  DIOP", "trainer"),  # the same name, whatever the case and spaces
        ("ÉLODIE", "trainer"),  # accents too
        ("x" * 61, "volunteer"),
        ("Lucie", "boss"),
    ):
        with pytest.raises(PasapasError) as refused:
            staff.create(name, role, PIN)
        assert "\n" not in refused.value.message
    assert [a.display_name for a in staff.accounts()] == ["Awa Diop", "Élodie", "Fatou Ba"]
    assert staff.create("x" * 60, "trainer", PIN).display_name == "x" * 60


def test_wrong_pins_slow_the_account_down_softly_and_never_for_good(staff, clock):
    account = staff.create("Awa Diop", "volunteer", PIN)
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongSecret) as wrong:
            staff.login(account.id, OTHER_PIN)
        assert wrong.value.tries_left == left
    with pytest.raises(LoginRefused) as slowed:  # the fifth wrong PIN: 30 seconds to wait
        staff.login(account.id, OTHER_PIN)
    assert slowed.value.wait_seconds == 30
    assert slowed.value.message == "Trop d'essais. Réessayez dans 30 secondes."
    clock.advance(20)
    with pytest.raises(LoginRefused) as still:  # even the right PIN waits
        staff.login(account.id, PIN)
    assert still.value.wait_seconds == 10
    waits = []
    for _ in range(8):
        clock.advance(staff.get(account.id).locked_until.timestamp() - clock().timestamp())
        with pytest.raises(LoginRefused) as again:
            staff.login(account.id, OTHER_PIN)
        waits.append(again.value.wait_seconds)
    assert waits == [60, 120, 240, 480, 900, 900, 900, 900]  # doubling, at most 15 minutes
    clock.advance(15 * 60)
    assert staff.login(account.id, PIN).failures == 0  # a success clears everything
    with pytest.raises(WrongSecret) as fresh:
        staff.login(account.id, OTHER_PIN)
    assert fresh.value.tries_left == 4


def test_the_reauth_pin_follows_the_same_rules(staff):
    account = staff.create("Awa Diop", "volunteer", PIN)
    with pytest.raises(WrongSecret):
        staff.confirm(account.id, OTHER_PIN)
    assert staff.confirm(account.id, PIN).failures == 0
    actions = [e.action for e in AuditLog(staff.store).entries()]
    assert actions[:2] == ["reauth", "login_failed"]


def test_a_site_admin_unlocks_or_resets_a_slowed_account(staff):
    admin = staff.create("Claire Martin", "site_admin", "un cheval correct agrafe")
    account = staff.create("Awa Diop", "volunteer", PIN)
    for _ in range(5):
        with pytest.raises((WrongSecret, LoginRefused)):
            staff.login(account.id, OTHER_PIN)
    assert staff.get(account.id).locked_until is not None
    assert staff.unlock(account.id, actor=admin.id).locked_until is None
    assert staff.login(account.id, PIN).id == account.id
    for _ in range(5):
        with pytest.raises((WrongSecret, LoginRefused)):
            staff.login(account.id, OTHER_PIN)
    staff.reset_secret(account.id, OTHER_PIN, actor=admin.id)
    with pytest.raises(WrongSecret):
        staff.login(account.id, PIN)  # the old PIN no longer opens it
    assert staff.login(account.id, OTHER_PIN).failures == 0
    with pytest.raises(PasapasError):
        staff.reset_secret(account.id, "111111", actor=admin.id)


def test_the_last_site_admin_cannot_be_demoted_or_deactivated(staff):
    admin = staff.create("Claire Martin", "site_admin", PIN)
    with pytest.raises(PasapasError, match="dernier compte responsable"):
        staff.set_role(admin.id, "volunteer", actor=admin.id)
    with pytest.raises(PasapasError, match="dernier compte responsable"):
        staff.deactivate(admin.id, actor=admin.id)
    assert staff.has_admin()
    second = staff.create("Karim Benali", "trainer", PIN)
    staff.set_role(second.id, "site_admin", actor=admin.id)
    assert staff.set_role(admin.id, "volunteer", actor=second.id).role == "volunteer"
    with pytest.raises(PasapasError):
        staff.deactivate(second.id, actor=second.id)


def test_a_deactivated_account_cannot_log_in_and_its_name_is_free_again(staff):
    staff.create("Claire Martin", "site_admin", PIN)
    account = staff.create("Awa Diop", "volunteer", PIN)
    staff.deactivate(account.id, actor="")
    with pytest.raises(PasapasError, match="plus actif"):
        staff.login(account.id, PIN)
    assert [a.display_name for a in staff.accounts()] == ["Claire Martin"]
    assert len(staff.accounts(include_inactive=True)) == 2
    assert staff.count() == 1
    assert staff.create("Awa Diop", "volunteer", OTHER_PIN).id != account.id
    with pytest.raises(NotFoundError):
        staff.login("no-such-account", PIN)


def test_an_older_hash_is_upgraded_at_the_next_login(staff, store):
    account = staff.create("Awa Diop", "volunteer", PIN)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID).hash(PIN)
    with store.transaction():
        store.execute("UPDATE staff_accounts SET secret_hash = ? WHERE id = ?", (weak, account.id))
    staff.login(account.id, PIN)
    (hashed,) = store.query_one(
        "SELECT secret_hash FROM staff_accounts WHERE id = ?", (account.id,)
    )
    assert hashed != weak and "m=8192" not in hashed
    assert staff.login(account.id, PIN).id == account.id


def test_roles_rank_and_read_in_plain_words():
    assert role_allows("site_admin", "volunteer") and role_allows("trainer", "trainer")
    assert not role_allows("volunteer", "trainer") and not role_allows(None, "volunteer")
    assert role_allows(None, None) and not role_allows("boss", "volunteer")
    assert role_label("site_admin") == "responsable du lieu"
    assert role_label("trainer") == "formateur ou formatrice"


def test_own_display_settings_are_kept_and_checked(staff):
    account = staff.create("Awa Diop", "volunteer", PIN)
    assert account.display == StaffDisplay()
    kept = staff.set_display(account.id, StaffDisplay(text_size=200, theme="dark", language="ar"))
    assert kept.display == StaffDisplay(200, "dark", "ar")
    odd = staff.set_display(account.id, StaffDisplay(text_size=999, theme="pink", language="xx"))
    assert odd.display == StaffDisplay()


def test_every_action_is_audited_by_id_without_a_name(staff, store):
    admin = staff.create("Claire Martin", "site_admin", PIN)
    account = staff.create("Awa Diop", "volunteer", PIN, actor=admin.id)
    staff.login(account.id, PIN)
    with pytest.raises(WrongSecret):
        staff.login(account.id, OTHER_PIN)
    staff.unlock(account.id, actor=admin.id)
    staff.reset_secret(account.id, OTHER_PIN, actor=admin.id)
    staff.rename(account.id, "Awa D.", actor=admin.id)
    staff.deactivate(account.id, actor=admin.id)
    log = AuditLog(store)
    entries = list(reversed(log.entries()))
    assert [e.action for e in entries] == [
        "account_created",
        "account_created",
        "login",
        "login_failed",
        "account_unlocked",
        "secret_reset",
        "account_changed",
        "account_deactivated",
    ]
    assert entries[2].actor == account.id and entries[1].actor == admin.id
    text = repr(store.query("SELECT * FROM audit_log"))
    assert "Awa" not in text and "Claire" not in text and PIN not in text
    assert log.verify().ok


def test_the_kiosk_offers_staff_and_audit_on_every_connection(paths):
    store, _report = create_store(paths, PASSPHRASE)
    store.close()
    kiosk = Kiosk.open(paths, PASSPHRASE)
    try:
        account = kiosk.staff.create("Awa Diop", "site_admin", PIN)
        other = kiosk.reopened()
        try:
            assert other.staff.store is other.store and other.audit.store is other.store
            assert other.staff.login(account.id, PIN).id == account.id
            assert other.audit.verify().ok
        finally:
            other.close()
        assert kiosk.audit.entries(1)[0].action == "login"
    finally:
        kiosk.close()


# -- the command line ----------------------------------------------------------------------------


@pytest.fixture
def cli_home(paths, monkeypatch):
    store, _report = create_store(paths, PASSPHRASE)
    store.close()
    monkeypatch.setenv("PASAPAS_PASSPHRASE", PASSPHRASE)
    return paths


def run(monkeypatch, capsys, *args: str, secret: str | None = None) -> tuple[int, str, str]:
    if secret is None:
        monkeypatch.delenv("PASAPAS_STAFF_SECRET", raising=False)
    else:
        monkeypatch.setenv("PASAPAS_STAFF_SECRET", secret)
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_staff_commands_add_list_reset_and_unlock(cli_home, monkeypatch, capsys):
    code, out, _err = run(
        monkeypatch, capsys, "staff", "add", "--name", "Awa Diop", "--role", "volunteer",
        secret=PIN,
    )  # fmt: skip
    assert code == 0 and "Compte créé : Awa Diop (bénévole)." in out
    code, _out, err = run(
        monkeypatch, capsys, "staff", "add", "--name", "Lucie", "--role", "trainer",
        secret="123456",
    )  # fmt: skip
    assert code == 1 and "trop facile" in err
    with Store.open(cli_home.store, PASSPHRASE) as store:
        staff = StaffAccounts(store)
        awa = staff.find("awa diop")
        for _ in range(5):
            with pytest.raises((WrongSecret, LoginRefused)):
                staff.login(awa.id, OTHER_PIN)
    code, out, _err = run(monkeypatch, capsys, "staff", "list")
    assert code == 0 and out.startswith("Awa Diop\tbénévole\ten attente jusqu'à ")
    code, out, _err = run(monkeypatch, capsys, "staff", "unlock", "Awa Diop")
    assert code == 0 and "Awa Diop peut se connecter à nouveau." in out
    code, out, _err = run(monkeypatch, capsys, "staff", "list")
    assert out.startswith("Awa Diop\tbénévole\tactif\t")
    code, out, _err = run(monkeypatch, capsys, "staff", "reset", "Awa Diop", secret=OTHER_PIN)
    assert code == 0
    code, _out, err = run(monkeypatch, capsys, "staff", "reset", "Personne", secret=OTHER_PIN)
    assert code == 1 and "Aucun compte ne porte le nom « Personne »." in err
    with Store.open(cli_home.store, PASSPHRASE) as store:
        assert StaffAccounts(store).login(awa.id, OTHER_PIN).id == awa.id


def test_staff_add_without_a_terminal_or_secret_says_what_to_do(cli_home, monkeypatch, capsys):
    code, _out, err = run(
        monkeypatch, capsys, "staff", "add", "--name", "Awa Diop", "--role", "volunteer"
    )
    assert code == 1 and "PASAPAS_STAFF_SECRET" in err
    with Store.open(cli_home.store, PASSPHRASE) as store:
        assert StaffAccounts(store).count() == 0


def test_audit_verify_finds_an_edited_entry_and_show_lists_entries(cli_home, monkeypatch, capsys):
    run(
        monkeypatch, capsys, "staff", "add", "--name", "Awa Diop", "--role", "site_admin",
        secret=PIN,
    )  # fmt: skip
    with Store.open(cli_home.store, PASSPHRASE) as store:
        staff = StaffAccounts(store)
        account = staff.find("Awa Diop")
        staff.login(account.id, PIN)
        staff.unlock(account.id, actor=account.id)
    code, out, _err = run(monkeypatch, capsys, "audit", "verify")
    assert (code, out.strip()) == (0, "La chaîne du journal est intacte (3 entrées).")
    code, out, _err = run(monkeypatch, capsys, "audit", "show", "--limit", "2")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].split("\t")[2] == "login" and lines[1].split("\t")[2] == "account_unlocked"
    assert "Awa" not in out
    with Store.open(cli_home.store, PASSPHRASE) as store, store.transaction():
        store.execute("UPDATE audit_log SET action = 'logout' WHERE seq = 2")
    code, _out, err = run(monkeypatch, capsys, "audit", "verify")
    assert code == 1 and "l'entrée n° 2" in err
