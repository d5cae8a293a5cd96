"""Django's own words a person reads when choosing a password, marked here so the project's
catalogue says them in our voice (Spanish: tú, where Django's catalogue says usted). The
project's catalogue is read before Django's (docs/translation.md). Nothing imports this module:
it is only read by makemessages, and the texts must stay exactly Django's."""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    return message


def ngettext_noop(singular: str, plural: str) -> tuple[str, str]:
    return singular, plural


PASSWORD_WORDS = (
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    ngettext_noop(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    ),
    ngettext_noop(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("This password is entirely numeric."),
)
