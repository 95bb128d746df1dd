"""Staff accounts: volunteers, trainers and the site's admins, each with a PIN or a passphrase.

Accounts live in the encrypted store (`staff_accounts`, migration 4 -> 5). A secret is kept only
as an Argon2id hash. Wrong secrets slow an account down softly: the first `FREE_FAILURES` cost
nothing, then each further failure makes the account wait 30 s, doubling up to 15 minutes; an
account is never locked for good, and a success, or a site admin's reset or unlock, clears the
count. Every login, failed login and change is written to the audit log (`app.audit`) with the
account's random id, never its name.

An account's id is random and is the only thing about a staff member that leaves the kiosk (as
the author of a report). Its display name stays on the kiosk, and `app.privacy.erase_subject`
removes it for good.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pasapas.app.audit import AuditLog
from pasapas.app.errors import NotFoundError, PasapasError
from pasapas.app.i18n import _, ngettext
from pasapas.app.languages import SUPPORTED
from pasapas.app.passphrase import passphrase_problems
from pasapas.app.preferences import COLOUR_THEMES, TEXT_SIZES

if TYPE_CHECKING:  # the command line's parser imports this module: no store, no SQLCipher
    from pasapas.app.store import Store

ROLES = ("volunteer", "trainer", "site_admin")  # in rank order: each may do what those before may
ADMIN = "site_admin"
PIN_MIN_DIGITS = 6
MAX_NAME_LENGTH = 60
FREE_FAILURES = 5  # wrong secrets in a row before the slow-down starts
FIRST_WAIT_SECONDS = 30
MAX_WAIT_SECONDS = 15 * 60

# Argon2id, above OWASP's floor (m = 19 MiB, t = 2, p = 1) on both axes: 46 MiB and 3 passes,
# one lane. A PIN has few possible values, so each guess must cost an attacker who holds a copy of
# the (already encrypted) store as much as a kiosk can afford: about 0.1 s and 46 MiB per check on
# a small kiosk PC, which a person waiting at the PIN pad does not notice (the check runs off the
# GUI thread). One lane because the kiosk's second core keeps the window responsive. Hashes made
# with other parameters are upgraded at the next successful login.
_HASHER = PasswordHasher(
    time_cost=3, memory_cost=47104, parallelism=1, hash_len=32, salt_len=16, type=Type.ID
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def role_allows(role: str | None, needed: str | None) -> bool:
    """May someone with `role` open what needs `needed`? (None needed: anyone, even a visitor.)"""
    if needed is None:
        return True
    if role not in ROLES or needed not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


def role_label(role: str) -> str:
    """The role in plain words, in the interface language."""
    labels = {
        "volunteer": _("bénévole"),
        "trainer": _("formateur ou formatrice"),
        "site_admin": _("responsable du lieu"),
    }
    return labels.get(role, role)


@dataclass(frozen=True)
class StaffDisplay:
    """A staff member's own display settings on staff screens (never the visitor's)."""

    text_size: int = 100  # one of app.preferences.TEXT_SIZES
    theme: str = "standard"  # one of app.preferences.COLOUR_THEMES
    language: str = "fr"  # one of app.languages.SUPPORTED

    def validated(self) -> StaffDisplay:
        """The same settings, each unknown value replaced by its default."""
        default = StaffDisplay()
        size_ok = isinstance(self.text_size, int) and not isinstance(self.text_size, bool)
        return StaffDisplay(
            text_size=self.text_size if size_ok and self.text_size in TEXT_SIZES else 100,
            theme=self.theme if self.theme in COLOUR_THEMES else default.theme,
            language=self.language if self.language in SUPPORTED else default.language,
        )

    def to_json(self) -> str:
        return json.dumps(
            {"text_size": self.text_size, "theme": self.theme, "language": self.language},
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> StaffDisplay:
        try:
            data = json.loads(text or "{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        default = cls()
        return cls(
            text_size=data.get("text_size", default.text_size),
            theme=data.get("theme", default.theme),
            language=data.get("language", default.language),
        ).validated()


@dataclass(frozen=True)
class StaffAccount:
    id: str
    display_name: str
    role: str
    secret_kind: str  # "pin" | "passphrase"
    active: bool
    failures: int
    locked_until: dt.datetime | None  # UTC; None when the account may try now
    display: StaffDisplay
    created_on: dt.date
    last_login_on: dt.date | None

    @property
    def role_label(self) -> str:
        return role_label(self.role)


class LoginRefused(PasapasError):
    """Too many wrong secrets: the account must wait `wait_seconds` before the next try."""

    def __init__(self, wait_seconds: int) -> None:
        self.wait_seconds = max(1, int(wait_seconds))
        super().__init__(
            ngettext(
                "Trop d'essais. Réessayez dans {n} seconde.",
                "Trop d'essais. Réessayez dans {n} secondes.",
                self.wait_seconds,
            ).format(n=self.wait_seconds)
        )


class WrongSecret(PasapasError):
    """The secret is wrong; `tries_left` more wrong ones before the slow-down starts."""

    def __init__(self, tries_left: int, kind: str = "pin") -> None:
        self.tries_left = tries_left
        wrong = _("Code incorrect.") if kind == "pin" else _("Mot de passe incorrect.")
        super().__init__(
            wrong
            + " "
            + ngettext(
                "Encore {n} essai avant une attente.",
                "Encore {n} essais avant une attente.",
                tries_left,
            ).format(n=tries_left)
        )


def wait_after(failures: int) -> int:
    """Seconds an account waits after `failures` wrong secrets in a row (0: none)."""
    if failures < FREE_FAILURES:
        return 0
    steps = failures - FREE_FAILURES
    if steps >= 5:  # 30 s * 2**5 is already past the ceiling
        return MAX_WAIT_SECONDS
    return min(FIRST_WAIT_SECONDS * 2**steps, MAX_WAIT_SECONDS)


def secret_kind(secret: str) -> str:
    """The kind of a secret: "pin" for digits only (0-9), "passphrase" for anything else."""
    return "pin" if secret.isascii() and secret.isdigit() else "passphrase"


def _guessable_pin(pin: str) -> bool:
    digits = [int(c) for c in pin]
    steps = {b - a for a, b in itertools.pairwise(digits)}
    if len(set(digits)) == 1 or steps in ({1}, {-1}):  # 000000, 123456, 987654
        return True
    # A short block repeated: 121212, 123123, 1212121…
    return any(pin == (pin[:size] * len(pin))[: len(pin)] for size in (2, 3))


def secret_problems(secret: str) -> list[str]:
    """What makes this PIN or passphrase too weak, translated; empty when it is acceptable."""
    if secret_kind(secret) == "pin":
        if len(secret) < PIN_MIN_DIGITS:
            return [_("Le code doit avoir au moins {n} chiffres.").format(n=PIN_MIN_DIGITS)]
        if _guessable_pin(secret):
            return [_("Ce code est trop facile à deviner : évitez les suites et les répétitions.")]
        return []
    return passphrase_problems(secret)


def _day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


_COLUMNS = (
    "id, display_name, role, secret_kind, active, failures, locked_until, display, "
    "created_on, last_login_on"
)


def _account(row: tuple) -> StaffAccount:
    (account_id, name, role, kind, active, failures, locked, display, created, last) = row
    return StaffAccount(
        id=account_id,
        display_name=name,
        role=role,
        secret_kind=kind,
        active=bool(active),
        failures=int(failures),
        locked_until=dt.datetime.fromisoformat(locked) if locked else None,
        display=StaffDisplay.from_json(display),
        created_on=dt.date.fromisoformat(created),
        last_login_on=_day(last),
    )


def _name_key(name: str) -> str:
    """Alphabetical order as people expect it: "Élodie" between "Eddy" and "Fatou"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _clean_name(display_name: str) -> str:
    name = " ".join(str(display_name).split())
    if not name:
        raise PasapasError(_("Donnez un nom à ce compte."))
    if len(name) > MAX_NAME_LENGTH:
        raise PasapasError(
            _("Ce nom est trop long : {n} caractères au plus.").format(n=MAX_NAME_LENGTH)
        )
    if not all(c.isprintable() for c in name):
        raise PasapasError(_("Ce nom contient des caractères qui ne s'affichent pas."))
    return name


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise PasapasError(
            _("Rôle inconnu : {role}. Choisissez parmi {roles}.").format(
                role=role, roles=", ".join(ROLES)
            )
        )


