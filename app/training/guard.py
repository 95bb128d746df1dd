"""The real-data guard: a practice form asks it about each value before keeping it.

In a workshop, people practise filling in simulated forms (creating an ameli account, ...) with
the fictitious identity printed on a practice card. Someone may still type their own social
security number, bank details, e-mail address, password or phone number, out of habit. The form
asks `check_entry` first; a `Refusal` says, kindly and in plain French (translated), why the value
is not taken, and the form keeps nothing of it.

What is refused:

- in any field: a social security number (NIR) whose control key checks out, an IBAN whose
  ISO 13616 checksum checks out, a payment card number that passes the Luhn check;
- in a social security number field: also the 13 characters of a real-shaped number without
  its key (the form asks for them so: there is no key to check);
- in an e-mail field: an address that is not the card's and not at a domain reserved for
  examples (exemple.fr, example.com, ..., *.example, *.invalid, *.test);
- in a password field: anything but the card's password;
- in a phone field: a French number that is not the card's (ranges said to be kept for works of
  fiction could not be checked against ARCEP's own text here: none is taken for fictitious).

A NIR, IBAN or card number that fails its check is not a real one: the guard lets it through and
the form's own rules say what is wrong with it. The card's own values are always accepted.

Privacy: the value is only read. It is never logged, printed, stored, cached, or put in an
exception or a `Refusal` (which holds only the kind of data and the explanation).
"""

from __future__ import annotations

import hmac
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pasapas.app.i18n import N_, _

FIELD_KINDS = frozenset({"nir", "email", "password", "phone", "iban", "text", "date", "postcode"})

# One explanation per kind of real data: short sentences, no blame, and what to do instead.
MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        "nir": N_(
            "Ce numéro ressemble à un vrai numéro de sécurité sociale. Ici, c'est un exercice : "
            "écrivez le numéro de la carte d'exercice."
        ),
        "iban": N_(
            "Ce numéro ressemble à un vrai numéro de compte bancaire (IBAN). Ici, c'est un "
            "exercice : écrivez celui de la carte d'exercice."
        ),
        "card": N_(
            "Ce numéro ressemble à un vrai numéro de carte bancaire. N'écrivez jamais le numéro "
            "de votre carte dans un exercice. Écrivez ce qui est sur la carte d'exercice."
        ),
        "email": N_(
            "Cette adresse ressemble à une vraie adresse e-mail. Ici, c'est un exercice : "
            "écrivez l'adresse de la carte d'exercice."
        ),
        "password": N_(
            "Ce n'est pas le mot de passe de la carte d'exercice. N'écrivez jamais votre vrai "
            "mot de passe ici. Recopiez celui de la carte : les majuscules et les signes comptent."
        ),
        "phone": N_(
            "Ce numéro ressemble à un vrai numéro de téléphone. Ici, c'est un exercice : "
            "écrivez le numéro de la carte d'exercice."
        ),
    }
)


@dataclass(frozen=True)
class PracticeCard:
    """A fictitious identity printed on the practice card of an exercise."""

    values: Mapping[str, str]  # field name -> the card's value, e.g. {"nir": "...", "email": ...}

    def __post_init__(self) -> None:
        # A read-only copy: the card cannot change behind the guard's back.
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))


@dataclass(frozen=True)
class Refusal:
    """Why a value was not taken. Holds no part of the value."""

    kind: str  # "nir", "iban", "card", "email", "password", "phone"
    message: str  # already translated


