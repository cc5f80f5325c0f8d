"""Forms of the knowledge-base pages; they parse input, the rules are in ``workflow``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import StyledFormMixin
from kefu.kb.access import confirmable_department_ids
from kefu.kb.models import Category
from kefu.org.models import Department
from kefu.tickets.forms import DATETIME_WIDGET
from kefu.tickets.models import BusinessLine


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name


def _category_field(required: bool = True) -> CategoryChoice:
    return CategoryChoice(
        queryset=Category.objects.select_related("parent").order_by(
            "parent__sort_order", "sort_order", "name"
        ),
        label=_("Category"),
        required=required,
    )


def _business_line_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=BusinessLine.objects.filter(is_active=True),
        label=_("Business line"),
        required=False,
        to_field_name="code",
    )


def _department_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Department.objects.filter(is_active=True),
        label=_("Issuing department"),
        help_text=_(
            "The department that confirms the wording. Only departments with someone who can "
            "confirm are listed; leave it empty for the center's own articles (the manager "
            "confirms)."
        ),
        required=False,
    )


class IssuerFormMixin:
    """Offers as issuing department only those whose articles someone can confirm (R-KB-1), and
    the article's current one, so that an edit shows it (``workflow`` refuses a change to a
    department nobody confirms for)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = (kwargs.get("initial") or {}).get("issuing_department")
        ids = confirmable_department_ids()
        if current is not None:
            ids.add(getattr(current, "pk", current))
        field = self.fields["issuing_department"]  # type: ignore[attr-defined]
        field.queryset = Department.objects.filter(pk__in=ids)


class SearchForm(StyledFormMixin, forms.Form):
    compact = True
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    category = _category_field(required=False)
    business_line = _business_line_field()
    unpublished = forms.BooleanField(label=_("Include unpublished"), required=False)


class NoticeForm(IssuerFormMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    notice_ref = forms.CharField(label=_("Notice reference"), max_length=60, required=False)
    category = _category_field()
    issuing_department = _department_field()
    business_line = _business_line_field()
    received_at = forms.DateTimeField(
        label=_("Notice received at"), widget=DATETIME_WIDGET, required=False
    )
    effective_from = forms.DateTimeField(
        label=_("Effective from (rollout)"), widget=DATETIME_WIDGET, required=False
    )
    effective_to = forms.DateTimeField(
        label=_("Effective to"), widget=DATETIME_WIDGET, required=False
    )
    body = forms.CharField(
        label=_("Notice text"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    source = forms.FileField(label=_("Original document"), required=False)


class ArticleForm(IssuerFormMixin, StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = _category_field()
    business_line = _business_line_field()
    issuing_department = _department_field()
    tags = forms.CharField(label=_("Tags"), max_length=200, required=False)
    wording = forms.CharField(
        label=_("Unified wording (统一口径)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    body = forms.CharField(
        label=_("Body (Markdown)"), widget=forms.Textarea(attrs={"rows": 12}), required=False
    )
    effective_from = forms.DateTimeField(
        label=_("Effective from"), widget=DATETIME_WIDGET, required=False
    )
    effective_to = forms.DateTimeField(
        label=_("Effective to"), widget=DATETIME_WIDGET, required=False
    )
    note = forms.CharField(
        label=_("What changed (for a new version)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    # When the page loaded the article (its updated_at): a second editor's save of an older
    # page is refused instead of overwriting the first one's (workflow._lock).
    seen = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("note", "seen")}


class StepForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note / reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AttachForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("File"))
    is_source = forms.BooleanField(label=_("Original source document"), required=False)
