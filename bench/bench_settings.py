"""Production settings for the page benchmark, except the static files storage: the vendored Bootstrap JS
names a source map that is not shipped, which the manifest storage's collectstatic refuses."""

from reportsite.settings import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}  # noqa: F405