def _check_secret(secret: str) -> None:
    problems = secret_problems(secret)
    if problems:
        raise PasapasError(" ".join(problems))


class StaffAccounts:
    """The kiosk's staff accounts. Use from the thread that opened the store."""

    def __init__(
        self,
        store: Store,
        *,
        now: Callable[[], dt.datetime] = utc_now,
        audit: AuditLog | None = None,
    ) -> None:
        self.store = store
        self.now = now
        self.audit = audit if audit is not None else AuditLog(store, now=now)

    # -- reading ---------------------------------------------------------------------------

    def accounts(self, *, include_inactive: bool = False) -> list[StaffAccount]:
        """The accounts, by name (active ones only unless asked)."""
        where = "" if include_inactive else " WHERE active = 1"
        rows = self.store.query(
            f"SELECT {_COLUMNS} FROM staff_accounts{where} ORDER BY created_on, id"
        )
        return sorted((_account(row) for row in rows), key=lambda a: _name_key(a.display_name))

    def get(self, account_id: str) -> StaffAccount:
        row = self.store.query_one(
            f"SELECT {_COLUMNS} FROM staff_accounts WHERE id = ?", (account_id,)
        )
        if row is None:
            raise NotFoundError(_("Ce compte n'existe pas (ou plus)."))
        return _account(row)

    def find(self, display_name: str) -> StaffAccount:
        """The account with this name (the active one first; ignoring case), for the command
        line. NotFoundError when there is none, PasapasError when several old ones share it."""
        name = " ".join(str(display_name).split())
        wanted = name.casefold()  # SQLite's NOCASE folds ASCII only: "É" would miss "é"
        found = [
            account
            for account in self.accounts(include_inactive=True)
            if account.display_name.casefold() == wanted
        ]
        found.sort(key=lambda a: (not a.active, -a.created_on.toordinal()))
        if not found:
            raise NotFoundError(_("Aucun compte ne porte le nom « {name} ».").format(name=name))
        if not found[0].active and len(found) > 1:
            raise PasapasError(
                _("Plusieurs anciens comptes portent le nom « {name} ».").format(name=name)
            )
        return found[0]

    def has_admin(self) -> bool:
        """Is there at least one active site admin?"""
        return self._admins() > 0

    def count(self) -> int:
        """How many active accounts there are."""
        row = self.store.query_one("SELECT count(*) FROM staff_accounts WHERE active = 1")
        return int(row[0]) if row else 0

    def _admins(self) -> int:
        row = self.store.query_one(
            "SELECT count(*) FROM staff_accounts WHERE active = 1 AND role = ?", (ADMIN,)
        )
        return int(row[0]) if row else 0

    def _today(self) -> dt.date:
        return self.now().astimezone().date()

    # -- creating and changing -------------------------------------------------------------

    def create(self, display_name: str, role: str, secret: str, *, actor: str = "") -> StaffAccount:
        """A new active account. PasapasError (one sentence) for an empty, too long or taken
        name, an unknown role or a weak secret; nothing is written then."""
        name = _clean_name(display_name)
        _check_role(role)
        _check_secret(secret)
        hashed = _HASHER.hash(secret)
        account_id = str(uuid.uuid4())
        with self.store.transaction():
            self._refuse_taken(name)
            self.store.execute(
                "INSERT INTO staff_accounts (id, display_name, role, secret_kind, secret_hash, "
                "display, created_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    account_id,
                    name,
                    role,
                    secret_kind(secret),
                    hashed,
                    StaffDisplay().to_json(),
                    self._today().isoformat(),
                ),
            )
            self.audit.append("account_created", actor, {"account": account_id, "role": role})
        return self.get(account_id)

    def _refuse_taken(self, name: str, except_id: str = "") -> None:
        wanted = name.casefold()  # SQLite's NOCASE folds ASCII only
        rows = self.store.query(
            "SELECT display_name FROM staff_accounts WHERE active = 1 AND id != ?", (except_id,)
        )
        if any(other.casefold() == wanted for (other,) in rows):
            raise PasapasError(_("Un compte porte déjà ce nom : choisissez-en un autre."))

    def rename(self, account_id: str, display_name: str, *, actor: str) -> StaffAccount:
        name = _clean_name(display_name)
        with self.store.transaction():
            account = self.get(account_id)
            if account.active:
                self._refuse_taken(name, account_id)
            self.store.execute(
                "UPDATE staff_accounts SET display_name = ? WHERE id = ?", (name, account_id)
            )
            self.audit.append(
                "account_changed", actor, {"account": account_id, "field": "display_name"}
            )
        return self.get(account_id)

    def set_role(self, account_id: str, role: str, *, actor: str) -> StaffAccount:
        """Change an account's role; refused when it would leave no active site admin."""
        _check_role(role)
        with self.store.transaction():
            account = self.get(account_id)
            if account.role == role:
                return account
            if account.active and account.role == ADMIN and self._admins() <= 1:
                raise PasapasError(_last_admin_message())
            self.store.execute(
                "UPDATE staff_accounts SET role = ? WHERE id = ?", (role, account_id)
            )
            self.audit.append(
                "account_changed", actor, {"account": account_id, "field": "role", "role": role}
            )
        return self.get(account_id)

    def deactivate(self, account_id: str, *, actor: str) -> StaffAccount:
        """The account can no longer log in; refused for the last active site admin."""
        with self.store.transaction():
            account = self.get(account_id)
            if not account.active:
                return account
            if account.role == ADMIN and self._admins() <= 1:
                raise PasapasError(_last_admin_message())
            self.store.execute(
                "UPDATE staff_accounts SET active = 0, failures = 0, locked_until = '' "
                "WHERE id = ?",
                (account_id,),
            )
            self.audit.append("account_deactivated", actor, {"account": account_id})
        return self.get(account_id)

    def set_display(self, account_id: str, display: StaffDisplay) -> StaffAccount:
        """Keep a staff member's own display settings (unknown values become the defaults)."""
        with self.store.transaction():
            self.get(account_id)
            self.store.execute(
                "UPDATE staff_accounts SET display = ? WHERE id = ?",
                (display.validated().to_json(), account_id),
            )
        return self.get(account_id)

    def reset_secret(self, account_id: str, secret: str, *, actor: str) -> StaffAccount:
        """A new PIN or passphrase, chosen by a site admin; clears failures and any wait."""
        _check_secret(secret)
        hashed = _HASHER.hash(secret)
        with self.store.transaction():
            self.get(account_id)
            self.store.execute(
                "UPDATE staff_accounts SET secret_hash = ?, secret_kind = ?, failures = 0, "
                "locked_until = '' WHERE id = ?",
                (hashed, secret_kind(secret), account_id),
            )
            self.audit.append("secret_reset", actor, {"account": account_id})
        return self.get(account_id)

    def unlock(self, account_id: str, *, actor: str) -> StaffAccount:
        """End an account's slow-down now (a site admin's decision)."""
        with self.store.transaction():
            self.get(account_id)
            self.store.execute(
                "UPDATE staff_accounts SET failures = 0, locked_until = '' WHERE id = ?",
                (account_id,),
            )
            self.audit.append("account_unlocked", actor, {"account": account_id})
        return self.get(account_id)

    # -- logging in ------------------------------------------------------------------------

    def login(self, account_id: str, secret: str) -> StaffAccount:
        """Check the account's secret: the account (audit "login"), or WrongSecret, or
        LoginRefused while it must wait (audit "login_failed" for every wrong secret)."""
        return self._check(account_id, secret, "login")

    def confirm(self, account_id: str, secret: str) -> StaffAccount:
        """The PIN asked again after the staff screens were left idle: the same rules as
        `login`, audited as "reauth"."""
        return self._check(account_id, secret, "reauth")

    def _check(self, account_id: str, secret: str, action: str) -> StaffAccount:
        account = self.get(account_id)
        if not account.active:
            raise PasapasError(_("Ce compte n'est plus actif. Demandez au responsable du lieu."))
        now = self.now()
        if account.locked_until is not None and now < account.locked_until:
            # Nothing is checked while the account waits: a guess costs a wait, not only a hash.
            raise LoginRefused(_seconds_until(now, account.locked_until))
        stored = self.store.query_one(
            "SELECT secret_hash FROM staff_accounts WHERE id = ?", (account_id,)
        )
        hashed = stored[0] if stored else ""
        try:
            _HASHER.verify(hashed, secret)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return self._failed(account, action)
        with self.store.transaction():
            values: list = [self._today().isoformat()]
            rehash = ""
            if _HASHER.check_needs_rehash(hashed):
                rehash = ", secret_hash = ?"
                values.append(_HASHER.hash(secret))
            self.store.execute(
                "UPDATE staff_accounts SET failures = 0, locked_until = '', last_login_on = ?"
                f"{rehash} WHERE id = ?",
                (*values, account_id),
            )
            self.audit.append(action, account_id)
        return self.get(account_id)

    def _failed(self, account: StaffAccount, action: str) -> StaffAccount:
        with self.store.transaction():
            row = self.store.query_one(
                "SELECT failures FROM staff_accounts WHERE id = ?", (account.id,)
            )
            failures = (int(row[0]) if row else account.failures) + 1
            wait = wait_after(failures)
            until = ""
            if wait:
                until = (self.now() + dt.timedelta(seconds=wait)).astimezone(dt.UTC).isoformat()
            self.store.execute(
                "UPDATE staff_accounts SET failures = ?, locked_until = ? WHERE id = ?",
                (failures, until, account.id),
            )
            self.audit.append("login_failed", account.id, {"step": action, "failures": failures})
        if wait:
            raise LoginRefused(wait)
        raise WrongSecret(FREE_FAILURES - failures, account.secret_kind)


def _seconds_until(now: dt.datetime, until: dt.datetime) -> int:
    seconds = (until - now).total_seconds()
    return max(1, int(seconds) + (0 if seconds == int(seconds) else 1))


def _last_admin_message() -> str:
    return _(
        "C'est le dernier compte responsable du lieu : donnez d'abord ce rôle à un autre compte."
    )


__all__ = [
    "PIN_MIN_DIGITS",
    "ROLES",
    "LoginRefused",
    "StaffAccount",
    "StaffAccounts",
    "StaffDisplay",
    "WrongSecret",
    "role_allows",
    "role_label",
    "secret_problems",
]
