"""Bulletin bodies are rich text from a browser, kept by common.html's one policy; this module reads them as
plain text (diffs, Zalo messages, feeds)."""

import html
import re

import nh3

from common.html import sanitize_html

_BLOCK_END = re.compile(r"</(p|li|h3|h4|blockquote|ul|ol|tr|table)>|<br\s*/?>", re.IGNORECASE)
_CELL_END = re.compile(r"</(td|th)>", re.IGNORECASE)


def body_is_empty(value: str) -> bool:
    return not html_to_text(value).strip()


def html_to_text(value: str) -> str:
    """Plain text with one line per paragraph or list item (for diffs, Zalo messages and feeds)."""
    marked = _CELL_END.sub(" ", _BLOCK_END.sub("\n", sanitize_html(value)))
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
