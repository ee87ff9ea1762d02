"""Static files in production: whitenoise's compressed, hashed storage, except that a vendored stylesheet pointing
at a file its package does not ship (viewflow 2.4's Roboto CSS names fonts that are not in the wheel) keeps that
reference as it is instead of stopping `collectstatic` (the browser then falls back to the system font)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:  # whitenoise's MissingFileError: the referenced file does not exist
            return name
