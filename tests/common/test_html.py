"""common.html: the one rich-text policy that bulletins, directives and unit reports share."""

import pytest

from common.html import sanitize_html
from editorial.richtext import html_to_text

KEPT = [
    "<p>Phát <strong>3 lần</strong>/<b>ngày</b>, <em>đúng</em> <i>giờ</i> <u>quy định</u></p>",
    "<ul><li>Một</li></ul><ol><li>Hai</li></ol>",
    "<h3>Tiêu đề</h3><h4>Mục</h4><blockquote>Trích dẫn</blockquote><p><s>bỏ</s></p>",
    "<table><thead><tr><th>Xã</th></tr></thead><tbody><tr><td>Phúc Xá</td></tr></tbody></table>",
]


@pytest.mark.parametrize("html", KEPT)
def test_formatting_lists_headings_and_tables_survive(html):
    assert sanitize_html(html) == html


@pytest.mark.parametrize("dirty, clean", [
    ("<p>a</p><script>alert(1)</script>", "<p>a</p>"),
    ('<p onclick="x()" style="color:red">a</p>', "<p>a</p>"),
    ('<img src="x" onerror="alert(1)"><iframe src="https://x"></iframe>b', "b"),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="https://hanoi.gov.vn" title="t" target="_blank">x</a>',
     '<a href="https://hanoi.gov.vn" title="t" rel="noopener noreferrer">x</a>'),
    ('<a href="mailto:so@hanoi.gov.vn">x</a>', '<a href="mailto:so@hanoi.gov.vn" rel="noopener noreferrer">x</a>'),
    ("<style>p{}</style><svg><script>1</script></svg>", ""),
    ("<td>outside a table</td>", "outside a table"),
    (None, ""),
    ("  <p>a</p>\n", "<p>a</p>"),
])
def test_scripts_handlers_images_and_unsafe_links_go(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_a_table_reads_as_one_line_per_row():
    html = "<p>Kết quả</p><table><tr><th>Xã</th><th>Lượt</th></tr><tr><td>Phúc Xá</td><td>3</td></tr></table>"
    assert html_to_text(html) == "Kết quả\nXã Lượt\nPhúc Xá 3"
