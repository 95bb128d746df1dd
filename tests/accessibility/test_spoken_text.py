"""What the visitor hears: no symbol names, and numbers, acronyms, web addresses, amounts, dates
and times read as a person would read them. Checked through the phonemes real espeak-ng makes
(`espeak-ng -x -q -v <voice>`), not by comparing strings with themselves."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from pasapas.accessibility.spoken_text import (
    PRONUNCIATIONS,
    normalise,
    pronunciations,
    without_symbols,
)


@pytest.mark.parametrize(
    ("shown", "said"),
    [
        ("✚ Santé", "Santé"),
        ("Suivant →", "Suivant"),
        ("← Retour", "Retour"),
        ("⚠ Attention : le son", "Attention : le son"),
        ("★★ Favori ♥", "Favori"),
        ("↻ Recommencer ◐", "Recommencer"),
        ("▶ Lire ◀", "Lire"),
        ("Validé ✔ ✓", "Validé"),
        ("• un\n• deux", "un\ndeux"),
        ("👍🏽 Bien 👨\u200d👩\u200d👧 famille 🇫🇷", "Bien famille"),
        ("Suivant ▶.", "Suivant."),
        ("شكرا ✔", "شكرا"),
    ],
)
def test_symbols_are_dropped_and_the_spaces_they_leave_collapse(shown, said):
    assert without_symbols(shown) == said


@pytest.mark.parametrize(
    "text",
    [
        "3 + 4 = 7 < 10 %",
        "Voix\u202f: oui",
        "C'est « bien » (ok) ; d'accord ? Oui !",
        "Étape 2 sur 5 — carte Vitale, RIB…",
        "Удостоверение личности",
    ],
)
def test_letters_digits_and_ordinary_punctuation_stay(text):
    assert without_symbols(text) == text


def test_normalise_drops_symbols_too():
    assert "✚" not in normalise("✚ Santé", "fr")
    assert "→" not in normalise("Suivant →", "ar")


# -- through real espeak-ng: what the visitor hears ----------------------------------------------

ESPEAK = shutil.which("espeak-ng")
_MARKS = re.compile(r"[\s'’,_!:;\-]+")


def phonemes(text: str, voice: str) -> str:
    """espeak-ng's phonemes for `text` (its `-x` output), without stress marks, pauses or word
    breaks: two texts that give the same string are heard the same."""
    assert ESPEAK is not None
    result = subprocess.run(
        [ESPEAK, "-x", "-q", "-v", voice, text],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return _MARKS.sub("", result.stdout)


def heard_in_order(text: str, voice: str, *pieces: str) -> bool:
    """True when espeak-ng, reading `text`, says each piece in turn (each piece's own phonemes, a
    schwa more or less)."""
    heard = phonemes(text, voice).replace("@", "")
    at = 0
    for piece in pieces:
        found = heard.find(phonemes(piece, voice).replace("@", ""), at)
        if found < 0:
            return False
        at = found + 1
    return True


FRENCH = [
    # (written on screen, what a person says for it, in words, in order)
    ("Appelez le 3646.", ["trente-six quarante-six"]),
    ("Appelez le 3230 ou le 3960.", ["trente-deux trente", "trente-neuf soixante"]),
    (
        "Depuis l'étranger : +33 1 84 90 36 46.",
        ["plus trente-trois", "un", "quatre-vingt-dix", "trente-six", "quarante-six"],
    ),
    (
        "Tél. 0123456789",
        ["zéro un", "vingt-trois", "quarante-cinq", "soixante-sept", "neuf"],
    ),
    ("Signalez-le au 33700.", ["trente-trois sept cents"]),
    ("La CAF vous écrit.", ["la caf vous"]),
    ("Allez à la CPAM.", ["à la cé pame"]),
    ("Demandez la C2S.", ["la cé deux èsse"]),
    ("Le RSA et les APL.", ["èr èsse a et", "a pé èl"]),
    ("Écrivez à la CNIL.", ["à la cnil"]),
    ("Allez sur ameli.fr.", ["sur amélie point èf èr"]),
    ("Voir www.service-public.fr", ["point service tiret public point èf èr"]),
    ("Il reste 12,50 € à payer.", ["douze euros cinquante à payer"]),
    ("Il reste 1 € et 0,50 €.", ["un", "euro et cinquante centimes"]),
    ("Rendez-vous le 03/12/2026.", ["le trois décembre deux mille vingt-six"]),
    ("Depuis le 1/12/2026.", ["le premier décembre"]),
    ("Ouvert à 14h30.", ["à quatorze heures trente"]),
    ("Ouvert de 10 h – 12 h.", ["dix heures", "à douze heures"]),
    ("Votre n° de sécurité sociale.", ["votre numéro de sécurité"]),
]


@pytest.mark.parametrize(("written", "said"), FRENCH)
def test_french_is_read_the_way_a_person_reads_it(written, said):
    assert heard_in_order(normalise(written, "fr"), "fr", *said)


@pytest.mark.parametrize(
    ("written", "said"),
    [case for case in FRENCH if "CAF" not in case[0] and "CNIL" not in case[0]],
)
def test_without_the_normaliser_espeak_reads_these_wrong(written, said):
    # The rules matter: raw, espeak-ng says "trois mille six cent…", "kpam", "rsa", English
    # letters, "virgule", "zéro trois douze", "hache", "cœur carte"… (CAF and CNIL it gets right).
    assert not heard_in_order(written, "fr", *said)


def test_symbols_are_never_read_out():
    # Today espeak-ng reads "♥ Santé" as "cœur santé".
    assert phonemes(normalise("✚ ♥ Santé → suite", "fr"), "fr") == phonemes("Santé suite", "fr")
    assert phonemes("✚ ♥ Santé → suite", "fr") != phonemes("Santé suite", "fr")


ARABIC = [
    ("اتصل بالرقم 3646.", ["36", "46"]),
    ("اتصل بالرقم +33 1 84 90 36 46.", ["زائد", "33", "1", "84", "90", "36", "46"]),
    ("اذهب إلى CPAM أو CAF.", ["سيبام", "كاف"]),
    ("سجّل الدخول على ameli.fr.", ["أَميلي", "نقطة", "إف إر"]),
    ("المبلغ 12,50 €", ["12", "يورو", "50", "سنتيم"]),
    ("يوم 03/12/2026", ["3", "ديسمبر", "2026"]),
    ("الموعد 14h30", ["الساعة", "30", "دقيقة"]),
]


@pytest.mark.parametrize(("written", "said"), ARABIC)
def test_arabic_is_read_the_way_a_person_reads_it(written, said):
    assert heard_in_order(normalise(written, "ar"), "ar", *said)
    assert not heard_in_order(written, "ar", *said)


def test_arabic_never_reads_a_symbol_name():
    assert phonemes(normalise("✚ الصحة ←", "ar"), "ar") == phonemes("الصحة", "ar")


@pytest.mark.parametrize("language", ["ar", "uk"])
def test_french_names_in_another_script_stay_in_that_voice(language):
    # Latin letters make espeak-ng switch the Arabic or Ukrainian voice to English: "(en)s'i:p'am".
    text = {"ar": "اذهب إلى CPAM وCAF، على ameli.fr مع C2S", "uk": "Ідіть до CPAM, ameli.fr, C2S"}
    raw = subprocess.run(
        [ESPEAK, "-x", "-q", "-v", language, text[language]], capture_output=True, text=True
    ).stdout
    said = subprocess.run(
        [ESPEAK, "-x", "-q", "-v", language, normalise(text[language], language)],
        capture_output=True,
        text=True,
    ).stdout
    assert "(en)" in raw
    assert "(en)" not in said


LANGUAGES = ("fr", "en", "ar", "es", "pt", "uk", "tr")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_reads_service_numbers_amounts_dates_and_times(language):
    data = pronunciations(language)
    for section in ("words", "web", "phone", "amount", "date", "time"):
        assert data.get(section), f"{language}.json has no {section!r}"
    # "3646" is said in pairs, not "three thousand six hundred…".
    assert phonemes(normalise("3646", language), language) == phonemes("36 46", language)
    # A written amount, date and time never reach the voice as symbols or digit soup.
    said = normalise("12,50 € ; 03/12/2026 ; 14h30 ; ameli.fr", language)
    assert "€" not in said and "/" not in said and "14h30" not in said and "ameli.fr" not in said
    month = data["date"]["months"][11]
    assert month in said
    assert phonemes(said, language) != phonemes("12,50 € ; 03/12/2026 ; 14h30 ; ameli.fr", language)


def test_every_language_offered_has_a_pronunciation_file():
    from pasapas.app.languages import SUPPORTED

    assert set(SUPPORTED) <= {path.stem for path in PRONUNCIATIONS.glob("*.json")}


def test_a_language_without_data_only_loses_its_symbols():
    assert normalise("✚ Appelez le 3646 ✔", "xx") == "Appelez le 3646"
    assert normalise("✚ Appelez le 3646 ✔", "../fr") == "Appelez le 3646"


def test_text_that_only_looks_like_a_rule_is_left_alone():
    said = normalise("Étape 2 sur 5. Version 3.12, p. 4 et 2026.", "fr")
    assert said == "Étape 2 sur 5. Version 3.12, p. 4 et 2026."
    # A sentence end is not a web address; a year alone is not a phone number.
    assert normalise("Il faut un rib.Fr", "fr") == "Il faut un rib.Fr"


def test_bidi_isolates_around_french_names_do_not_hide_them_from_the_rules():
    # Arabic text isolates embedded left-to-right runs (FSI … PDI) so brackets stay with words.
    text = (
        "سجّل الدخول على \u2068ameli.fr\u2069 أو اتصل بـ \u2068CPAM\u2069 ودفع \u206812,50 €\u2069"
    )
    said = normalise(text, "ar")
    assert said == "سجّل الدخول على أَميلي نقطة إف إر أو اتصل بـ سيبام ودفع 12 يورو و 50 سنتيم"


def _builtin_texts(language: str) -> list[str]:
    from pasapas.app.content import BUILTIN_DIR

    found: list[str] = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key == language:
            found.append(node)

    for path in sorted(BUILTIN_DIR.glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("language", ["ar", "uk"])
def test_every_builtin_text_is_read_by_its_own_voice_not_switched_to_english(language, tmp_path):
    # Today hundreds of Arabic and Ukrainian texts carry French names in Latin letters, and
    # espeak-ng reads each in English ("(en)s'i:p'am(ar)"); normalised, none does.
    texts = _builtin_texts(language)
    assert len(texts) > 100

    def english_lines(lines: list[str]) -> int:
        source = tmp_path / "texts.txt"
        source.write_text("\n\n".join(lines), encoding="utf-8")
        out = subprocess.run(
            [ESPEAK, "-x", "-q", "-v", language, "-f", str(source)],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        return out.count("(en)")

    assert english_lines(texts) > 50
    assert english_lines([normalise(text, language) for text in texts]) == 0


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("+33 (0)1 84 90 36 46", "plus 33, 1, 84, 90, 36, 46"),
        ("+33.1.84.90.36.46", "plus 33, 1, 84, 90, 36, 46"),
        ("+33184903646", "plus 33, 1, 84, 90, 36, 46"),
        ("01-23-45-67-89", "01, 23, 45, 67, 89"),
        ("12,5 €", "12 euros 50"),
        ("€3.20", "3 euros 20"),
        ("1 500,00 €", "1500 euros"),
        ("2026-11-29", "29 novembre 2026"),
        ("14:30", "14 heures 30"),
        ("9h05", "9 heures 5"),
        ("Écrivez à contact@caf.fr.", "Écrivez à contact arobase caf point f r."),
        (
            "https://www.ameli.fr/assure/compte",
            "w w w point amélie point f r slash assure slash compte",
        ),
        ("la CMU-C et la CMU", "la cé èm u cé et la cé èm u"),
        ("Ouvert 24h/24, 7j/7.", "Ouvert 24 heures sur 24, 7 jours sur 7."),
    ],
)
def test_french_rules_as_written(written, said):
    assert normalise(written, "fr") == said


def test_arabic_time_does_not_say_the_hour_word_twice():
    assert normalise("الساعة 14h30", "ar") == "الساعة 14 و 30 دقيقة"
    assert normalise("موعدك 9h", "ar") == "موعدك الساعة 9"
