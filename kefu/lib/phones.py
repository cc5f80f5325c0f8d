"""Phone numbers: one canonical form (E.164) so that 13812345678, +86 138 1234 5678 and
138-1234-5678 are the same caller, plus the masked form of R-SEC-1 (138****5678)."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "CN"


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form of ``raw`` (``+8613812345678``); raises InvalidPhone for anything else."""
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone("empty")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(str(exc)) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalize(raw: str, region: str = DEFAULT_REGION) -> str | None:
    try:
        return normalize_phone(raw, region)
    except InvalidPhone:
        return None


def national(e164: str) -> str:
    """The digits a Chinese agent dials: ``13812345678``, ``01088886666``."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, DEFAULT_REGION)
    if number.country_code == 86:
        prefix = (
            "0"
            if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE
            else ""
        )
        return f"{prefix}{number.national_number}"
    return e164


def mask(e164: str) -> str:
    """R-SEC-1: keep the first three and last four digits, ``138****5678``."""
    digits = national(e164) if e164.startswith("+") else e164
    if len(digits) <= 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
