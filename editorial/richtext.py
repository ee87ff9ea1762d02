"""Bulletin bodies are rich text from a browser: keep basic formatting, drop everything else (nh3)."""

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h3", "h4", "blockquote", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_BLOCK_END = re.compile(r"</(p|li|h3|h4|blockquote|ul|ol)>|<br\s*/?>", re.IGNORECASE)


def sanitize_body(value: str) -> str:
    """Sanitised HTML that is safe to render with |safe: scripts, styles, event handlers, images and
    javascript: links are gone; links get rel="noopener noreferrer"."""
    cleaned = nh3.clean(value or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES)
    return cleaned.strip()


def body_is_empty(value: str) -> bool:
    return not html_to_text(value).strip()


def html_to_text(value: str) -> str:
    """Plain text with one line per paragraph or list item (for diffs, Zalo messages and feeds)."""
    marked = _BLOCK_END.sub("\n", sanitize_body(value))
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
