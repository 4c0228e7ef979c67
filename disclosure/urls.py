"""URLs of the app. The public URLs are a fixed contract (see shared/spec/product.md)."""

from django.urls import include, path

from . import views

public_patterns = [
    path("", views.home, name="home"),
    path("reports/<slug:slug>/<int:year>/", views.report, name="report"),
]

urlpatterns = [
    path("", include((public_patterns, "public"))),
]
