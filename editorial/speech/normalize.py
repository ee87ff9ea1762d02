"""Turn a Vietnamese bulletin body into text a speech engine reads correctly.

Pure Python (no Django) so it can be unit-tested and reused by any backend. The steps run in a fixed
order: HTML -> abbreviations -> symbols -> Roman numerals -> dates -> times -> numbers, because each later
step relies on the earlier ones having removed shapes it would misread (dates are digits too).

Sentence punctuation is kept on purpose: espeak-ng and Piper turn it into pauses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from html.parser import HTMLParser

__all__ = [
    "ABBREVIATIONS",
    "expand_abbreviations",
    "expand_dates",
    "expand_numbers",
    "expand_roman_numerals",
    "expand_times",
    "normalize_vietnamese",
    "number_to_words",
    "roman_to_int",
    "strip_html",
]

# --------------------------------------------------------------------------- numbers

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 10**9


def _read_triple(n: int, full: bool) -> str:
    """Read 0 < n < 1000. `full` pads the hundreds ("không trăm") when a higher group was already read."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            # "linh" only makes sense after a hundreds word: 105 -> một trăm linh năm, but 5 -> năm.
            if words:
                words.append("linh")
            words.append(_DIGITS[units])
        return " ".join(words)
    if tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1:
        # 11 -> mười một, but 21 -> hai mươi mốt.
        words.append("một" if tens == 1 else "mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return " ".join(words)


def _read_below_billion(n: int, full: bool) -> str:
    groups = ((n // 1_000_000, "triệu"), (n // 1000 % 1000, "nghìn"), (n % 1000, ""))
    words: list[str] = []
    for value, unit in groups:
        if not value:
            # Empty groups are skipped: 1.000.001 -> một triệu không trăm linh một (not "không nghìn").
            continue
        words.append(_read_triple(value, full or bool(words)))
        if unit:
            words.append(unit)
    return " ".join(words)


def _read_positive(n: int, full: bool) -> str:
    if n >= _BILLION:
        # Vietnamese repeats "tỷ" for larger magnitudes (nghìn tỷ, triệu tỷ), so recurse on the head.
        head, rest = divmod(n, _BILLION)
        words = f"{_read_positive(head, full)} tỷ"
        return f"{words} {_read_below_billion(rest, True)}" if rest else words
    return _read_below_billion(n, full)


def number_to_words(n: int) -> str:
    """Read an integer in Vietnamese.

    105 -> "một trăm linh năm", 21 -> "hai mươi mốt", 2025 -> "hai nghìn không trăm hai mươi lăm".
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number_to_words expects an int, got {type(n).__name__}")
    if n < 0:
        return f"âm {number_to_words(-n)}"
    if n == 0:
        return _DIGITS[0]
    return _read_positive(n, False)


def _digits_to_words(digits: str) -> str:
    return " ".join(_DIGITS[int(d)] for d in digits)


def _integer_to_words(digits: str) -> str:
    # Phone numbers, codes ("0912...", "05") and absurdly long strings are read digit by digit.
    if (len(digits) > 1 and digits[0] == "0") or len(digits) > 15:
        return _digits_to_words(digits)
    return number_to_words(int(digits))


def _fraction_to_words(digits: str) -> str:
    # 3,5 -> ba phẩy năm; 3,05 -> ba phẩy không năm; 3,25 -> ba phẩy hai mươi lăm (the usual spoken form).
    stripped = digits.lstrip("0")
    zeros = len(digits) - len(stripped)
    words = [_DIGITS[0]] * zeros
    if stripped:
        words.append(number_to_words(int(stripped)) if len(stripped) <= 3 else _digits_to_words(stripped))
    return " ".join(words)


# A number not glued to letters: "1.250.000" (thousands dots), "2025", optional ",5" decimals and "%".
_NUMBER_RE = re.compile(
    r"(?<![\w])(?P<int>\d{1,3}(?:\.\d{3})+(?![\d])|\d+)(?:,(?P<frac>\d+))?(?P<pct>\s?%)?(?![\w])"
)


def _number_replacement(match: re.Match[str]) -> str:
    words = _integer_to_words(match["int"].replace(".", ""))
    if match["frac"] is not None:
        words += f" phẩy {_fraction_to_words(match['frac'])}"
    if match["pct"]:
        words += " phần trăm"
    return words


def expand_numbers(text: str) -> str:
    """Replace integers, decimals and percentages with words ("15%" -> "mười lăm phần trăm")."""
    return _NUMBER_RE.sub(_number_replacement, text)


# --------------------------------------------------------------------------- abbreviations

# Whole-word, case-sensitive (so "Tp." and "TP." are separate keys). Extend with ABBREVIATIONS["XYZ"] = "...".
ABBREVIATIONS: dict[str, str] = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "TP.HCM": "Thành phố Hồ Chí Minh",
    "TP. HCM": "Thành phố Hồ Chí Minh",
    "TPHCM": "Thành phố Hồ Chí Minh",
    "TP": "thành phố",
    "TP.": "thành phố",
    "Tp.": "thành phố",
    "VHTT": "Văn hóa và Thể thao",
    "VH&TT": "Văn hóa và Thể thao",
    "VHTTDL": "Văn hóa, Thể thao và Du lịch",
    "TTCS": "thông tin cơ sở",
    "BCH": "Ban Chấp hành",
    "CNTT": "công nghệ thông tin",
    "ATGT": "an toàn giao thông",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "TNCS": "Thanh niên Cộng sản",
    "MTTQ": "Mặt trận Tổ quốc",
    "QĐND": "Quân đội nhân dân",
    "CAND": "Công an nhân dân",
}


@lru_cache(maxsize=16)
def _abbreviation_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    # Longest key first so "TP.HCM" wins over "TP." and "TP" at the same position. Lookarounds instead of
    # \b: keys may end with "." and \b would not match between "." and the following space.
    ordered = sorted(keys, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in ordered) + r")(?!\w)")


def expand_abbreviations(text: str, abbreviations: dict[str, str] | None = None) -> str:
    """Expand whole-word, case-sensitive abbreviations (defaults to the module-level ABBREVIATIONS)."""
    table = ABBREVIATIONS if abbreviations is None else abbreviations
    if not table:
        return text
    # The key tuple is the cache key, so entries added to ABBREVIATIONS at runtime are picked up.
    pattern = _abbreviation_pattern(tuple(sorted(table)))
    return pattern.sub(lambda m: table[m.group(0)], text)


# --------------------------------------------------------------------------- Roman numerals

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_ROMAN_VALID_RE = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
# Only after the words that number congresses and terms; elsewhere "VI" or "CD" are more likely acronyms.
# D and M are left out: no congress or term is numbered 400+, and "Đại hội DM..." would be an acronym.
_ROMAN_CONTEXT_RE = re.compile(r"(?P<lead>(?i:đại hội|khóa|khoá|lần thứ)\s+)(?P<roman>[IVXLC]+)(?!\w)")


def roman_to_int(numeral: str) -> int:
    """Convert a well-formed upper-case Roman numeral; raises ValueError otherwise."""
    if not numeral or not _ROMAN_VALID_RE.fullmatch(numeral):
        raise ValueError(f"not a Roman numeral: {numeral!r}")
    total = 0
    for current, following in zip(numeral, numeral[1:] + " ", strict=True):
        value = _ROMAN_VALUES[current]
        total += -value if following != " " and _ROMAN_VALUES[following] > value else value
    return total


def _roman_replacement(match: re.Match[str]) -> str:
    try:
        value = roman_to_int(match["roman"])
    except ValueError:
        return match.group(0)
    return match["lead"] + number_to_words(value)


def expand_roman_numerals(text: str) -> str:
    """Read congress and term numbers: "Đại hội XIV" -> "Đại hội mười bốn", "khóa XV" -> "khóa mười lăm"."""
    return _ROMAN_CONTEXT_RE.sub(_roman_replacement, text)


# --------------------------------------------------------------------------- dates and times

# "số 15/2025/QĐ-UBND" is a document number, not a date; neither is anything glued to another "/" or digit.
_DOCUMENT_NUMBER_BEFORE_RE = re.compile(r"(?i)(?<!\w)số\s*$")

_FULL_DATE_RE = re.compile(
    r"(?P<lead>(?i:ngày)\s+)?(?<![\w/.,-])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\w/]|[.,-]\d)"
)
_MONTH_YEAR_RE = re.compile(r"(?P<lead>(?i:tháng)\s+)(?P<m>\d{1,2})/(?P<y>\d{4})(?![\w/]|[.,-]\d)")
_DAY_MONTH_RE = re.compile(
    r"(?P<lead>(?i:ngày)\s+)?(?<![\w/.,-])(?P<d>\d{1,2})/(?P<m>\d{1,2})(?![\w/]|[.,-]\d)"
)


def _valid_day_month(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def _is_document_number(match: re.Match[str]) -> bool:
    return bool(_DOCUMENT_NUMBER_BEFORE_RE.search(match.string, 0, match.start()))


def _date_lead(match: re.Match[str]) -> str:
    # Keep the author's own "ngày"/"Ngày" instead of adding a second one.
    return match["lead"] or "ngày "


def _full_date(match: re.Match[str]) -> str:
    day, month = int(match["d"]), int(match["m"])
    if not _valid_day_month(day, month) or _is_document_number(match):
        return match.group(0)
    return f"{_date_lead(match)}{day} tháng {month} năm {int(match['y'])}"


def _month_year(match: re.Match[str]) -> str:
    month = int(match["m"])
    if not 1 <= month <= 12:
        return match.group(0)
    return f"{match['lead']}{month} năm {int(match['y'])}"


def _day_month(match: re.Match[str]) -> str:
    day, month = int(match["d"]), int(match["m"])
    if not _valid_day_month(day, month) or _is_document_number(match):
        return match.group(0)
    return f"{_date_lead(match)}{day} tháng {month}"


def expand_dates(text: str) -> str:
    """Spell dates out with digits kept: "2/9/2025" -> "ngày 2 tháng 9 năm 2025", "19/5" -> "ngày 19 tháng 5".

    Month/year ("3/2025") is only expanded after "tháng": on its own "15/2025" is usually a document
    number.
    """
    text = _FULL_DATE_RE.sub(_full_date, text)
    text = _MONTH_YEAR_RE.sub(_month_year, text)
    return _DAY_MONTH_RE.sub(_day_month, text)


_TIME_H_RE = re.compile(r"(?<![\w.,:/])(?P<h>\d{1,2})[hH](?P<m>\d{2})?'?(?!\w)")
_TIME_COLON_RE = re.compile(r"(?<![\w.,:/])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\w:]|[.,]\d)")
_TIME_GIO_RE = re.compile(r"(?<![\w.,])(?P<h>\d{1,2})\s+giờ\s+(?P<m>\d{1,2})(?![\w:/]|[.,]\d)(?!\s*phút)")


def _time_text(hour: str, minute: str | None) -> str | None:
    h, m = int(hour), int(minute or 0)
    if h > 24 or m > 59:
        return None
    return f"{h} giờ" if m == 0 else f"{h} giờ {m} phút"


def _time_replacement(match: re.Match[str]) -> str:
    return _time_text(match["h"], match["m"]) or match.group(0)


def expand_times(text: str) -> str:
    """Times: "7h30", "7:30" and "7 giờ 30" -> "7 giờ 30 phút"; "7h" and "7h00" -> "7 giờ"."""
    text = _TIME_H_RE.sub(_time_replacement, text)
    text = _TIME_COLON_RE.sub(_time_replacement, text)
    return _TIME_GIO_RE.sub(_time_replacement, text)


# --------------------------------------------------------------------------- HTML and whitespace

_BLOCK_TAGS = frozenset(
    "p div br li ul ol blockquote tr table hr h1 h2 h3 h4 h5 h6 section article header footer".split()
)
_SKIPPED_TAGS = frozenset({"script", "style"})
_SENTENCE_END = ".!?:;…"


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def strip_html(text: str) -> str:
    """Drop tags (and script/style content), decode entities; block elements become line breaks."""
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def _join_lines(text: str) -> str:
    # A heading or list item without a full stop would otherwise run into the next line without a pause,
    # so every line but the last gets one. The last line is left as written.
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    ended = [line if line[-1] in _SENTENCE_END + "," else line + "." for line in lines[:-1]]
    return " ".join(ended + lines[-1:])


# "&" survives entity decoding ("&amp;") and engines spell it out in English or skip it.
_AMPERSAND_RE = re.compile(r"\s*&\s*")


def _expand_symbols(text: str) -> str:
    return _AMPERSAND_RE.sub(" và ", text)


# --------------------------------------------------------------------------- pipeline

_STEPS: tuple[Callable[[str], str], ...] = (
    expand_abbreviations,
    _expand_symbols,
    expand_roman_numerals,
    expand_dates,
    expand_times,
    expand_numbers,
)


def normalize_vietnamese(text: str) -> str:
    """Prepare (possibly HTML) Vietnamese text for a speech engine; numbers come out as words.

    Example: "<p>Ngày 2/9/2025, UBND TP. Hà Nội</p>" ->
    "Ngày hai tháng chín năm hai nghìn không trăm hai mươi lăm, Ủy ban nhân dân thành phố Hà Nội."
    """
    # NFC first: pasted text is sometimes decomposed, and then "khóa" or "Đ" would not match the patterns.
    text = unicodedata.normalize("NFC", text)
    text = strip_html(text).replace("\xa0", " ")
    text = _join_lines(text)
    for step in _STEPS:
        text = step(text)
    return " ".join(text.split())
