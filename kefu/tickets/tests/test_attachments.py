"""Files on an order are downloaded only by people who may see the order (R-ORG-3, R-SEC-1)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kefu.tickets import actions
from kefu.tickets.models import Attachment


@pytest.fixture
def attach(org):
    def make(ticket, name, content, content_type, by=None):
        upload = SimpleUploadedFile(name, content, content_type=content_type)
        return actions.attach_file(
            by or org["agent"], ticket, upload, expected_version=ticket.version
        )

    return make


def _url(attachment):
    return reverse(
        "tickets:attachment", kwargs={"number": attachment.ticket.number, "pk": attachment.pk}
    )


def _body(response):
    return b"".join(response.streaming_content)


def test_a_recording_plays_in_the_browser_for_someone_who_may_see_the_order(
    org, register, attach, client
):
    ticket = register("A1", "III")
    recording = attach(ticket, "来电录音.wav", b"RIFF....WAVE", "audio/wav")
    client.force_login(org["agent"])

    response = client.get(_url(recording))

    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert response["Content-Disposition"].startswith("inline")
    assert (
        "filename*=utf-8''%E6%9D%A5%E7%94%B5%E5%BD%95%E9%9F%B3.wav"
        in (response["Content-Disposition"])
    )
    assert _body(response) == b"RIFF....WAVE"


def test_a_document_is_downloaded_under_its_original_name(org, register, attach, client):
    ticket = register("A1", "III")
    letter = attach(ticket, "letter.html", b"<script>alert(1)</script>", "text/html")
    client.force_login(org["senior"])

    response = client.get(_url(letter))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="letter.html"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_timeline_links_the_protected_download_and_plays_recordings(
    org, register, attach, client
):
    ticket = register("A1", "III")
    recording = attach(ticket, "voicemail.wav", b"RIFF", "audio/wav")
    client.force_login(org["agent"])

    html = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()

    assert f'href="{_url(recording)}"' in html
    assert f'<audio controls preload="none" class="w-100 mt-1" src="{_url(recording)}"' in html
    assert "/media/" not in html


def test_it_is_404_for_a_handler_of_another_department_and_an_outsider(
    org, register, attach, client, outsider
):
    ticket = register("A1", "III")
    actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)
    ticket.refresh_from_db()
    photo = attach(ticket, "现场.jpg", b"\xff\xd8\xff", "image/jpeg")

    client.force_login(org["market_handler"])
    assert client.get(_url(photo)).status_code == 404
    client.force_login(outsider)
    assert client.get(_url(photo)).status_code == 404
    client.force_login(org["handler"])  # the order was dispatched to their department
    response = client.get(_url(photo))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")


def test_it_is_a_login_for_the_anonymous_and_media_has_no_route(org, register, attach, client):
    ticket = register("A1", "III")
    photo = attach(ticket, "photo.jpg", b"\xff\xd8\xff", "image/jpeg")

    response = client.get(_url(photo))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert client.get("/media/" + photo.file.name).status_code == 404


def test_a_file_of_another_order_is_not_reachable_through_this_one(org, register, attach, client):
    mine = register("A1", "III")
    other = register("A1", "III", by=org["agent2"])
    theirs = attach(other, "other.jpg", b"\xff\xd8\xff", "image/jpeg", by=org["agent2"])
    client.force_login(org["agent"])

    url = reverse("tickets:attachment", kwargs={"number": mine.number, "pk": theirs.pk})
    assert client.get(url).status_code == 404


def test_a_missing_file_is_404_not_a_server_error(org, register, attach, client):
    ticket = register("A1", "III")
    attachment = attach(ticket, "gone.wav", b"RIFF", "audio/wav")
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(org["agent"])

    assert client.get(_url(attachment)).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()
