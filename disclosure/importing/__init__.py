"""Recognising reports that agencies already published (HTML, Word, PDF, text) — issue 10.

``readers`` turn a file into a ``Source`` (paragraphs and tables with their merged cells); ``recognise``
finds the organization, the year, the narrative parts and the three tables in it by matching the labels of
the edition descriptions (disclosure/formats), and gives a document in the shape of disclosure/documents.py
with a status for every cell. Nothing here touches the database; ``historical`` stores what was confirmed.
"""

from .readers import MAX_FILE_SIZE, ImportRefused, read_file  # noqa: F401
from .recognition import Recognition, recognise  # noqa: F401


def recognise_file(name, data):
    """Read and recognise one file's bytes; raise ImportRefused with a Chinese message."""
    return recognise(read_file(name, data))
