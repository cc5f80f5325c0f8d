"""The seeded taxonomy speaks the reader's language: it is data, so it carries an English name."""

from __future__ import annotations

from django.utils import translation

from kefu.tickets.models import CallType, Nature


def test_seeded_call_types_and_natures_have_english_names(db):
    complaint, tariff = CallType.objects.get(code="A1"), Nature.objects.get(code="tariff")
    with translation.override("zh-hans"):
        assert (str(complaint), str(tariff)) == ("A1 客户投诉", "资费")
    with translation.override("en"):
        assert (str(complaint), str(tariff)) == ("A1 Customer complaint", "Charges")


def test_an_item_without_an_english_name_shows_its_name_in_english_too(db):
    nature = Nature.objects.create(code="billing-new", name="新计费")
    with translation.override("en"):
        assert str(nature) == nature.label == "新计费"


def test_the_queue_filters_offer_english_names_in_english(org, client):
    org["agent"].language = "en"
    org["agent"].save(update_fields=["language"])
    client.force_login(org["agent"])
    html = client.get("/tickets/").content.decode()
    assert "Customer complaint" in html
    assert "客户投诉" not in html
