from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BoundedYearField

from .models import Title


def current_school_year() -> int:
    """The year in which the current school year ends (school years start in September)."""
    today = timezone.localdate()
    return today.year + 1 if today.month >= 9 else today.year


class EligibilityCheckForm(forms.Form):
    title = forms.ModelChoiceField(
        label=_("Danh hiệu, hình thức"),
        queryset=Title.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = BoundedYearField(
        label=_("Năm học kết thúc năm"),
        kind="record",
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, nominee_kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].queryset = Title.objects.filter(
            is_active=True, nominee_kind__in=[nominee_kind, "both"]
        )
        self.fields["year"].initial = current_school_year()
