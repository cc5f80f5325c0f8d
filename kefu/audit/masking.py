"""R-SEC-1 in the audit viewer: the trail stores full values (it is evidence), and shows phone
and ID numbers masked to viewers without ``customers.view_personal_data`` — an administrator
reads the trail but is not entitled to customers' numbers.

Values are masked by shape, wherever they appear (a contact point's value, an order's contact
number, a note's text): an E.164 number, a run of ten or more digits, an 18-character ID number,
a mobile number written with spaces or dashes.
"""

from __future__ import annotations

import re
from typing import Any

from kefu.customers.masking import mask_text, may_see_personal_data
from kefu.lib.phones import mask as mask_phone

_NUMBER = re.compile(
    r"\+\d{7,15}"  # E.164
    r"|(?<![\w])\d{17}[\dXx](?![\w])"  # resident ID
    r"|(?<!\d)\d{10,}(?!\d)"  # national phone numbers and other long numbers
    r"|(?<!\d)1[3-9]\d[ -]\d{4}[ -]\d{4}(?!\d)"  # 138 1234 5678
)


def _mask_match(match: re.Match[str]) -> str:
    text = match.group()
    if text.startswith("+"):
        try:
            return mask_phone(text)
        except Exception:
            return mask_text(text)
    return mask_text(re.sub(r"[ -]", "", text))


def mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return _NUMBER.sub(_mask_match, value)
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    return value


def shown(user: Any, value: Any) -> Any:
    """``value`` as this viewer may see it."""
    return value if may_see_personal_data(user) else mask_value(value)
