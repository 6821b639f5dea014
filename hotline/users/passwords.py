"""Passwords a person picks: long enough, hard to guess, and not their own name; and
the one-time password an admin's reset hands over.

The strength is zxcvbn's estimate (Dropbox's, kept up by others): it knows common
passwords, names, dictionary words, keyboard rows, dates and l33t substitutions, which
rules of our own ("a digit and a capital") would not and which people defeat with
"Password1!". Its reason comes back as one of its fixed English warnings; each is
mapped to a code of ours so the form says it in the reader's language."""
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from hotline.core import error_catalog
from hotline.core.errors import ValidationFailed

error_catalog.define({
    "password_has_username": _l("must not contain the username"),
    "password_weak": _l("too easy to guess: %(why)s"),
    "passwords_differ": _l("the two new passwords differ"),
    "password_unchanged": _l("the new password must differ from the current one"),
    "wrong_password": _l("wrong password"),
})

MAX_LENGTH = 200  # scrypt takes any length; a bound keeps one request cheap

_GENERIC = _l("add a few uncommon words; avoid names, dates and common phrases")
# zxcvbn's warnings (zxcvbn/feedback.py), English -> ours.
_WHY = {
    "Straight rows of keys are easy to guess.": _l("straight rows of keys are easy to guess"),
    "Short keyboard patterns are easy to guess.": _l("short keyboard patterns are easy to guess"),
    'Repeats like "aaa" are easy to guess.': _l('repeats like "aaa" are easy to guess'),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".':
        _l('repeats like "abcabc" are hardly harder to guess than "abc"'),
    'Sequences like "abc" or "6543" are easy to guess.': _l('sequences like "abc" or "6543" are easy to guess'),
    "Recent years are easy to guess.": _l("recent years are easy to guess"),
    "Dates are often easy to guess.": _l("dates are easy to guess"),
    "This is a top-10 common password.": _l("it is one of the most common passwords"),
    "This is a top-100 common password.": _l("it is one of the most common passwords"),
    "This is a very common password.": _l("it is a very common password"),
    "This is similar to a commonly used password.": _l("it is close to a common password"),
    "A word by itself is easy to guess.": _l("a word by itself is easy to guess"),
    "Names and surnames by themselves are easy to guess.": _l("names by themselves are easy to guess"),
    "Common names and surnames are easy to guess.": _l("common names are easy to guess"),
}


def check_strength(password: str, username: str, field: str = "new_password") -> None:
    """Refuse, with the reason at `field`, a password that is short, holds the username,
    or that zxcvbn scores under HOTLINE_PASSWORD_MIN_SCORE."""
    min_length = current_app.config["HOTLINE_PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        raise ValidationFailed.at(field, "too_short_text", min_length=min_length)
    if len(password) > MAX_LENGTH:
        raise ValidationFailed.at(field, "too_long_text", max_length=MAX_LENGTH)
    if username and username.casefold() in password.casefold():
        raise ValidationFailed.at(field, "password_has_username")
    result = zxcvbn(password, user_inputs=[username])
    if result["score"] < current_app.config["HOTLINE_PASSWORD_MIN_SCORE"]:
        raise ValidationFailed.at(field, "password_weak", why=_WHY.get(result["feedback"]["warning"], _GENERIC))


def check_new_password(password: str, again: str, username: str) -> None:
    """A new password typed twice: the same both times, and strong enough."""
    if password != again:
        raise ValidationFailed.at("new_password_again", "passwords_differ")
    check_strength(password, username)


def temporary_password() -> str:
    """A one-time password for a reset: four groups of four letters and digits
    (about 80 bits), without look-alikes (0/O, 1/l/I), easy to read out on the phone."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
