"""Forms of the customer pages. They only collect input; ``services`` checks and writes it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import StyledFormMixin
from kefu.customers.choices import (
    VIP_LEVELS,
    ContactKind,
    CustomerKind,
    CustomerTier,
    CustomerType,
    Source,
    TaskOutcome,
)
from kefu.customers.masking import mask_text, shown_contact
from kefu.customers.models import Customer
from kefu.customers.services import CustomerData, split_tags

SPLIT = (",", "，", ";", "；", "、", "\n")


def _split(text: str) -> list[str]:
    for sep in SPLIT[1:]:
        text = text.replace(sep, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


class FilterForm(StyledFormMixin, forms.Form):
    compact = True
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, phone, e-mail, external id")}),
    )
    tier = forms.ChoiceField(label=_("Tier"), required=False, choices=_blank(CustomerTier.choices))
    customer_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=_blank(CustomerType.choices)
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False)

    def __init__(self, *args: Any, regions: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _blank([(r, r) for r in regions or []])  # type: ignore[attr-defined]


class CustomerForm(StyledFormMixin, forms.Form):
    """Create or change a customer. Existing phone numbers and the ID number are never put into
    the form (R-SEC-1): numbers are added or removed, the ID number is replaced or kept."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=CustomerKind.choices)
    customer_type = forms.ChoiceField(label=_("Customer type"), choices=CustomerType.choices)
    tier = forms.ChoiceField(label=_("Tier"), choices=CustomerTier.choices)
    vip_level = forms.TypedChoiceField(
        label=_("VIP level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_blank([(n, f"VIP{n}") for n in VIP_LEVELS]),
    )
    region = forms.CharField(label=_("Region"), max_length=50, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    add_phones = forms.CharField(
        label=_("Phone numbers"),
        required=False,
        help_text=_("Any spelling; several separated by commas. The first is the main number."),
    )
    remove_contacts = forms.MultipleChoiceField(
        label=_("Remove phone numbers"), required=False, widget=forms.CheckboxSelectMultiple
    )
    emails = forms.CharField(label=_("E-mail addresses"), required=False)
    wechat = forms.CharField(label=_("WeChat id"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    external_id = forms.CharField(label=_("External id"), max_length=64, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=32, required=False)
    registered_on = forms.DateField(
        label=_("Registration date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    birthday = forms.DateField(
        label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 3}))
    allow_duplicate = forms.BooleanField(
        label=_("This is a different customer: create it anyway"), required=False
    )

    def __init__(self, *args: Any, customer: Customer | None = None, **kwargs: Any) -> None:
        self.customer = customer
        if customer is not None and not kwargs.get("data") and not args:
            kwargs["initial"] = self._initial(customer)
        super().__init__(*args, **kwargs)
        if customer is None:
            del self.fields["remove_contacts"]
            return
        del self.fields["allow_duplicate"]
        self.phones = list(
            customer.contacts.filter(kind=ContactKind.PHONE).order_by("-is_primary", "pk")
        )
        self.fields["remove_contacts"].choices = [  # type: ignore[attr-defined]
            (str(c.pk), shown_contact(c)) for c in self.phones
        ]
        self.fields["add_phones"].label = _("Add phone numbers")
        if customer.id_number:
            self.fields["id_number"].help_text = _(
                "Now %(masked)s. Leave empty to keep it, or type a new one."
            ) % {"masked": mask_text(customer.id_number)}

    @staticmethod
    def _initial(customer: Customer) -> dict[str, Any]:
        contacts = list(customer.contacts.all())
        first = dict.fromkeys(ContactKind.values, "")
        for c in contacts:
            first[c.kind] = first[c.kind] or c.value
        return {
            **{
                name: getattr(customer, name)
                for name in (
                    "name",
                    "kind",
                    "customer_type",
                    "tier",
                    "vip_level",
                    "region",
                    "source",
                    "external_id",
                    "registered_on",
                    "birthday",
                    "notes",
                )
            },
            "emails": ", ".join(c.value for c in contacts if c.kind == ContactKind.EMAIL),
            "wechat": first[ContactKind.WECHAT],
            "address": first[ContactKind.ADDRESS],
            "tags": ", ".join(t.name for t in customer.tags.all()),
        }

    def data_for_service(self) -> CustomerData:
        d = self.cleaned_data
        phones = _split(d["add_phones"])
        id_number = d["id_number"]
        if self.customer is not None:
            removed = set(d.get("remove_contacts") or [])
            kept = [c.value for c in self.phones if str(c.pk) not in removed]
            phones = kept + phones
            id_number = id_number or self.customer.id_number
        return CustomerData(
            name=d["name"],
            phones=phones,
            emails=_split(d["emails"]),
            wechat=d["wechat"],
            address=d["address"],
            kind=d["kind"],
            customer_type=d["customer_type"],
            tier=d["tier"],
            vip_level=d["vip_level"],
            region=d["region"],
            source=d["source"],
            external_id=d["external_id"],
            id_number=id_number,
            registered_on=d["registered_on"],
            birthday=d["birthday"],
            tags=split_tags(d["tags"]),
            notes=d["notes"],
        )


class MergeForm(forms.Form):
    source = forms.IntegerField()
    target = forms.IntegerField()


class CampaignForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=100)
    customers = forms.MultipleChoiceField(label=_("Customers"), widget=forms.MultipleHiddenInput)
    assignees = forms.MultipleChoiceField(
        label=_("Agents who make the calls"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, customer_ids: list[int], staff: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["customers"].choices = [(str(i), str(i)) for i in customer_ids]  # type: ignore[attr-defined]
        self.fields["assignees"].choices = [  # type: ignore[attr-defined]
            (str(u.pk), f"{u.name} · {u.employee_no}") for u in staff
        ]


class OutcomeForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=TaskOutcome.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            ".xlsx or .csv; the first row names the columns: 姓名/name, 电话/phone, 邮箱/email, "
            "等级/tier, 类型/type, 区域/region, 生日/birthday, 标签/tags, 备注/notes, …"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
