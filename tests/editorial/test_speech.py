"""Text-to-speech for bulletins: Vietnamese normalisation and the rendering backends.

Pure tests (no database, no Django settings needed). The espeak-ng tests run the real engine: `make test`
installs the Debian package.
"""

import shutil
import subprocess
import sys
import unicodedata
import wave
from pathlib import Path

import pytest

from editorial.speech.backends import (
    EspeakBackend,
    PiperBackend,
    SpeechError,
    UploadedRecordingBackend,
    estimate_air_time_seconds,
    get_backend,
)
from editorial.speech.normalize import (
    ABBREVIATIONS,
    expand_dates,
    expand_times,
    normalize_vietnamese,
    number_to_words,
    roman_to_int,
)

# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi bốn"),
        (25, "hai mươi lăm"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (115, "một trăm mười lăm"),
        (1000, "một nghìn"),
        (1005, "một nghìn không trăm linh năm"),
        (2025, "hai nghìn không trăm hai mươi lăm"),
        (21_000, "hai mươi mốt nghìn"),
        (1_250_000, "một triệu hai trăm năm mươi nghìn"),
        (1_000_001, "một triệu không trăm linh một"),
        (1_000_000_000, "một tỷ"),
        (2_005_000_000, "hai tỷ không trăm linh năm triệu"),
    ],
)
def test_number_to_words(number, words):
    assert number_to_words(number) == words


def test_number_to_words_negative_and_wrong_type():
    assert number_to_words(-21) == "âm hai mươi mốt"
    with pytest.raises(TypeError):
        number_to_words(3.5)
    with pytest.raises(TypeError):
        number_to_words(True)


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("1.250.000", "một triệu hai trăm năm mươi nghìn"),
        ("1.000.001 người", "một triệu không trăm linh một người"),
        ("năm 2025", "năm hai nghìn không trăm hai mươi lăm"),
        ("3,5", "ba phẩy năm"),
        ("3,05 tỷ đồng", "ba phẩy không năm tỷ đồng"),
        ("tăng 15%", "tăng mười lăm phần trăm"),
        ("đạt 3,5 %.", "đạt ba phẩy năm phần trăm."),
        ("năm 2024, 2025", "năm hai nghìn không trăm hai mươi bốn, hai nghìn không trăm hai mươi lăm"),
        # A leading zero means a phone number or code: digit by digit.
        ("0912345678", "không chín một hai ba bốn năm sáu bảy tám"),
    ],
)
def test_numbers_in_text(text, spoken):
    assert normalize_vietnamese(text) == spoken


# --------------------------------------------------------------------------- dates and times


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("2/9/2025", "ngày 2 tháng 9 năm 2025"),
        ("02/09/2025", "ngày 2 tháng 9 năm 2025"),
        ("ngày 2/9/2025", "ngày 2 tháng 9 năm 2025"),
        ("Ngày 02/09/2025,", "Ngày 2 tháng 9 năm 2025,"),
        ("19/5", "ngày 19 tháng 5"),
        ("sáng ngày 19/5.", "sáng ngày 19 tháng 5."),
        ("tháng 3/2025", "tháng 3 năm 2025"),
        ("Tháng 03/2025", "Tháng 3 năm 2025"),
        # Conservative: a bare "3/2025", impossible dates and document numbers stay as they are.
        ("3/2025", "3/2025"),
        ("35/13", "35/13"),
        ("tháng 13/2025", "tháng 13/2025"),
        ("Quyết định số 15/2025/QĐ-UBND", "Quyết định số 15/2025/QĐ-UBND"),
        ("Công văn số 12/3", "Công văn số 12/3"),
    ],
)
def test_expand_dates(text, expanded):
    assert expand_dates(text) == expanded


