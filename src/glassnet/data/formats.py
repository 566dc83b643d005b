"""How a column writes its numbers, and how such text becomes a number and back.

A table's numbers are plain (``1200.5``) unless a whole column agrees on another way of writing
them: ``1,200.5``, ``1.200,5``, ``12%``, ``$1,200.50``, ``+3``, ``2024-05-01``. ``NumberFormat``
describes one such way; ``detect_format`` finds the one that reads every text of a column, or says
why none does. The reader (``glassnet.data.reading``) decides which columns need it; nothing here
reads files.

=============  =======================  ====================================================
written        read as                  how
=============  =======================  ====================================================
``1,200.50``   1200.5                   ``,`` separates thousands (groups of three digits)
``1.200,50``   1200.5                   decimal comma, ``.`` separates thousands
``1,5``        1.5                      decimal comma (a file whose numbers use it)
``12%``        0.12                     a percentage is a fraction of one: 12% is 0.12
``$1,200.50``  1200.5                   a currency symbol before or after the number
``+3``         3                        a leading plus sign
``2024-05-01`` 19844                    ISO date: days since 1970-01-01 (a time: a fraction)
=============  =======================  ====================================================
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

__all__ = [
    "CURRENCIES",
    "PLAIN",
    "FormatConflictError",
    "NumberFormat",
    "comma_evidence",
    "detect_format",
    "is_plain_number",
]

#: Symbols read as currency, before or after the number.
CURRENCIES = "$€£¥₹"
#: Plain ASCII decimals only: float() would also take "1_000", "١٢" and " 7 ".
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_DATE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z)?)?", re.ASCII
)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def is_plain_number(text: str) -> bool:
    """Whether ``text`` is a plain ASCII decimal number (``-1.5e3``), as Python writes them."""
    return _PLAIN.fullmatch(text) is not None


@dataclass(frozen=True)
class NumberFormat:
    """One way of writing a column's numbers.

    Attributes
    ----------
    decimal : {".", ","}
        The decimal mark.
    thousands : str
        The thousands separator, or "" for none (``,``, ``.``, ``'`` or a space).
    percent : bool
        Numbers end in ``%`` and are read as fractions of one (12% is 0.12).
    currency : str
        A symbol from ``CURRENCIES`` written before or after the number, or "".
    date : bool
        ISO dates and times, read as days since 1970-01-01 (UTC; a time of day is a fraction).
    """

    decimal: str = "."
    thousands: str = ""
    percent: bool = False
    currency: str = ""
    date: bool = False

    @property
    def plain(self) -> bool:
        """Whether this is the plain format (``1200.5``)."""
        return self == PLAIN

    def describe(self) -> str:
        """The format in words, for notes and ``glassnet info``."""
        if self.date:
            return "ISO dates, read as days since 1970-01-01"
        parts = []
        if self.currency:
            parts.append(f"currency {self.currency}")
        if self.thousands:
            name = "a space" if self.thousands == " " else repr(self.thousands)
            parts.append(f"{name} between thousands")
        if self.decimal == ",":
            parts.append("decimal comma")
        if self.percent:
            parts.append("percentages, 12% read as 0.12")
        return ", ".join(parts) or "plain numbers"

    def read(self, text: str) -> float | None:
        """Return the number ``text`` writes in this format, or None if it writes none."""
        if self.date:
            return _read_date(text)
        body = text.strip()
        if self.currency:
            body = _strip_currency(body, self.currency)
        if self.percent:
            if not body.endswith("%"):
                return None
            body = body[:-1].rstrip()
        if body.startswith("+"):
            body = body[1:]
        if self.thousands and self.thousands in body:
            grouped = _ungroup(body, self.thousands, self.decimal)
            if grouped is None:
                return None
            body = grouped
        if self.decimal == ",":
            if "." in body:
                return None
            body = body.replace(",", ".", 1)
        if not _PLAIN.fullmatch(body) or body.startswith(("+", "-+", "--")):
            return None
        value = float(body)
        return value / 100 if self.percent else value

    def write(self, value: float, digits: int = 8) -> str:
        """Write ``value`` in this format, to ``digits`` significant digits."""
        if self.date:
            moment = _EPOCH.timestamp() + value * 86400.0
            stamp = datetime.fromtimestamp(moment, timezone.utc)
            if abs(value - round(value)) < 1e-9:
                return stamp.strftime("%Y-%m-%d")
            return stamp.strftime("%Y-%m-%dT%H:%M:%S")
        number = value * 100 if self.percent else value
        text = f"{number:.{digits}g}"
        if "e" in text:  # a grouped or comma-decimal number is never written in e-notation
            text = f"{number:.{max(0, digits - 1 - math.floor(math.log10(abs(number))))}f}"
        sign = "-" if text.startswith("-") else ""
        whole, _, fraction = text.lstrip("-").partition(".")
        if self.thousands:
            whole = f"{int(whole):,}".replace(",", self.thousands)
        text = whole + (self.decimal + fraction if fraction else "")
        if self.currency:
            text = self.currency + text
        return sign + text + ("%" if self.percent else "")

    def to_dict(self) -> dict[str, Any]:
        """The format as plain JSON values (what a model file keeps)."""
        return {
            "decimal": self.decimal,
            "thousands": self.thousands,
            "percent": self.percent,
            "currency": self.currency,
            "date": self.date,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NumberFormat:
        """Rebuild a format from ``to_dict``'s values, refusing ones no format has."""
        made = cls(
            decimal=str(data.get("decimal", ".")),
            thousands=str(data.get("thousands", "")),
            percent=bool(data.get("percent", False)),
            currency=str(data.get("currency", "")),
            date=bool(data.get("date", False)),
        )
        if made.decimal not in ".," or made.thousands not in ("", ",", ".", "'", " "):
            raise ValueError(f"unknown number format {data!r}")
        if made.currency and made.currency not in CURRENCIES:
            raise ValueError(f"unknown currency symbol {made.currency!r}")
        return made


PLAIN = NumberFormat()


class FormatConflictError(ValueError):
    """No one format reads a column: ``text`` is the first text that the best candidate refused."""

    def __init__(self, message: str, text: str) -> None:
        super().__init__(message)
        self.text = text


def detect_format(texts: Sequence[str], decimal: str = ".") -> NumberFormat | None:
    """Return the one format that reads every text in ``texts``, or None if they are labels.

    ``texts`` are a column's distinct non-missing cells that are not plain numbers; ``decimal``
    is the file's decimal mark. Plain numbers read in any format, so they are not needed here
    unless the decimal mark is a comma (then ``1.500`` must be checked as a thousands group).

    Raises
    ------
    FormatConflictError
        Most texts are numbers in one format, but one is not a number in it: the column is
        neither numbers nor labels (the caller names the cell).
    """
    if not texts:
        return PLAIN if decimal == "." else NumberFormat(decimal=",")
    best: tuple[int, NumberFormat] | None = None
    for candidate in _candidates(texts, decimal):
        read = sum(candidate.read(text) is not None for text in texts)
        if read == len(texts):
            return candidate
        if best is None or read > best[0]:
            best = (read, candidate)
    if best is not None and best[0] * 2 > len(texts):
        fmt = best[1]
        bad = next(text for text in texts if fmt.read(text) is None)
        raise FormatConflictError(f"numbers written as {fmt.describe()}", bad)
    return None


def _candidates(texts: Sequence[str], decimal: str) -> Iterable[NumberFormat]:
    """The formats worth trying for ``texts``, most specific first."""
    sample = texts[: min(len(texts), 200)]
    if all(_DATE.fullmatch(text.strip()) for text in sample[:20]):
        yield NumberFormat(date=True)
    percent = any(text.rstrip().endswith("%") for text in sample)
    currency = next((c for c in CURRENCIES if any(c in text for text in sample)), "")
    separators = ("," if decimal == "." else ".", "'", " ", "")
    for thousands in separators:
        yield NumberFormat(decimal, thousands, percent, currency)


def _strip_currency(body: str, symbol: str) -> str:
    """``body`` without its currency symbol, before or after the number (``-$5``, ``5 €``)."""
    sign = ""
    if body.startswith(("-", "+")) and body[1:2] == symbol:
        sign, body = body[0], body[1:]
    if body.startswith(symbol):
        return sign + body[len(symbol) :].lstrip()
    if body.endswith(symbol):
        return sign + body[: -len(symbol)].rstrip()
    return sign + body


def _ungroup(body: str, thousands: str, decimal: str) -> str | None:
    """``body`` without its thousands separators, if they group three digits each, else None."""
    sign = body[0] if body[:1] in "+-" else ""
    whole, _, fraction = body[len(sign) :].partition(decimal)
    groups = whole.split(thousands)
    if not groups[0] or len(groups[0]) > 3 or any(len(group) != 3 for group in groups[1:]):
        return None
    if not all(group.isascii() and group.isdigit() for group in groups):
        return None
    ending = decimal + fraction if fraction or body.endswith(decimal) else ""
    return sign + "".join(groups) + ending


def _read_date(text: str) -> float | None:
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, micro, _ = match.groups()
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((micro or "0").ljust(6, "0")),
            tzinfo=timezone.utc,
        )
    except ValueError:  # 2024-02-30
        return None
    return (moment - _EPOCH).total_seconds() / 86400.0


