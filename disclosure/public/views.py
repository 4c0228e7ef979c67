"""Placeholder public views; the publication issue replaces them."""

from django.http import Http404
from django.shortcuts import render

from ..models import PublishedVersion


def home(request):
    versions = PublishedVersion.objects.select_related("report__organization")[:20]
    return render(request, "public/home.html", {"versions": versions})


def report(request, slug, year):
    raise Http404