def test_dates_are_read_in_words_without_doubling_ngay():
    spoken = "ngày hai tháng chín năm hai nghìn không trăm hai mươi lăm"
    assert normalize_vietnamese("2/9/2025") == spoken
    assert normalize_vietnamese("ngày 02/09/2025") == spoken
    assert "ngày ngày" not in normalize_vietnamese("Ngày 2/9/2025 và ngày 19/5")
    assert normalize_vietnamese("19/5") == "ngày mười chín tháng năm"


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("7h30", "7 giờ 30 phút"),
        ("07h05'", "7 giờ 5 phút"),
        ("7h", "7 giờ"),
        ("7h00", "7 giờ"),
        ("7 giờ 30", "7 giờ 30 phút"),
        ("7 giờ 30 phút", "7 giờ 30 phút"),
        ("lúc 14:45.", "lúc 14 giờ 45 phút."),
        ("25h70", "25h70"),
    ],
)
def test_expand_times(text, expanded):
    assert expand_times(text) == expanded


def test_times_are_read_in_words():
    assert normalize_vietnamese("Khai mạc lúc 7h30.") == "Khai mạc lúc bảy giờ ba mươi phút."
    assert normalize_vietnamese("7 giờ 30") == "bảy giờ ba mươi phút"


# --------------------------------------------------------------------------- abbreviations and Roman numerals


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("UBND TP. Hà Nội", "Ủy ban nhân dân thành phố Hà Nội"),
        ("HĐND TP Hà Nội", "Hội đồng nhân dân thành phố Hà Nội"),
        ("Tp. Huế", "thành phố Huế"),
        ("TP.HCM và TPHCM", "Thành phố Hồ Chí Minh và Thành phố Hồ Chí Minh"),
        ("Sở VHTT", "Sở Văn hóa và Thể thao"),
        ("Sở VH&TT", "Sở Văn hóa và Thể thao"),
        ("hệ thống TTCS", "hệ thống thông tin cơ sở"),
        ("BCH Đoàn TNCS Hồ Chí Minh", "Ban Chấp hành Đoàn Thanh niên Cộng sản Hồ Chí Minh"),
        ("ứng dụng CNTT", "ứng dụng công nghệ thông tin"),
        ("ATGT", "an toàn giao thông"),
        ("BHXH, BHYT", "bảo hiểm xã hội, bảo hiểm y tế"),
        ("MTTQ", "Mặt trận Tổ quốc"),
        ("QĐND và CAND", "Quân đội nhân dân và Công an nhân dân"),
        # Whole words and case-sensitive only.
        ("ubnd", "ubnd"),
        ("UBNDX", "UBNDX"),
        ("TPX", "TPX"),
    ],
)
def test_abbreviations(text, spoken):
    assert normalize_vietnamese(text) == spoken


def test_abbreviations_can_be_extended(monkeypatch):
    monkeypatch.setitem(ABBREVIATIONS, "THCS", "trung học cơ sở")
    assert normalize_vietnamese("trường THCS") == "trường trung học cơ sở"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Đại hội XIV", "Đại hội mười bốn"),
        ("Đại hội Đảng bộ thành phố lần thứ XVIII", "Đại hội Đảng bộ thành phố lần thứ mười tám"),
        ("Quốc hội khóa XV", "Quốc hội khóa mười lăm"),
        ("HĐND thành phố khoá XVI", "Hội đồng nhân dân thành phố khoá mười sáu"),
        ("đại hội IX", "đại hội chín"),
        # Not after a congress/term word, or not a well-formed numeral: untouched.
        ("Chương VI", "Chương VI"),
        ("Đại hội CLB", "Đại hội CLB"),
        ("Đại hội IIII", "Đại hội IIII"),
    ],
)
def test_roman_numerals(text, spoken):
    assert normalize_vietnamese(text) == spoken


def test_roman_to_int():
    assert roman_to_int("XVIII") == 18
    assert roman_to_int("XIV") == 14
    assert roman_to_int("XC") == 90
    with pytest.raises(ValueError):
        roman_to_int("IIII")


# --------------------------------------------------------------------------- HTML and whitespace


def test_html_is_stripped_and_paragraphs_get_pauses():
    html = (
        "<h2>Thông báo</h2>\n<p>UBND   phường&nbsp;Hoàn Kiếm <strong>tổ chức</strong> ngày 2/9/2025.</p>"
        "<ul><li>Địa điểm: hồ Gươm</li><li>Thời gian: 7h30</li></ul><script>alert(1)</script>"
        "<p>Trân trọng &amp; cảm ơn!</p>"
    )
    assert normalize_vietnamese(html) == (
        "Thông báo. Ủy ban nhân dân phường Hoàn Kiếm tổ chức ngày hai tháng chín năm hai nghìn không trăm "
        "hai mươi lăm. Địa điểm: hồ Gươm. Thời gian: bảy giờ ba mươi phút. Trân trọng và cảm ơn!"
    )