def comma_evidence(text: str) -> str | None:
    """What a number-like ``text`` says about the decimal mark: ",", ".", or None (it cannot tell).

    ``1,5`` and ``0,25`` can only be decimal commas; ``1.5`` only a decimal point; ``1,200`` and
    ``1.200`` could be either (a thousands group, or a fraction of three digits).

    Examples
    --------
    >>> [comma_evidence(t) for t in ("1,5", "1.5", "1,200", "1.200", "12", "1,200.5", "abc")]
    [',', '.', None, None, None, '.', None]
    """
    body = text.strip().lstrip("+-").strip(CURRENCIES + " ").rstrip("%").strip()
    if not body or (not body[0].isdigit() and body[0] not in ".,"):
        return None
    has_comma, has_dot = "," in body, "." in body
    if has_comma and has_dot:  # the last of the two is the decimal mark: 1,200.5 or 1.200,5
        return "." if body.rfind(".") > body.rfind(",") else ","
    mark = "," if has_comma else "." if has_dot else None
    if mark is None:
        return None
    parts = body.split(mark)
    if not all(part.isascii() and part.isdigit() for part in parts if part):
        return None
    if len(parts) == 2 and len(parts[1]) == 3 and 1 <= len(parts[0]) <= 3 and parts[0] != "0":
        return None  # 1,200 or 1.200: a thousands group or a fraction, it cannot tell
    if len(parts) > 2:  # 1,200,300: only thousands separators repeat
        return "." if mark == "," else ","
    return mark


def with_decimal(fmt: NumberFormat, decimal: str) -> NumberFormat:
    """``fmt`` with the decimal mark ``decimal`` (and no thousands separator equal to it)."""
    thousands = "" if fmt.thousands == decimal else fmt.thousands
    return replace(fmt, decimal=decimal, thousands=thousands)
