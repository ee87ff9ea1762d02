"""Side-by-side comparison of two revisions (difflib).

Safety: bodies are compared as plain text (one line per paragraph), every piece of text is escaped first, and
only then wrapped in <ins>/<del>; nothing from a bulletin reaches the page unescaped."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .richtext import html_to_text

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class DiffRow:
    kind: str  # equal | replace | insert | delete
    old_number: int | None
    new_number: int | None
    old: SafeString
    new: SafeString


@dataclass(frozen=True)
class FieldDiff:
    label: str
    changed: bool
    old: SafeString
    new: SafeString


@dataclass
class RevisionDiff:
    old_number: int | None
    new_number: int
    fields: list[FieldDiff] = field(default_factory=list)
    rows: list[DiffRow] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(f.changed for f in self.fields) or any(r.kind != "equal" for r in self.rows)


def inline_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Word-level marks inside one line: deleted words in <del> on the left, inserted in <ins> on the right."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_part, new_part = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(old_part)
            right.append(new_part)
            continue
        if old_part:
            left.append(f"<del>{old_part}</del>")
        if new_part:
            right.append(f"<ins>{new_part}</ins>")
    return mark_safe("".join(left)), mark_safe("".join(right))


def _whole(text: str, tag: str) -> SafeString:
    return mark_safe(f"<{tag}>{escape(text)}</{tag}>") if text else mark_safe("")


def line_diff(old_text: str, new_text: str) -> list[DiffRow]:
    a, b = old_text.splitlines(), new_text.splitlines()
    rows: list[DiffRow] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [DiffRow("equal", i1 + k + 1, j1 + k + 1, escape(a[i1 + k]), escape(b[j1 + k]))
                     for k in range(i2 - i1)]
            continue
        paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(paired):
            old, new = inline_diff(a[i1 + k], b[j1 + k])
            rows.append(DiffRow("replace", i1 + k + 1, j1 + k + 1, old, new))
        for k in range(i1 + paired, i2):
            rows.append(DiffRow("delete", k + 1, None, _whole(a[k], "del"), mark_safe("")))
        for k in range(j1 + paired, j2):
            rows.append(DiffRow("insert", None, k + 1, mark_safe(""), _whole(b[k], "ins")))
    return rows


def _field(label: str, old: str, new: str) -> FieldDiff:
    if old == new:
        return FieldDiff(label, False, escape(old), escape(new))
    left, right = inline_diff(old, new)
    return FieldDiff(label, True, left, right)


def _snapshot_label(revision, name: str) -> str:
    if revision is None:
        return ""
    if name == "priority":
        return revision.get_priority_display()
    if name == "plan_topic":
        return str(revision.plan_topic) if revision.plan_topic_id else ""
    if name == "air_window":
        parts = [formats.date_format(timezone.localtime(v), "d/m/Y H:i") if v else "…"
                 for v in (revision.air_from, revision.air_until)]
        return " – ".join(parts) if revision.air_from or revision.air_until else ""
    if name == "attachments":
        return ", ".join(a.get("name", "") for a in revision.attachments or [])
    return str(getattr(revision, name) or "")


def revisions_compare(new, old=None) -> RevisionDiff:
    """Compare a revision with an older one (None: everything is new)."""
    result = RevisionDiff(old_number=old.number if old else None, new_number=new.number)
    for label, name in ((_("Tiêu đề"), "title"), (_("Tóm tắt"), "summary"), (_("Độ ưu tiên"), "priority"),
                        (_("Chủ đề kế hoạch"), "plan_topic"), (_("Khung giờ phát"), "air_window"),
                        (_("Tệp đính kèm"), "attachments")):
        result.fields.append(_field(label, _snapshot_label(old, name), _snapshot_label(new, name)))
    result.rows = line_diff(html_to_text(old.body) if old else "", html_to_text(new.body))
    return result