def check_entry(field: str, value: str, card: PracticeCard, *, field_kind: str) -> Refusal | None:
    """None when `value` may be kept in the practice form's `field`, else why not.

    `field_kind` is the kind of the simulated form's field (one of `FIELD_KINDS`).
    """
    if field_kind not in FIELD_KINDS:
        # The field kind comes from the exercise, never from the person: safe to name.
        raise ValueError(f"unknown field kind: {field_kind!r}")
    typed = _spaces(value)
    if not typed:
        return None
    own = card.values.get(field)
    if own is not None and _same(typed, _spaces(own), field_kind):
        return None
    # The card's own numbers, wherever they are typed, are fictitious.
    card_numbers = {_compact(v) for v in card.values.values()}
    if any(n not in card_numbers for n in _candidates(typed, (15,)) if _is_nir(n)):
        return _refusal("nir")
    # A social security number field that asks for the 13 characters without the key (as ameli's
    # does): a real number's shape alone is enough, there is no key to check.
    whole = _compact(typed)
    if field_kind == "nir" and whole not in card_numbers and _NIR_BODY.fullmatch(whole):
        return _refusal("nir")
    if any(n not in card_numbers for n in _candidates(typed, range(15, 35)) if _is_iban(n)):
        return _refusal("iban")
    if any(n not in card_numbers for n in _candidates(typed, range(13, 20)) if _is_card(n)):
        return _refusal("card")
    if field_kind == "email" and _has_real_email(typed, card):
        return _refusal("email")
    # A person must never type their real password into an exercise: only the card's will do.
    if field_kind == "password" and not _is_cards_password(typed, own):
        return _refusal("password")
    if field_kind == "phone" and _has_real_phone(typed, card):
        return _refusal("phone")
    return None


def _is_cards_password(typed: str, own: str | None) -> bool:
    # Compared in constant time, as any password.
    return own is not None and hmac.compare_digest(
        typed.encode("utf-8"), _spaces(own).encode("utf-8")
    )


def _refusal(kind: str) -> Refusal:
    return Refusal(kind, _(MESSAGES[kind]))


# --- Normalising ------------------------------------------------------------------------------

_SEPARATORS = frozenset(" .-\t\u00a0\u202f")  # between the digits of a number, as people type it
_ALNUM = frozenset(string.ascii_letters + string.digits)


def _spaces(text: str) -> str:
    """`text` without leading or trailing spaces, its inner runs of spaces made one space."""
    return " ".join(text.split())


def _compact(text: str) -> str:
    """`text` upper-cased, without the separators people type between digits."""
    return "".join(c for c in text.upper() if c not in _SEPARATORS)


def _same(typed: str, own: str, field_kind: str) -> bool:
    if field_kind == "email":
        return typed.casefold() == own.casefold()
    if field_kind == "phone":
        return _national(_compact(typed)) == _national(_compact(own))
    if field_kind in ("nir", "iban", "postcode"):
        return _compact(typed) == _compact(own)
    return typed == own


def _candidates(text: str, lengths: range | tuple[int, ...]) -> Iterator[str]:
    """Every run of letters and digits in `text` that may be a number: it starts and ends at the
    edge of a word, may have separators inside (spaces, dots, dashes) and, separators left out,
    has one of `lengths` characters. Yielded upper-cased and compact.

    Runs may overlap ("Rue 12 1 85 05 ..." gives the run starting at "12" and the one at "1"), so
    a number is found whatever stands around it."""
    longest = max(lengths)
    for start, char in enumerate(text):
        if char not in _ALNUM or (start and text[start - 1] in _ALNUM):
            continue
        kept: list[str] = []
        for index in range(start, len(text)):
            char = text[index]
            if char in _SEPARATORS:
                continue
            if char not in _ALNUM:
                break
            kept.append(char)
            if len(kept) > longest:
                break
            at_edge = index + 1 == len(text) or text[index + 1] not in _ALNUM
            if at_edge and len(kept) in lengths:
                yield "".join(kept).upper()


# --- Social security number (NIR) --------------------------------------------------------------

