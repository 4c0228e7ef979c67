"""URLs of the app. The public URLs are a fixed contract (see docs/product.md)."""

from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links (a PDF opened in the browser, old clients). The
    static URL is looked up per request: with the manifest storage it exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static("favicon/favicon.ico"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("workspace/", include("disclosure.workspace.urls")),
    path("", include("disclosure.public.urls")),
]
