"""The ``<year:…>`` URL converter of the public and workspace URLs: a four-digit year a date can hold.

A year outside 1–9998 (9999 has no following year, where the publication deadline falls) matches no URL,
so it is a 404 like any unknown address, never a 500 from ``datetime.date``.
"""

import datetime

from django.urls import register_converter


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        year = int(value)
        if not datetime.MINYEAR <= year < datetime.MAXYEAR:
            raise ValueError(f"year {year} is out of range")  # Django answers: no such URL
        return year

    def to_url(self, value):
        return f"{int(value):04d}"


register_converter(YearConverter, "year")
