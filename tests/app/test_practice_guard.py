"""The real-data guard of practice forms: what a trainer sees it refuse, and let through."""

from __future__ import annotations

import pytest

from pasapas.app.i18n import current_language, set_language
from pasapas.app.training.guard import MESSAGES, PracticeCard, Refusal, check_entry

# The practice card of the exercise: a fictitious identity (the NIR's key checks out, the e-mail
# is at a reserved domain).
CARD_NIR_BASE = "2850675123456"
CARD = PracticeCard(
    {
        "nir": f"{CARD_NIR_BASE[0]} {CARD_NIR_BASE[1:3]} {CARD_NIR_BASE[3:5]} "
        f"{CARD_NIR_BASE[5:7]} {CARD_NIR_BASE[7:10]} {CARD_NIR_BASE[10:]} "
        f"{97 - int(CARD_NIR_BASE) % 97:02d}",
        "email": "camille.martin@exemple.fr",
        "password": "Exercice-2024!",
        "phone": "06 39 98 12 34",
        "nom": "Martin",
    }
)


def _key(base: str) -> int:
    """The control key of a 13-character NIR, Corsica included, computed from the rule."""
    if base[5:7] == "2A":
        number = int(base[:5] + "19" + base[7:]) - 1_000_000
    elif base[5:7] == "2B":
        number = int(base[:5] + "18" + base[7:]) - 2_000_000
    else:
        number = int(base)
    return 97 - number % 97


def _nir(base: str, key: int | None = None) -> str:
    """A NIR written as on a carte Vitale: 1 85 05 78 006 084 91."""
    key = _key(base) if key is None else key
    return f"{base[0]} {base[1:3]} {base[3:5]} {base[5:7]} {base[7:10]} {base[10:]} {key:02d}"


def _wrong_key(base: str) -> int:
    return _key(base) % 97 + 1  # another key between 01 and 97


def check(value: str, field_kind: str = "text", field: str = "nom") -> Refusal | None:
    return check_entry(field, value, CARD, field_kind=field_kind)


@pytest.fixture(autouse=True)
def _french():
    before = current_language()
    set_language("fr")
    yield
    set_language(before)


# --- Social security number -------------------------------------------------------------------


def test_a_real_looking_nir_is_refused_in_the_nir_field():
    refusal = check(_nir("1850578006084"), "nir", "nir")
    assert refusal is not None
    assert refusal.kind == "nir"


def test_a_real_looking_nir_is_refused_even_in_a_name_field():
    assert check(_nir("1850578006084")).kind == "nir"
    assert check(f"Dupont {_nir('1850578006084')}").kind == "nir"


def test_a_nir_typed_without_spaces_or_with_dots_and_dashes_is_refused_too():
    plain = _nir("1850578006084").replace(" ", "")
    assert check(plain, "nir", "nir").kind == "nir"
    assert check(_nir("1850578006084").replace(" ", "."), "nir", "nir").kind == "nir"
    assert check(_nir("1850578006084").replace(" ", "-"), "nir", "nir").kind == "nir"


def test_a_nir_next_to_other_numbers_is_still_found():
    assert check(f"12 {_nir('1850578006084')} 75001").kind == "nir"


def test_a_nir_whose_key_does_not_check_out_is_left_to_the_form():
    base = "1850578006084"
    assert check(_nir(base, _wrong_key(base)), "nir", "nir") is None
    assert check(_nir(base, _wrong_key(base))) is None


def test_the_13_characters_of_a_real_shaped_nir_are_refused_in_a_nir_field():
    # ameli asks for the number without its key: there is no key to check, the shape is enough.
    for typed in ("1850578006084", "1 85 05 78 006 084", "2 79 12 2B 123 045"):
        refusal = check(typed, "nir", "nir")
        assert refusal is not None and refusal.kind == "nir", typed


def test_13_characters_elsewhere_or_of_an_impossible_shape_are_left_to_the_form():
    assert check("1850578006084", "text", "nom") is None  # a name field: a key is needed
    assert check("9 99 01 99 999 999", "nir", "nir") is None  # no real number starts with 9
    assert check("1850078006084", "nir", "nir") is None  # month 00 exists nowhere


@pytest.mark.parametrize("base", ["18505" + "2A" + "006084", "27912" + "2B" + "123045"])
def test_a_corsican_nir_with_a_correct_key_is_refused(base):
    assert check(_nir(base), "nir", "nir").kind == "nir"
    assert check(_nir(base).lower(), "nir", "nir").kind == "nir"


