"""How strong a new passphrase is, in words a site admin understands."""

from __future__ import annotations

from pasapas.app.i18n import _

MIN_LENGTH = 12
_COMMON = frozenset(
    [
        "motdepasse",
        "motdepasse123",
        "password",
        "password123",
        "azertyuiop",
        "azerty123456",
        "123456789012",
        "qwertyuiop",
        "soleil123456",
        "bonjour12345",
        "pasapas123456",
        "pasapaspasapas",
    ]
)


def passphrase_problems(passphrase: str) -> list[str]:
    """What makes this passphrase too weak; an empty list means it is acceptable."""
    problems = []
    if len(passphrase) < MIN_LENGTH:
        problems.append(
            _(
                "Il faut au moins {n} caractères (plusieurs mots, c'est plus facile à retenir)."
            ).format(n=MIN_LENGTH)
        )
    if passphrase and len(set(passphrase)) < 5:
        problems.append(_("Utilisez des caractères plus variés."))
    if passphrase.lower().replace(" ", "") in _COMMON:
        problems.append(_("Ce mot de passe est trop connu."))
    if passphrase.isdigit() and len(passphrase) >= MIN_LENGTH:
        problems.append(_("Ne mettez pas que des chiffres."))
    return problems
