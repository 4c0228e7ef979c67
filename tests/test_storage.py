"""Rendered files in storage: how downloads are sent (S3 signed redirect, X-Accel-Redirect, file response),
and migration 0006, which moved the PDFs and page bodies that earlier versions kept in the database."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from disclosure.models import PublishedVersion
from disclosure.public.files import read_text

from .test_public import published, published_rows  # noqa: F401  (fixtures)

PDF = "/reports/agency/2021.pdf"


def test_behind_nginx_a_download_is_an_x_accel_redirect_to_the_stored_file(client, published, settings):  # noqa: F811
    settings.MEDIA_ACCEL_REDIRECT = "/_media/"
    response = client.get(PDF)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/_media/" + published.pdf.name
    assert response["Content-Type"] == "application/pdf" and response["ETag"] == f'"{published.pdf_sha256}"'
    assert (settings.MEDIA_ROOT / published.pdf.name).is_file()


@pytest.fixture
def s3(settings):
    """The default storage in a moto-mocked S3 bucket."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="reports")
        settings.S3_BUCKET = "reports"
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "reports",
                    "region_name": "us-east-1",
                    "querystring_expire": 300,
                    "signature_version": "s3v4",
                    "default_acl": None,
                },
            },
        }
        yield


@pytest.mark.django_db
def test_with_s3_a_download_is_a_redirect_to_a_short_lived_signed_url(client, s3, settings):
    from disclosure.publishing import publish_report

    from .test_public import make_government, make_report

    version = publish_report(make_report(make_government()), None, require_approved=False)
    assert version.render_state == "ready" and default_storage.exists(version.pdf.name)
    response = client.get(PDF)
    assert response.status_code == 302
    location = response["Location"]
    assert version.pdf.name in location and "X-Amz-Expires=300" in location
    assert "response-content-disposition=inline" in location and "response-content-type=application%2Fpdf" in location
    assert response["ETag"] == f'"{version.pdf_sha256}"'
    assert response["Cache-Control"] == f"public, max-age={settings.SIGNED_URL_SECONDS // 2}"
    # The page body is read from the bucket too.
    assert version.report.title in client.get("/reports/agency/2021/").content.decode()


def test_a_304_opens_no_file(client, published, monkeypatch):  # noqa: F811
    etag = client.get(PDF)["ETag"]

    def refuse(*args, **kwargs):
        raise AssertionError("the storage was asked for the file")

    monkeypatch.setattr(type(default_storage._wrapped), "open", refuse)
    assert client.get(PDF, HTTP_IF_NONE_MATCH=etag).status_code == 304


# ---- migration 0006 ----------------------------------------------------------------------------------------

BEFORE = [("disclosure", "0005_rendering_in_storage")]
AFTER = [("disclosure", "0007_drop_outputs_from_database")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_pdfs_and_bodies_out_of_the_database_into_storage():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    org = old.get_model("disclosure", "Organization").objects.create(slug="agency", name="测试局")
    report = old.get_model("disclosure", "AnnualReport").objects.create(organization=org, year=2021, edition="2021")
    pdf, html = b"%PDF-1.7 old bytes", "<p>旧正文</p>"
    content = {"parts": [{"code": "proactive", "rows": [{"code": "r", "cells": [{"column": "c", "value": 3}]}]}]}
    version = old.get_model("disclosure", "PublishedVersion").objects.create(
        report=report, number=1, content=content, html=html, pdf=pdf, pdf_sha256="x", published_at=timezone.now()
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # the later migrations too: the model is today's

    moved = PublishedVersion.objects.get(pk=version.pk)
    assert moved.render_state == "ready"
    assert moved.pdf.read() == pdf and moved.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert moved.pdf_size == len(pdf) and moved.pdf.name.startswith(f"reports/agency/2021/v1-{version.pk}-")
    assert read_text(moved.body) == html
    assert [(f.table, f.row, f.column, f.value) for f in moved.figures.all()] == [("proactive", "r", "c", 3)]
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, moved._meta.db_table)}
    assert "html" not in columns and "pdf_file" not in columns
