"""Speech rendering behind one small interface, so the bulletin workflow does not care which engine is used.

- EspeakBackend: espeak-ng (Debian package), always available in this project's deployments; robotic but
  intelligible Vietnamese.
- PiperBackend: the Piper neural TTS CLI with a voice model file that an administrator placed on disk.
  Nothing is ever downloaded from here.
- UploadedRecordingBackend: not a renderer; measures a recording a presenter uploaded instead.

Engines run as subprocesses with argument lists (never a shell) and the text on stdin, so bulletin text can
never be interpreted as options or shell syntax. No Django import: configuration is passed in by the caller.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import subprocess
import uuid
import wave
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from .normalize import normalize_vietnamese

__all__ = [
    "EspeakBackend",
    "PiperBackend",
    "RenderResult",
    "SpeechBackend",
    "SpeechError",
    "UploadedRecordingBackend",
    "estimate_air_time_seconds",
    "get_backend",
    "wav_duration_seconds",
]

DEFAULT_TIMEOUT_SECONDS = 300.0


class SpeechError(Exception):
    """Rendering or probing failed; the message is meant to be shown to an editor or administrator."""


@dataclass(frozen=True)
class RenderResult:
    path: Path
    duration_seconds: float
    backend: str
    voice: str


def wav_duration_seconds(path: Path | str) -> float:
    """Duration of a PCM WAV file, read from its header with the standard library."""
    try:
        with wave.open(str(path), "rb") as wav:
            rate = wav.getframerate()
            if rate <= 0:
                raise SpeechError(f"{path}: WAV header has no sample rate")
            return wav.getnframes() / rate
    except FileNotFoundError as exc:
        raise SpeechError(f"{path}: file not found") from exc
    except (wave.Error, EOFError) as exc:
        # Python 3.11's wave only reads integer PCM; float or compressed WAVs need ffprobe.
        raise SpeechError(f"{path}: not a readable PCM WAV file ({exc})") from exc


def estimate_air_time_seconds(text: str, words_per_minute: int) -> int:
    """Air time estimate, rounded up, counting the words that will actually be spoken.

    Counting after normalisation matters: "1.250.000" is one token on screen but six spoken words.
    Vietnamese words are syllables separated by spaces, the same unit espeak-ng's -s rate uses.
    """
    if words_per_minute <= 0:
        raise ValueError("words_per_minute must be positive")
    words = [token for token in normalize_vietnamese(text).split() if any(ch.isalnum() for ch in token)]
    return math.ceil(len(words) * 60 / words_per_minute)


def _resolve_executable(executable: str, hint: str) -> str:
    found = shutil.which(executable)
    if found is None:
        raise SpeechError(f"Speech engine '{executable}' is not installed or not on PATH. {hint}")
    return found


def _run(command: list[str], text: str, timeout: float, label: str) -> None:
    try:
        completed = subprocess.run(  # argument list, no shell; text goes to stdin
            command,
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise SpeechError(f"{label}: executable {command[0]!r} not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise SpeechError(f"{label}: no result after {timeout:g} s; the text may be too long") from exc
    except OSError as exc:
        raise SpeechError(f"{label}: could not start {command[0]!r}: {exc}") from exc
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip() or "no error output"
        raise SpeechError(f"{label} failed (exit code {completed.returncode}): {detail}")


class SpeechBackend(ABC):
    """Renders text to a WAV file. `render` normalises the text first unless the backend was told not to."""

    name: ClassVar[str]
    voice: str

    def __init__(self, *, normalize: bool = True, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.normalize = normalize
        self.timeout = timeout

    @abstractmethod
    def command_line(self, output_path: Path) -> list[str]:
        """The argument list that reads text on stdin and writes a WAV to output_path."""

    def prepare_text(self, text: str) -> str:
        spoken = normalize_vietnamese(text) if self.normalize else " ".join(text.split())
        if not spoken:
            raise SpeechError("There is no text to read out.")
        return spoken

    def render(self, text: str, output_path: Path) -> RenderResult:
        spoken = self.prepare_text(text)
        output_path = Path(output_path)
        output_path.parent.mkdir(parents=True, exist_ok=True)
        # Render next to the target and rename at the end, so a failed or interrupted run never leaves a
        # truncated file where the previous good recording was. The engine creates the file itself, so it
        # gets the process umask (mkstemp would make it 0600 and unreadable to a separate web server).
        tmp_path = output_path.with_name(f".{output_path.name}.{uuid.uuid4().hex}.tmp")
        try:
            self._run_engine(spoken, tmp_path)
            if tmp_path.stat().st_size == 0:
                raise SpeechError(f"{self.name} produced an empty file")
            duration = wav_duration_seconds(tmp_path)
            os.replace(tmp_path, output_path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp_path.unlink()
        return RenderResult(path=output_path, duration_seconds=duration, backend=self.name, voice=self.voice)

    def _run_engine(self, text: str, output_path: Path) -> None:
        _run(self.command_line(output_path), text, self.timeout, self.name)


class EspeakBackend(SpeechBackend):
    name = "espeak-ng"

    def __init__(
        self,
        voice: str = "vi",
        words_per_minute: int = 150,
        executable: str = "espeak-ng",
        *,
        normalize: bool = True,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(normalize=normalize, timeout=timeout)
        # espeak-ng clamps the rate to 80..450; reject nonsense rather than silently clamping.
        if not 80 <= words_per_minute <= 450:
            raise SpeechError("words_per_minute must be between 80 and 450 for espeak-ng")
        self.voice = voice
        self.words_per_minute = words_per_minute
        self.executable = executable

    def command_line(self, output_path: Path) -> list[str]:
        exe = _resolve_executable(self.executable, "Install the Debian package espeak-ng.")
        # -b 1: the input is UTF-8 whatever the server locale is (a C locale would garble the diacritics).
        rate = str(self.words_per_minute)
        return [exe, "-v", self.voice, "-s", rate, "-b", "1", "-w", str(output_path), "--stdin"]


class PiperBackend(SpeechBackend):
    """Piper neural TTS with a local `.onnx` voice model and its `.onnx.json` config next to it.

    The model path must exist: some Piper versions try to download a voice when given a name instead of a
    file, and this project must never fetch models at run time.
    """

    name = "piper"

    def __init__(
        self,
        model_path: Path | str,
        executable: str = "piper",
        *,
        speaker: int | None = None,
        length_scale: float | None = None,
        normalize: bool = True,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(normalize=normalize, timeout=timeout)
        self.model_path = Path(model_path)
        self.config_path = self.model_path.with_name(self.model_path.name + ".json")
        self.executable = executable
        self.speaker = speaker
        self.length_scale = length_scale
        self.voice = self.model_path.stem

    def _check_model(self) -> None:
        if not self.model_path.is_file():
            raise SpeechError(
                f"Piper voice model {self.model_path} does not exist; an administrator must install it."
            )
        if not self.config_path.is_file():
            raise SpeechError(f"Piper voice model config {self.config_path} does not exist.")

    def command_line(self, output_path: Path) -> list[str]:
        self._check_model()
        exe = _resolve_executable(self.executable, "Install Piper and set its path in the settings.")
        # Underscore spellings are accepted by both the C++ binary and the Python piper-tts CLI.
        command = [exe, "--model", str(self.model_path), "--config", str(self.config_path)]
        command += ["--output_file", str(output_path)]
        if self.speaker is not None:
            command += ["--speaker", str(self.speaker)]
        if self.length_scale is not None:
            command += ["--length_scale", str(self.length_scale)]
        return command


class UploadedRecordingBackend:
    """A presenter's own recording instead of synthesis: only its duration is needed.

    WAV is measured with the standard library. Other formats (MP3, M4A, OGG) are measured with ffprobe when
    it happens to be installed; ffprobe is not a requirement of this project, so without it they raise
    SpeechError and the caller should ask for a WAV or enter the duration by hand.
    """

    name = "upload"

    @staticmethod
    def probe_duration(path: Path | str, ffprobe: str = "ffprobe", timeout: float = 30.0) -> float:
        path = Path(path)
        if not path.is_file():
            raise SpeechError(f"{path}: file not found")
        if path.suffix.lower() in {".wav", ".wave"}:
            return wav_duration_seconds(path)
        exe = shutil.which(ffprobe)
        if exe is None:
            raise SpeechError(
                f"{path.name}: only WAV durations can be measured without ffprobe (not installed); "
                "upload a WAV file or enter the duration by hand."
            )
        command = [exe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SpeechError(f"{path.name}: ffprobe failed: {exc}") from exc
        try:
            return float(completed.stdout.strip())
        except ValueError as exc:
            detail = completed.stderr.strip()
            raise SpeechError(f"{path.name}: ffprobe could not read a duration ({detail})") from exc


_BACKENDS: dict[str, type[SpeechBackend]] = {
    "espeak": EspeakBackend,
    "espeak-ng": EspeakBackend,
    "piper": PiperBackend,
}


def get_backend(name: str, **options: Any) -> SpeechBackend:
    """Build a renderer from a settings value, e.g. get_backend("piper", model_path="/srv/voices/vi.onnx")."""
    try:
        backend_class = _BACKENDS[name.strip().lower()]
    except KeyError:
        known = ", ".join(sorted(_BACKENDS))
        raise SpeechError(f"Unknown speech backend {name!r}; choose one of: {known}") from None
    try:
        return backend_class(**options)
    except TypeError as exc:
        raise SpeechError(f"Invalid options for speech backend {name!r}: {exc}") from exc