@pytest.mark.parametrize("base", ["18505" + "2A" + "006084", "27912" + "2B" + "123045"])
def test_a_corsican_nir_with_a_wrong_key_is_left_to_the_form(base):
    assert check(_nir(base, _wrong_key(base)), "nir", "nir") is None


def test_the_corsican_key_is_not_the_one_of_the_plain_digits():
    # 2A is not read as 20 or 21: a key computed that way does not make a real number.
    base = "18505" + "2A" + "006084"
    naive = 97 - int(base.replace("2A", "20")) % 97
    assert naive != _key(base)
    assert check(_nir(base, naive), "nir", "nir") is None


def test_the_cards_own_nir_is_accepted_in_its_field_however_it_is_spaced():
    assert check(CARD.values["nir"], "nir", "nir") is None
    assert check(CARD.values["nir"].replace(" ", ""), "nir", "nir") is None
    assert check(f"  {CARD.values['nir']}  ", "nir", "nir") is None


def test_the_cards_own_nir_is_not_taken_for_a_real_one_in_another_field():
    assert check(CARD.values["nir"], "text", "commentaire") is None


# --- IBAN -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban", ["FR76 3000 6000 0112 3456 7890 189", "GB82 WEST 1234 5698 7654 32"]
)
def test_an_iban_with_a_valid_checksum_is_refused(iban):
    assert check(iban, "iban", "iban").kind == "iban"
    assert check(iban.replace(" ", "")).kind == "iban"
    assert check(iban.lower(), "iban", "iban").kind == "iban"
    assert check(f"IBAN : {iban}").kind == "iban"


@pytest.mark.parametrize(
    "iban", ["FR76 3000 6000 0112 3456 7890 188", "GB82 WEST 1234 5698 7654 33"]
)
def test_an_iban_with_one_digit_changed_is_left_to_the_form(iban):
    assert check(iban, "iban", "iban") is None


# --- Payment card -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["4111 1111 1111 1111", "5555-5555-5555-4444", "4111111111111111", "3782 822463 10005"],
)
def test_a_card_number_passing_the_luhn_check_is_refused(number):
    assert check(number).kind == "card"
    assert check(number, "date", "date").kind == "card"


@pytest.mark.parametrize("number", ["4111 1111 1111 1112", "5555-5555-5555-4445"])
def test_a_card_number_one_digit_off_is_accepted(number):
    assert check(number) is None


def test_a_womans_nir_with_a_wrong_key_is_not_taken_for_a_card():
    # 15 digits starting with 2 that pass the Luhn check, but with a wrong NIR key.
    base = next(
        b for b in (f"28506751{n:05d}" for n in range(1000)) if _luhn(b + f"{_wrong_key(b):02d}")
    )
    assert check(_nir(base, _wrong_key(base)), "nir", "nir") is None


def _luhn(number: str) -> bool:
    digits = [int(c) for c in reversed(number)]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
    return total % 10 == 0


# --- E-mail -----------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["jean.dupont@gmail.com", "Marie-Laure.B@orange.fr"])
def test_a_real_looking_email_address_is_refused_in_an_email_field(address):
    assert check(address, "email", "email").kind == "email"


def test_the_cards_email_address_is_accepted_whatever_its_case():
    assert check("camille.martin@exemple.fr", "email", "email") is None
    assert check("Camille.MARTIN@Exemple.FR ", "email", "email") is None


@pytest.mark.parametrize(
    "address",
    [
        "autre.personne@exemple.fr",
        "jean@example.com",
        "jean@example.org",
        "jean@example.net",
        "jean@exemple.com",
        "jean@mail.example.com",
        "jean@ma-borne.example",
        "jean@nulle-part.invalid",
        "jean@essai.test",
    ],
)
def test_an_address_at_a_domain_reserved_for_examples_is_accepted(address):
    assert check(address, "email", "email") is None


def test_a_domain_that_only_looks_like_an_example_is_refused():
    assert check("jean@exemple.fr.evil.com", "email", "email").kind == "email"
    assert check("jean@monexemple.fr", "email", "email").kind == "email"


def test_what_is_not_an_email_address_is_left_to_the_form():
    assert check("jean.dupont", "email", "email") is None


def test_an_email_address_in_a_name_field_is_not_the_email_rule_s_business():
    assert check("jean.dupont@gmail.com") is None


# --- Password ---------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["Soleil1974", "exercice-2024!", "Exercice-2024", "x"])
def test_any_password_but_the_cards_is_refused(password):
    assert check(password, "password", "password").kind == "password"


