"""The official format editions, described once as data. A report's year picks its edition."""

from . import edition2019, edition2021
from .base import NOT_APPLICABLE, CellKey, CellKind  # noqa: F401

EDITIONS = {edition.code: edition for edition in (edition2019.EDITION, edition2021.EDITION)}


class UnknownEdition(LookupError):
    pass


def edition_for_year(year):
    for edition in EDITIONS.values():
        if edition.covers(year):
            return edition
    raise UnknownEdition(f"{year}年没有适用的年度报告格式")


def get_edition(code):
    try:
        return EDITIONS[code]
    except KeyError:
        raise UnknownEdition(f"未知的格式版本“{code}”") from None
