"""The one upload check (common/uploads.py): each kind's extensions, checked by content, with Vietnamese errors."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from common.uploads import FORMATS, upload_check
from tests.editorial.helpers import wav_bytes

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def zipped(*members: str, mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


GOOD = {
    "a.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
    "a.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
    "a.docx": zipped("[Content_Types].xml", "_rels/.rels", "word/document.xml"),
    "a.xlsx": zipped("[Content_Types].xml", "xl/workbook.xml"),
    "a.odt": zipped("content.xml", mimetype="application/vnd.oasis.opendocument.text"),
    "a.ods": zipped("content.xml", mimetype="application/vnd.oasis.opendocument.spreadsheet"),
    "a.txt": "Báo cáo kết quả tuyên truyền\n".encode(),
    "a.csv": "Mã đơn vị,Họ và tên\nSVHTT-VP,Bùi Văn Tuấn\n".encode(),
    "a.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\0" * 40,
    "a.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 40,
    "a.gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    "a.webp": b"RIFF\x1a\x00\x00\x00WEBPVP8 " + b"\0" * 20,
    "a.wav": wav_bytes(0.1),
    "a.mp3": b"ID3\x03\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x00" + b"\0" * 100,
    "b.mp3": b"\xff\xf3\x90\x64" + b"\0" * 100,
    "a.ogg": b"OggS\x00\x02" + b"\0" * 20 + b"\x01vorbis" + b"\0" * 30,
    "a.m4a": b"\0\0\0\x20ftypM4A \0\0\0\0M4A mp42isom" + b"\0" * 20,
    "a.mp4": b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom" + b"\0" * 20,
    "a.mov": b"\0\0\0\x14ftypqt  \0\0\0\0qt  " + b"\0" * 20,
    "a.webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm"
              + b"\0" * 20,
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_real_content_is_accepted(name):
    checked = upload_check(SimpleUploadedFile(name, GOOD[name]), allowed=FORMATS, max_mb=1, field="files")
    assert checked.content_type == FORMATS[name.rsplit(".", 1)[1]].content_type


DISGUISED = {
    "doc.pdf": HTML,
    "anh.jpg": HTML,
    "ghi-chu.txt": HTML,
    "ghi-chu2.txt": b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
    "chuong-trinh.txt": b"MZ\x90\x00\x03\x00\x00\x00",
    "bang.xlsx": zipped("[Content_Types].xml", "word/document.xml"),
    "van-ban.docx": zipped("evil.html"),
    "van-ban.odt": zipped("content.xml", mimetype="application/vnd.oasis.opendocument.spreadsheet"),
    "nhac.mp3": HTML,
    "phim.mp4": HTML,
    "am-thanh.wav": b"RIFF\x00\x00\x00\x00AVI LIST" + b"\0" * 20,
    "anh.png": b"\xff\xd8\xff\xe0" + b"\0" * 20,
}


@pytest.mark.parametrize("name", sorted(DISGUISED))
def test_content_that_is_not_its_extension_is_refused(name):
    with pytest.raises(ValidationError) as refused:
        upload_check(SimpleUploadedFile(name, DISGUISED[name]), allowed=FORMATS, max_mb=1, field="files")
    extension = name.rsplit(".", 1)[1]
    assert refused.value.message_dict == {
        "files": [f"Nội dung tệp “{name}” không khớp với phần mở rộng .{extension}."]}


def test_type_size_and_empty_files_are_refused_with_vietnamese_messages():
    with pytest.raises(ValidationError) as refused:
        upload_check(SimpleUploadedFile("trang.html", HTML), allowed=("pdf", "docx"), max_mb=1, field="files")
    assert refused.value.message_dict == {"files": ["Tệp “trang.html” không thuộc loại được phép (PDF, DOCX)."]}
    with pytest.raises(ValidationError) as refused:
        upload_check(SimpleUploadedFile("lon.pdf", b"%PDF-" + b"\0" * (2 * 1024 * 1024)), allowed=("pdf",),
                     max_mb=1, field="files")
    assert refused.value.message_dict == {"files": ["Tệp “lon.pdf” lớn hơn 1 MB."]}
    with pytest.raises(ValidationError) as refused:
        upload_check(SimpleUploadedFile("rong.pdf", b""), allowed=("pdf",), max_mb=1, field="files")
    assert refused.value.message_dict == {"files": ["Tệp “rong.pdf” rỗng."]}
    # Limits per family: a video may be larger than an image.
    video = SimpleUploadedFile("a.mp4", GOOD["a.mp4"] + b"\0" * (2 * 1024 * 1024))
    assert upload_check(video, allowed=("mp4", "png"), max_mb={"video": 3, "image": 1}, field="f").family == "video"