def test_punctuation_is_kept_and_decomposed_unicode_is_handled():
    # Text pasted from some editors arrives decomposed (NFD); the patterns are written in NFC.
    decomposed = unicodedata.normalize("NFD", "Quốc hội khóa XV, họp ngày 2/9/2025!")
    assert normalize_vietnamese(decomposed) == (
        "Quốc hội khóa mười lăm, họp ngày hai tháng chín năm hai nghìn không trăm hai mươi lăm!"
    )


def test_estimate_air_time_counts_spoken_words():
    # "1.250.000" is one token on screen but seven spoken words: một triệu hai trăm năm mươi nghìn.
    assert estimate_air_time_seconds("1.250.000", 60) == 7
    assert estimate_air_time_seconds("", 150) == 0
    assert estimate_air_time_seconds(" ".join(["tin"] * 150), 150) == 60
    with pytest.raises(ValueError):
        estimate_air_time_seconds("tin", 0)


# --------------------------------------------------------------------------- espeak-ng (real engine)

# 20 spoken words.
SENTENCE = "UBND TP. Hà Nội thông báo tổ chức các hoạt động văn hóa và thể thao."


def sixty_words() -> str:
    text = " ".join([SENTENCE] * 3)
    words = normalize_vietnamese(text).split()
    assert len(words) == 60, len(words)
    return text


@pytest.fixture
def espeak() -> EspeakBackend:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed (Debian package espeak-ng; `make test` installs it)")
    return EspeakBackend(voice="vi", words_per_minute=150)


def test_espeak_has_a_vietnamese_voice(espeak):
    voices = subprocess.run(["espeak-ng", "--voices=vi"], capture_output=True, text=True, check=True).stdout
    assert any(line.split()[1] == "vi" for line in voices.splitlines()[1:] if line.split())


def test_espeak_renders_a_wav_of_plausible_duration(espeak, tmp_path):
    short = espeak.render(SENTENCE, tmp_path / "short.wav")
    long = espeak.render(sixty_words(), tmp_path / "out" / "long.wav")

    assert long.path == tmp_path / "out" / "long.wav"
    assert long.backend == "espeak-ng"
    assert long.voice == "vi"
    with wave.open(str(long.path), "rb") as wav:
        assert wav.getnchannels() == 1
        assert wav.getnframes() > 0
        assert long.duration_seconds == pytest.approx(wav.getnframes() / wav.getframerate())
    # 60 words at 150 wpm is about 24 s of speech; allow for pauses and engine differences.
    assert 10 <= long.duration_seconds <= 60
    assert short.duration_seconds < long.duration_seconds
    # No temporary files are left next to the results.
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["long.wav", "short.wav"]


def test_espeak_rate_changes_duration(espeak, tmp_path):
    slow = EspeakBackend(words_per_minute=100).render(SENTENCE, tmp_path / "slow.wav")
    fast = EspeakBackend(words_per_minute=250).render(SENTENCE, tmp_path / "fast.wav")
    assert fast.duration_seconds < slow.duration_seconds


def test_espeak_reads_text_only_from_stdin(espeak, tmp_path):
    # Text that looks like options must be spoken, not parsed as arguments.
    result = espeak.render("--help -w /tmp/x.wav; rm -rf /", tmp_path / "odd.wav")
    assert result.duration_seconds > 0.5


def test_espeak_failure_raises_speech_error_and_keeps_previous_file(espeak, tmp_path):
    target = tmp_path / "bulletin.wav"
    target.write_bytes(b"previous recording")
    with pytest.raises(SpeechError, match="exit code"):
        EspeakBackend(voice="zz-no-such-voice").render("xin chào", target)
    assert target.read_bytes() == b"previous recording"
    assert [p.name for p in tmp_path.iterdir()] == ["bulletin.wav"]


def test_missing_espeak_executable_raises_speech_error(tmp_path):
    backend = EspeakBackend(executable="espeak-ng-not-installed")
    with pytest.raises(SpeechError, match="not installed"):
        backend.render("xin chào", tmp_path / "x.wav")
    assert not (tmp_path / "x.wav").exists()


