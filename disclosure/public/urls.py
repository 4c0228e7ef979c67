"""Public URLs (permalinks): published versions only. Owned by the publication work."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/<slug:slug>/<int:year>/", views.report, name="report"),
]