def test_the_cards_password_is_accepted():
    assert check("Exercice-2024!", "password", "password") is None


def test_a_password_field_with_no_password_on_the_card_refuses_everything():
    assert check_entry("code", "1234", CARD, field_kind="password").kind == "password"


# --- Phone ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["06 12 34 56 78", "0612345678", "+33 6 12 34 56 78", "01.42.76.40.40", "07 81 23 45 67"],
)
def test_a_real_looking_french_phone_number_is_refused(number):
    assert check(number, "phone", "phone").kind == "phone"


@pytest.mark.parametrize("number", ["06 39 98 12 34", "0639981234", "+33 6 39 98 12 34"])
def test_the_cards_phone_number_is_accepted_however_it_is_written(number):
    assert check(number, "phone", "phone") is None


@pytest.mark.parametrize(
    "number",
    [
        "01 99 00 12 34",
        "02 61 91 00 00",
        "03 53 01 99 99",
        "04 65 71 12 12",
        "05 36 49 01 02",
        "06 39 98 55 55",
    ],
)
def test_a_number_of_a_range_said_to_be_for_fiction_is_refused_too(number):
    # Such ranges could not be checked against ARCEP's own text: none is trusted.
    assert check(number, "phone", "phone").kind == "phone"


def test_a_phone_number_in_a_name_field_is_not_the_phone_rule_s_business():
    assert check("06 12 34 56 78") is None


# --- The card and ordinary values -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "field_kind", "field"),
    [
        ("Martin", "text", "nom"),
        ("Dupont", "text", "nom"),
        ("12/05/1985", "date", "naissance"),
        ("75001", "postcode", "code_postal"),
        ("", "password", "password"),
        ("   ", "nir", "nir"),
    ],
)
def test_ordinary_values_are_accepted(value, field_kind, field):
    assert check(value, field_kind, field) is None


def test_an_unknown_field_kind_is_a_mistake_of_the_exercise():
    with pytest.raises(ValueError) as raised:
        check_entry("nom", "Soleil1974", CARD, field_kind="secret")
    assert "Soleil1974" not in str(raised.value)


def test_the_card_cannot_be_changed_behind_the_guards_back():
    values = {"password": "Exercice-2024!"}
    card = PracticeCard(values)
    values["password"] = "autre"
    assert check_entry("password", "Exercice-2024!", card, field_kind="password") is None
    with pytest.raises(TypeError):
        card.values["password"] = "autre"  # type: ignore[index]


# --- Privacy and messages ---------------------------------------------------------------------

REFUSED = [
    (_nir("1850578006084"), "nir"),
    ("FR76 3000 6000 0112 3456 7890 189", "iban"),
    ("4111 1111 1111 1111", "text"),
    ("jean.dupont@gmail.com", "email"),
    ("Soleil1974", "password"),
    ("06 12 34 56 78", "phone"),
]


@pytest.mark.parametrize(("value", "field_kind"), REFUSED)
def test_a_refusal_never_holds_the_value_or_its_digits(value, field_kind):
    refusal = check(value, field_kind, field_kind)
    assert refusal is not None
    compact = "".join(value.split())
    digits = "".join(c for c in value if c.isdigit())
    for shown in (str(refusal), repr(refusal), refusal.message, refusal.kind):
        assert value not in shown
        assert compact not in shown
        if digits:
            assert digits not in shown
    # Nothing but the kind and the explanation is kept.
    assert set(vars(refusal)) == {"kind", "message"}


@pytest.mark.parametrize(("value", "field_kind"), REFUSED)
def test_the_message_is_french_by_default_kind_and_not_empty(value, field_kind):
    refusal = check(value, field_kind, field_kind)
    assert refusal.message.strip()
    assert refusal.message == MESSAGES[refusal.kind]  # French is the message id itself
    assert "exercice" in refusal.message


def test_there_is_one_message_per_kind_of_real_data():
    kinds = {check(value, kind, kind).kind for value, kind in REFUSED}
    assert kinds == {"nir", "iban", "card", "email", "password", "phone"} == set(MESSAGES)
    assert len(set(MESSAGES.values())) == len(MESSAGES)


def test_the_message_is_translated_when_it_is_built(monkeypatch):
    from pasapas.app.training import guard

    monkeypatch.setattr(guard, "_", lambda message: f"[en] {message}")
    refusal = check("Soleil1974", "password", "password")
    assert refusal.message == "[en] " + MESSAGES["password"]
