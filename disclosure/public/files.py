"""Sending a rendered file from storage to a visitor without reading its bytes from the database.

- S3-compatible storage (``S3_BUCKET``): a redirect to a short-lived signed URL, which also tells the object
  store the file name and type to answer with; the bytes never pass through Django.
- Local storage behind nginx (``MEDIA_ACCEL_REDIRECT``, e.g. ``/_media/``): an empty response with
  ``X-Accel-Redirect``; nginx sends the file from its internal location.
- Local storage otherwise: a ``FileResponse`` streaming the file (sendfile-capable under gunicorn).
"""

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header


def serve(field_file, *, filename, content_type, attachment):
    """The response that sends ``field_file`` (a FieldFile in the default storage)."""
    disposition = content_disposition_header(attachment, filename)
    if settings.S3_BUCKET:
        url = field_file.storage.url(
            field_file.name,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
            expire=settings.SIGNED_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
        response.signed_redirect = True
        return response
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + field_file.name
        response["Content-Disposition"] = disposition
        return response
    response = FileResponse(field_file.storage.open(field_file.name, "rb"), content_type=content_type)
    response["Content-Disposition"] = disposition
    response.stored_file = field_file.name  # for the page cache: it keeps the name, not the bytes
    return response


def read_text(field_file):
    with field_file.storage.open(field_file.name, "rb") as f:
        return f.read().decode("utf-8")