def test_empty_text_raises_speech_error(tmp_path):
    with pytest.raises(SpeechError, match="no text"):
        EspeakBackend().render("<p> </p>", tmp_path / "x.wav")


def test_espeak_rejects_absurd_rate():
    with pytest.raises(SpeechError):
        EspeakBackend(words_per_minute=5)


# --------------------------------------------------------------------------- Piper (no model, no download)


def test_piper_without_model_raises_speech_error(tmp_path):
    backend = PiperBackend(tmp_path / "vi_VN-missing.onnx")
    with pytest.raises(SpeechError, match="does not exist"):
        backend.render("xin chào", tmp_path / "x.wav")
    assert not (tmp_path / "x.wav").exists()


def fake_model(tmp_path: Path) -> Path:
    model = tmp_path / "vi_VN-test-medium.onnx"
    model.write_bytes(b"not really onnx")
    model.with_name(model.name + ".json").write_text("{}")
    return model


def test_piper_not_installed_raises_speech_error(tmp_path):
    backend = PiperBackend(fake_model(tmp_path), executable="piper-not-installed")
    with pytest.raises(SpeechError, match="not installed"):
        backend.render("xin chào", tmp_path / "x.wav")


FAKE_PIPER = """#!{python}
import sys, wave
args = sys.argv[1:]
text = sys.stdin.read()
assert args[args.index("--model") + 1].endswith(".onnx"), args
out = args[args.index("--output_file") + 1]
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
    w.writeframes(b"\\0\\0" * 2205 * len(text.split()))  # 0.1 s per word
"""


def test_piper_render_with_a_stand_in_executable(tmp_path):
    # The real Piper and its models are not installed in CI; a stand-in checks the command line and stdin.
    piper = tmp_path / "piper"
    piper.write_text(FAKE_PIPER.format(python=sys.executable))
    piper.chmod(0o755)
    backend = PiperBackend(fake_model(tmp_path), executable=str(piper), speaker=1, length_scale=1.1)

    command = backend.command_line(tmp_path / "x.wav")
    assert command[1:] == [
        "--model",
        str(tmp_path / "vi_VN-test-medium.onnx"),
        "--config",
        str(tmp_path / "vi_VN-test-medium.onnx.json"),
        "--output_file",
        str(tmp_path / "x.wav"),
        "--speaker",
        "1",
        "--length_scale",
        "1.1",
    ]
    result = backend.render("UBND phường", tmp_path / "out.wav")  # normalised: 5 words -> 0.5 s
    assert result.backend == "piper"
    assert result.voice == "vi_VN-test-medium"
    assert result.duration_seconds == pytest.approx(0.5)


# --------------------------------------------------------------------------- uploads and the factory


def write_wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\0\0" * int(rate * seconds))
    return path


def test_uploaded_wav_duration(tmp_path):
    assert UploadedRecordingBackend.probe_duration(write_wav(tmp_path / "ban-tin.wav", 1.5)) == 1.5


def test_uploaded_recording_errors(tmp_path):
    with pytest.raises(SpeechError, match="not found"):
        UploadedRecordingBackend.probe_duration(tmp_path / "missing.wav")
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF nonsense")
    with pytest.raises(SpeechError, match="PCM WAV"):
        UploadedRecordingBackend.probe_duration(broken)
    mp3 = tmp_path / "ban-tin.mp3"
    mp3.write_bytes(b"ID3")
    with pytest.raises(SpeechError, match="ffprobe"):
        UploadedRecordingBackend.probe_duration(mp3, ffprobe="ffprobe-not-installed")


def test_get_backend():
    backend = get_backend("espeak", voice="vi-vn-x-south", words_per_minute=170)
    assert isinstance(backend, EspeakBackend)
    assert (backend.voice, backend.words_per_minute) == ("vi-vn-x-south", 170)
    assert isinstance(get_backend("Piper", model_path="/nonexistent/vi.onnx"), PiperBackend)
    with pytest.raises(SpeechError, match="Unknown speech backend"):
        get_backend("google")
    with pytest.raises(SpeechError, match="Invalid options"):
        get_backend("espeak", model_path="x")
