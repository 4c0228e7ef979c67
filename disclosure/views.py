"""Placeholder public views; the publication issue replaces them."""

from django.http import Http404
from django.shortcuts import render

from .models import AnnualReport


def home(request):
    reports = AnnualReport.objects.select_related("organization").filter(status=AnnualReport.Status.PUBLISHED)
    return render(request, "public/home.html", {"reports": reports})


def report(request, slug, year):
    raise Http404
