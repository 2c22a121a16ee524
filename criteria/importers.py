"""Spreadsheet import and export of criteria sets and of the achievement registry.

A criteria-set file has one row per criterion; the set's own columns repeat on each row. Only
templates are touched: frozen versions never change. A registry file has one row per fact;
importing the same file again updates the facts instead of doubling them.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields
from import_export.widgets import Widget

from core.imports import Importer, register
from core.text import clean_text
from core.widgets import (
    ChoiceWidget,
    NumberWidget,
    TextWidget,
    VietnameseDateWidget,
    YearWidget,
    YesNoWidget,
)
from units.importers import ScopedResource
from units.models import Person

from .enums import (
    CriterionKind,
    DisciplineLevel,
    NomineeCategory,
    Rating,
    RecognitionScope,
    RecordKind,
    RecordSource,
    Tier,
)
from .models import AchievementRecord, CriteriaSet, Criterion, Title
from .rules import CRITERIA_ROLES, REGISTRY_ROLES

CATEGORY_ALIASES = {
    "Tập thể tổ": NomineeCategory.COLLECTIVE,
    "CBQL": NomineeCategory.MANAGER,
    "Giáo viên": NomineeCategory.TEACHER,
    "Giảng viên": NomineeCategory.TEACHER,
    "Học sinh": NomineeCategory.STUDENT,
    "Sinh viên": NomineeCategory.STUDENT,
    "Cá nhân": NomineeCategory.TEACHER,
}
TIER_ALIASES = {
    "Trường": Tier.SCHOOL,
    "Cơ sở": Tier.SCHOOL,
    "Huyện": Tier.DISTRICT,
    "Xã": Tier.DISTRICT,
    "Tỉnh": Tier.PROVINCE,
    "Sở": Tier.PROVINCE,
    "Bộ": Tier.PROVINCE,
}
KIND_ALIASES = {
    "Xác nhận": CriterionKind.ATTESTATION,
    "Minh chứng": CriterionKind.EVIDENCE,
    "Định lượng": CriterionKind.NUMERIC,
}
RECORD_ALIASES = {
    "Danh hiệu": RecordKind.TITLE,
    "Khen thưởng": RecordKind.TITLE,
    "Đề tài": RecordKind.RESEARCH,
    "Đang xem xét kỷ luật": RecordKind.DISCIPLINE_REVIEW,
}


class TitleWidget(Widget):
    """A title by its code, its name or its short name."""

    def clean(self, value, row=None, **kwargs):
        text = clean_text(str(value or ""))
        if not text:
            return None
        for title in Title.objects.all():
            if text.casefold() in {
                title.code.casefold(),
                title.name.casefold(),
                title.short_name.casefold(),
            }:
                return title
        raise ValueError(
            _("Không có danh hiệu, hình thức “%(value)s” trong danh mục.") % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


def _field(column, attribute=None, widget=None, **kwargs):
    return fields.Field(
        attribute=attribute, column_name=column, widget=widget or TextWidget(), **kwargs
    )


class CriterionResource(ScopedResource):
    scope_roles = CRITERIA_ROLES
    key_column = ""

    set_code = _field("Mã bộ tiêu chí", dehydrate_method="set_code_of")
    set_name = _field("Tên bộ tiêu chí", dehydrate_method="set_name_of")
    category = _field("Đối tượng", dehydrate_method="category_of")
    tier = _field("Cấp xét", dehydrate_method="tier_of")
    source = _field("Nguồn, căn cứ", dehydrate_method="source_of")
    owner = _field("Đơn vị sở hữu (mã)", dehydrate_method="owner_of")
    order = _field("STT", "order", NumberWidget(integer=True, required=True))
    text = _field("Nội dung tiêu chí", "text")
    kind = _field("Loại", "kind", ChoiceWidget(CriterionKind, required=True, aliases=KIND_ALIASES))
    evidence_required = _field("Bắt buộc minh chứng", "evidence_required", YesNoWidget())
    max_score = _field("Điểm tối đa", "max_score", NumberWidget())
    weight = _field("Trọng số", "weight", NumberWidget())
    threshold = _field("Ngưỡng", "threshold", NumberWidget())
    threshold_unit = _field("Đơn vị ngưỡng", "threshold_unit")

    class Meta:
        model = Criterion
        fields = [
            "set_code",
            "set_name",
            "category",
            "tier",
            "source",
            "owner",
            "order",
            "text",
            "kind",
            "evidence_required",
            "max_score",
            "weight",
            "threshold",
            "threshold_unit",
        ]
        export_order = fields
        skip_diff = True

    # --- export -----------------------------------------------------------------------------
    def set_code_of(self, c):
        return c.criteria_set.code

    def set_name_of(self, c):
        return c.criteria_set.name

    def category_of(self, c):
        return ChoiceWidget(NomineeCategory).render(c.criteria_set.category)

    def tier_of(self, c):
        return ChoiceWidget(Tier).render(c.criteria_set.tier)

    def source_of(self, c):
        return c.criteria_set.source

    def owner_of(self, c):
        return c.criteria_set.owner_unit.code if c.criteria_set.owner_unit_id else ""

    # --- import -----------------------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._sets: dict[str, CriteriaSet] = {}
        self._orders: dict[int, set[int]] = {}

    def _criteria_set(self, row) -> CriteriaSet:
        code = TextWidget().clean(row.get("Mã bộ tiêu chí"))
        if not code:
            raise ValidationError({"set_code": _("Hãy ghi mã bộ tiêu chí.")})
        if code in self._sets:
            return self._sets[code]
        errors, values = {}, {}
        for field, column, widget in (
            (
                "category",
                "Đối tượng",
                ChoiceWidget(NomineeCategory, required=True, aliases=CATEGORY_ALIASES),
            ),
            ("tier", "Cấp xét", ChoiceWidget(Tier, required=True, aliases=TIER_ALIASES)),
        ):
            try:
                values[field] = widget.clean(row.get(column))
            except ValueError as exc:
                errors[field] = str(exc)
        owner_code = TextWidget().clean(row.get("Đơn vị sở hữu (mã)"))
        owner = None
        try:
            if owner_code:
                owner = self.find_unit(owner_code, field="owner")
            elif self.actor is not None and not self.actor.is_superuser:
                raise ValidationError(
                    {
                        "owner": _(
                            "Hãy ghi mã đơn vị sở hữu; chỉ quản trị hệ thống tạo được bộ mẫu "
                            "toàn ngành."
                        )
                    }
                )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        name = TextWidget().clean(row.get("Tên bộ tiêu chí"))
        if not name:
            errors["set_name"] = _("Hãy ghi tên bộ tiêu chí.")
        existing = CriteriaSet.objects.filter(code=code, version=0).first()
        if existing is not None and existing.owner_unit_id != (owner.pk if owner else None):
            errors["set_code"] = _(
                "Mã bộ tiêu chí “%(code)s” đã thuộc đơn vị khác; hãy dùng mã khác."
            ) % {"code": code}
        if errors:
            raise ValidationError(errors)
        criteria_set = existing or CriteriaSet(code=code, version=0)
        criteria_set.name, criteria_set.owner_unit = name, owner
        criteria_set.category, criteria_set.tier = values["category"], values["tier"]
        criteria_set.source = TextWidget().clean(row.get("Nguồn, căn cứ"))
        criteria_set.save()
        self._sets[code] = criteria_set
        self._orders[criteria_set.pk] = set()
        return criteria_set

    def get_or_init_instance(self, instance_loader, row):
        criteria_set = self._criteria_set(row)
        try:
            order = NumberWidget(integer=True, required=True).clean(row.get("STT"))
        except ValueError as exc:
            raise ValidationError({"order": str(exc)}) from exc
        if order in self._orders[criteria_set.pk]:
            raise ValidationError(
                {
                    "order": _("STT %(n)s lặp lại trong bộ “%(code)s”.")
                    % {"n": order, "code": criteria_set.code}
                }
            )
        self._orders[criteria_set.pk].add(order)
        instance = Criterion.objects.filter(criteria_set=criteria_set, order=order).first()
        if instance is not None:
            return instance, False
        return Criterion(criteria_set=criteria_set, order=order), True

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.max_score is None:
            instance.max_score = 10
        if instance.weight is None:
            instance.weight = 1

    def after_import(self, dataset, result, **kwargs):
        # A criterion no longer in the file is removed from the template (not from frozen copies).
        for set_pk, orders in self._orders.items():
            Criterion.objects.filter(criteria_set_id=set_pk).exclude(order__in=orders).delete()


class RecordResource(ScopedResource):
    scope_roles = REGISTRY_ROLES
    key_column = ""

    identifier = _field("Mã định danh", dehydrate_method="identifier_of")
    unit_code = _field("Mã đơn vị", dehydrate_method="unit_code_of")
    subject_name = _field("Tên cá nhân, tập thể", dehydrate_method="subject_name_of")
    year = _field("Năm", "year", YearWidget(kind="record", required=True))
    kind = _field("Loại", "kind", ChoiceWidget(RecordKind, required=True, aliases=RECORD_ALIASES))
    rating = _field("Xếp loại", "rating", ChoiceWidget(Rating))
    title = _field("Danh hiệu, hình thức", "title", TitleWidget())
    scope = _field("Cấp công nhận", "scope", ChoiceWidget(RecognitionScope))
    discipline_level = _field(
        "Hình thức kỷ luật", "discipline_level", ChoiceWidget(DisciplineLevel)
    )
    description = _field("Nội dung", "description")
    decision_number = _field("Số quyết định", "decision_number")
    decision_date = _field("Ngày quyết định", "decision_date", VietnameseDateWidget(kind="record"))
    issuer = _field("Cơ quan ban hành", "issuer")
    period_start = _field("Từ ngày", "period_start", VietnameseDateWidget(kind="record"))
    period_end = _field("Đến ngày", "period_end", VietnameseDateWidget(kind="record"))

    class Meta:
        model = AchievementRecord
        clean_model_instances = True
        fields = [
            "identifier",
            "unit_code",
            "subject_name",
            "year",
            "kind",
            "rating",
            "title",
            "scope",
            "discipline_level",
            "description",
            "decision_number",
            "decision_date",
            "issuer",
            "period_start",
            "period_end",
        ]
        export_order = fields
        skip_diff = True

    def identifier_of(self, r):
        return r.person.identifier if r.person_id else ""

    def unit_code_of(self, r):
        return r.person.unit.code if r.person_id else r.unit.code

    def subject_name_of(self, r):
        return r.person.full_name if r.person_id else r.unit.name

    def _subject(self, row):
        identifier = TextWidget().clean(row.get("Mã định danh"))
        unit_code = TextWidget().clean(row.get("Mã đơn vị"))
        if identifier:
            person = Person.objects.select_related("unit").filter(identifier=identifier).first()
            if person is None or not self.in_scope(person.unit):
                raise ValidationError(
                    {
                        "identifier": _(
                            "Không tìm thấy cá nhân có mã định danh “%(id)s” trong phạm vi của bạn."
                        )
                        % {"id": identifier}
                    }
                )
            return {"person": person}
        if unit_code:
            return {"unit": self.find_unit(unit_code, field="unit_code")}
        raise ValidationError(
            {"identifier": _("Hãy ghi mã định danh (cá nhân) hoặc mã đơn vị (tập thể).")}
        )

    def get_or_init_instance(self, instance_loader, row):
        subject = self._subject(row)
        try:
            year = NumberWidget(integer=True, required=True).clean(row.get("Năm"))
            kind = ChoiceWidget(RecordKind, required=True, aliases=RECORD_ALIASES).clean(
                row.get("Loại")
            )
            title = TitleWidget().clean(row.get("Danh hiệu, hình thức"))
        except ValueError:
            return AchievementRecord(**subject, source=RecordSource.IMPORTED), True
        same = AchievementRecord.objects.filter(**subject, year=year, kind=kind)
        if kind == RecordKind.TITLE:
            same = same.filter(title=title)
        elif kind != RecordKind.RATING:  # one rating a year; other facts by their decision
            same = same.filter(
                decision_number=TextWidget().clean(row.get("Số quyết định")),
                description=TextWidget().clean(row.get("Nội dung")),
            )
        existing = same.first()
        if existing is not None:
            return existing, False
        return AchievementRecord(
            **subject, source=RecordSource.IMPORTED, created_by=self.actor
        ), True


register(
    Importer(
        kind="criteria",
        title=gettext_lazy("Bộ tiêu chí"),
        permission="criteria.import_criteria",
        resource_factory=lambda actor: CriterionResource(actor=actor),
        required_columns=(
            "Mã bộ tiêu chí",
            "Tên bộ tiêu chí",
            "Đối tượng",
            "Cấp xét",
            "STT",
            "Nội dung tiêu chí",
            "Loại",
        ),
        optional_columns=(
            "Nguồn, căn cứ",
            "Đơn vị sở hữu (mã)",
            "Bắt buộc minh chứng",
            "Điểm tối đa",
            "Trọng số",
            "Ngưỡng",
            "Đơn vị ngưỡng",
        ),
        sample_rows=(
            (
                "SGD-DN-2026-GV",
                "Tiêu chí giáo viên điển hình năm học 2025-2026",
                "Giáo viên, giảng viên",
                "Cấp tỉnh, bộ",
                1,
                "Hoàn thành xuất sắc nhiệm vụ năm học",
                "Cam kết, xác nhận",
                "Kế hoạch số .../KH-SGDĐT",
                "SGD-DN",
                "",
                10,
                1,
                "",
                "",
            ),
        ),
    )
)

register(
    Importer(
        kind="registry",
        title=gettext_lazy("Sổ thành tích (xếp loại, danh hiệu, sáng kiến, kỷ luật)"),
        permission="criteria.import_registry",
        resource_factory=lambda actor: RecordResource(actor=actor),
        required_columns=("Năm", "Loại"),
        optional_columns=(
            "Mã định danh",
            "Mã đơn vị",
            "Tên cá nhân, tập thể",
            "Xếp loại",
            "Danh hiệu, hình thức",
            "Cấp công nhận",
            "Hình thức kỷ luật",
            "Nội dung",
            "Số quyết định",
            "Ngày quyết định",
            "Cơ quan ban hành",
            "Từ ngày",
            "Đến ngày",
        ),
        sample_rows=(
            (
                2025,
                "Danh hiệu",
                "DN-THPT001-001",
                "",
                "Nguyễn Thị Ánh",
                "",
                "LĐTT",
                "",
                "",
                "",
                "125/QĐ-SGDĐT",
                "15/08/2025",
                "Sở GDĐT Đà Nẵng",
                "",
                "",
            ),
        ),
    )
)
