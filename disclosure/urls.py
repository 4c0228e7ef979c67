"""URLs of the app. The public URLs are a fixed contract (see docs/product.md)."""

from django.urls import include, path

urlpatterns = [
    path("workspace/", include("disclosure.workspace.urls")),
    path("", include("disclosure.public.urls")),
]