# Sex (1 or 2; 3, 4, 7 and 8 for some registrations), year, month (01-12, or 20-99 in the special
# cases real numbers use), department (two digits, or 2A/2B for Corsica), commune, order number,
# then the two-digit control key.
_NIR = re.compile(
    r"[123478][0-9]{2}"  # sex, year
    r"(?:0[1-9]|1[0-2]|[2-9][0-9])"  # month
    r"(?:[0-9]{2}|2[AB])[0-9]{6}"  # department, commune, order number
    r"[0-9]{2}"  # control key
)
_NIR_BODY = re.compile(_NIR.pattern[: -len(r"[0-9]{2}")])  # the 13 characters, without the key
_CORSICA = {"2A": ("19", 1_000_000), "2B": ("18", 2_000_000)}


def _is_nir(number: str) -> bool:
    """A 15-character NIR whose control key checks out: key = 97 - (the 13 characters mod 97),
    Corsica's 2A read as 19 minus 1,000,000 and 2B as 18 minus 2,000,000."""
    if not _NIR.fullmatch(number):
        return False
    body, key = number[:13], int(number[13:])
    department = body[5:7]
    if department in _CORSICA:
        digits, minus = _CORSICA[department]
        base = int(body[:5] + digits + body[7:]) - minus
    else:
        base = int(body)
    return key == 97 - base % 97


# --- IBAN -------------------------------------------------------------------------------------

_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def _is_iban(number: str) -> bool:
    """An IBAN (ISO 13616) of any country whose mod-97 checksum checks out: the first four
    characters moved to the end, each letter read as 10-35, the number mod 97 is 1."""
    if not _IBAN.fullmatch(number):
        return False
    moved = number[4:] + number[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


# --- Payment card number ----------------------------------------------------------------------


def _is_card(number: str) -> bool:
    """13-19 digits passing the Luhn check, with the first digit of the card networks: 3 (Amex,
    Diners, JCB), 4 (Visa), 5 (Mastercard, Maestro), 6 (Maestro, Discover, UnionPay), and 2 for
    Mastercard's 16-digit range. So a woman's social security number (13 or 15 digits starting
    with 2), whatever its key, is never taken for a card: it is the NIR rule's to judge."""
    if not number.isdigit() or not 13 <= len(number) <= 19:
        return False
    if not (number[0] in "3456" or (number[0] == "2" and len(number) == 16)):
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


# --- E-mail address ---------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9.!#$%&'*+/=?^_`{|}~-])"  # from the start of the local part only
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"  # the local part
    r"@((?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,63})(?![\w-])"  # the domain, with a dotted TLD
)
# Domains reserved for examples (RFC 2606, and their French spellings used on practice cards):
# an address there reaches nobody.
_EXAMPLE_DOMAINS = ("exemple.fr", "exemple.com", "example.com", "example.org", "example.net")
_EXAMPLE_TOP_LEVEL = ("example", "invalid", "test")


def _is_example_domain(domain: str) -> bool:
    domain = domain.casefold()
    if domain.rsplit(".", 1)[-1] in _EXAMPLE_TOP_LEVEL:
        return True
    return any(domain == d or domain.endswith("." + d) for d in _EXAMPLE_DOMAINS)


def _has_real_email(typed: str, card: PracticeCard) -> bool:
    own = {v.strip().casefold() for v in card.values.values()}
    for match in _EMAIL.finditer(typed):
        if match.group(0).casefold() in own or _is_example_domain(match.group(1)):
            continue
        return True
    return False


# --- French phone number ----------------------------------------------------------------------

_PHONE = re.compile(r"(?<![0-9+])(?:(?:\+|00)330?|0)([1-9][0-9]{8})(?![0-9])")


def _national(compact: str) -> str:
    """A compact French number in its national form (0 and nine digits), else as it is."""
    match = _PHONE.fullmatch(compact.replace("(", "").replace(")", "").replace("/", ""))
    return "0" + match.group(1) if match else compact


def _has_real_phone(typed: str, card: PracticeCard) -> bool:
    own = {_national(_compact(v)) for v in card.values.values()}
    text = _compact(typed).replace("(", "").replace(")", "").replace("/", "")
    for match in _PHONE.finditer(text):
        significant = match.group(1)
        if "0" + significant in own:
            continue
        return True
    return False
