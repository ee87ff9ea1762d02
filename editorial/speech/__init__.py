"""Text-to-speech for radio bulletins: Vietnamese text normalisation and rendering backends."""

from .backends import (
    EspeakBackend,
    PiperBackend,
    RenderResult,
    SpeechBackend,
    SpeechError,
    UploadedRecordingBackend,
    estimate_air_time_seconds,
    get_backend,
)
from .normalize import ABBREVIATIONS, normalize_vietnamese, number_to_words

__all__ = [
    "ABBREVIATIONS",
    "EspeakBackend",
    "PiperBackend",
    "RenderResult",
    "SpeechBackend",
    "SpeechError",
    "UploadedRecordingBackend",
    "estimate_air_time_seconds",
    "get_backend",
    "normalize_vietnamese",
    "number_to_words",
]
