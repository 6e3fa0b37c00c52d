"""Static files with or without `collectstatic` having been run.

`ManifestOrSourceStorage` is WhiteNoise's compressed manifest storage (hashed names, far-future
caching) once `pave collectstatic` has written its manifest. Before that, instead of failing
every page with "Missing staticfiles manifest entry" (a 500), it gives the plain names, which
WhiteNoise then serves from the source tree (settings: WHITENOISE_USE_FINDERS is on while the
manifest is missing). With a manifest, a missing entry still fails loudly: that is a broken
deployment, not a fresh one.
"""

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestOrSourceStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.manifest_missing = self.read_manifest() is None

    def stored_name(self, name: str) -> str:
        if self.manifest_missing:
            return name
        return super().stored_name(name)
