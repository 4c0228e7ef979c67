"""Public URLs (permalinks): published versions only. The report URLs are a fixed contract (docs/product.md)."""

from django.urls import path, register_converter

from .. import converters  # noqa: F401  (registers <year:…>)
from . import views

app_name = "public"


class DownloadFormat:
    regex = "pdf|docx|json|csv"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DownloadFormat, "fmt")

urlpatterns = [
    path("", views.home, name="home"),
    path("years/<year:year>/", views.year, name="year"),
    path("reports/<slug:slug>/", views.organization, name="organization"),
    path("reports/<slug:slug>/<year:year>/", views.report, name="report"),
    path("reports/<slug:slug>/<year:year>/summary/", views.region_summary, name="summary"),
    path("reports/<slug:slug>/<year:year>.<fmt:fmt>", views.download, name="download"),
    path("reports/<slug:slug>/<year:year>/v<int:number>/", views.report, name="version"),
    path("reports/<slug:slug>/<year:year>/v<int:number>.<fmt:fmt>", views.download, name="version_download"),
]
