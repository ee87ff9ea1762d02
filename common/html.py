"""The one HTML policy for rich text typed in a browser (bulletin bodies, directive instructions, unit reports):
basic formatting, lists, headings, quotes, links and plain tables survive; scripts, styles, event handlers,
images, iframes and javascript: links do not (nh3, a Rust HTML sanitiser)."""

import nh3

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h3", "h4", "blockquote", "a",
    "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize_html(value: str | None) -> str:
    """HTML that is safe to render with |safe; links get rel="noopener noreferrer"."""
    return nh3.clean(value or "", tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=set(URL_SCHEMES)).strip()

