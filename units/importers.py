"""Spreadsheet import and export of units and people (django-import-export resources).

Column headings are the file format, so they stay Vietnamese in every UI language, the way
officials already title their Excel lists. Every row is checked against the importing user's
scope: a unit outside it is reported as not found, never as "forbidden", so an import cannot be
used to probe what exists elsewhere.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.instance_loaders import CachedInstanceLoader

from core.imports import Importer, register
from core.widgets import ChoiceWidget, PhoneWidget, TextWidget, VietnameseDateWidget

from .enums import (
    PEOPLE_IMPORTER_ROLES,
    UNIT_IMPORTER_ROLES,
    Gender,
    Position,
    SchoolType,
    UnitLevel,
)
from .models import Person, Unit
from .selectors import is_unrestricted, unit_in_scope
from .services import check_level, placements_sync, unit_create, unit_move

UNIT_ATTRIBUTES = (
    "code",
    "name",
    "level",
    "school_type",
    "address",
    "phone",
    "email",
    "valid_from",
    "valid_to",
    "merged_into",
)


# Short forms officials write in their own lists, besides the codes and full labels.
LEVEL_ALIASES = {
    "Bộ GDĐT": UnitLevel.MINISTRY,
    "Sở GDĐT": UnitLevel.PROVINCE,
    "Phòng": UnitLevel.DISTRICT,
    "Phòng GDĐT": UnitLevel.DISTRICT,
    "Huyện": UnitLevel.DISTRICT,
    "Xã": UnitLevel.COMMUNE,
    "Phường": UnitLevel.COMMUNE,
    "UBND xã": UnitLevel.COMMUNE,
    "Trường": UnitLevel.SCHOOL,
    "Cơ sở giáo dục": UnitLevel.SCHOOL,
    "Tổ": UnitLevel.SUBUNIT,
    "Tổ chuyên môn": UnitLevel.SUBUNIT,
    "Khoa": UnitLevel.SUBUNIT,
    "Phòng ban": UnitLevel.SUBUNIT,
}
POSITION_ALIASES = {
    "Hiệu trưởng": Position.PRINCIPAL,
    "Giám đốc": Position.PRINCIPAL,
    "Phó hiệu trưởng": Position.VICE_PRINCIPAL,
    "Phó giám đốc": Position.VICE_PRINCIPAL,
    "Tổ trưởng": Position.TEAM_LEADER,
    "Tổ trưởng tổ chuyên môn": Position.TEAM_LEADER,
    "Trưởng khoa": Position.TEAM_LEADER,
    "Trưởng phòng": Position.TEAM_LEADER,
    "Sinh viên": Position.STUDENT,
    "Học viên": Position.STUDENT,
}


def _text(column, attribute, **kwargs):
    return fields.Field(attribute=attribute, column_name=column, widget=TextWidget(), **kwargs)


def _duplicates(dataset, column) -> dict[str, list[int]]:
    """Values of `column` that occur on more than one row, with their row numbers."""
    if column not in (dataset.headers or []):
        return {}
    rows = defaultdict(list)
    for number, value in enumerate(dataset[column], 1):
        key = TextWidget().clean(value)
        if key:
            rows[key.casefold()].append(number)
    return {key: numbers for key, numbers in rows.items() if len(numbers) > 1}


class ScopedResource(resources.ModelResource):
    """A resource acting for one user, who may only touch units inside `roles` scope."""

    scope_roles: frozenset = frozenset()
    key_column = ""
    key_field = ""

    def __init__(self, *, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self._units: dict[str, Unit] = {}  # found units by code: staff lists repeat codes

    def in_scope(self, unit):
        return self.actor is None or unit_in_scope(self.actor, unit, roles=self.scope_roles)

    def find_unit(self, code, *, field):
        """The unit with `code` if the actor may use it; otherwise the same "not found" error."""
        key = code.casefold()
        unit = self._units.get(key)
        if unit is None and code:
            # Misses are not cached: a unit import may create this parent a few rows later.
            unit = Unit.objects.filter(code__iexact=code).first()
            if unit is not None:
                self._units[key] = unit
        if unit is None or not self.in_scope(unit):
            raise ValidationError(
                {
                    field: _("Không tìm thấy đơn vị có mã “%(code)s” trong phạm vi của bạn.")
                    % {"code": code}
                }
            )
        return unit

    def before_import(self, dataset, **kwargs):
        self._duplicate_rows = _duplicates(dataset, self.key_column)

    def before_import_row(self, row, **kwargs):
        key = TextWidget().clean(row.get(self.key_column))
        numbers = self._duplicate_rows.get(key.casefold()) if key else None
        if numbers:
            raise ValidationError(
                {
                    self.key_field: _(
                        "“%(value)s” lặp lại ở các dòng %(rows)s; mỗi mã chỉ một dòng."
                    )
                    % {"value": key, "rows": ", ".join(str(n) for n in numbers)}
                }
            )


class UnitResource(ScopedResource):
    scope_roles = UNIT_IMPORTER_ROLES
    key_column = "Mã đơn vị"
    key_field = "code"

    code = _text("Mã đơn vị", "code")
    name = _text("Tên đơn vị", "name")
    level = fields.Field(
        attribute="level",
        column_name="Cấp",
        widget=ChoiceWidget(UnitLevel, required=True, aliases=LEVEL_ALIASES),
    )
    school_type = fields.Field(
        attribute="school_type", column_name="Loại trường", widget=ChoiceWidget(SchoolType)
    )
    parent_code = fields.Field(column_name="Mã đơn vị cấp trên", dehydrate_method="parent_code_of")
    address = _text("Địa chỉ", "address")
    phone = fields.Field(attribute="phone", column_name="Điện thoại", widget=PhoneWidget())
    email = _text("Thư điện tử", "email")
    valid_from = fields.Field(
        attribute="valid_from",
        column_name="Hoạt động từ ngày",
        widget=VietnameseDateWidget(kind="founding"),
    )
    valid_to = fields.Field(
        attribute="valid_to",
        column_name="Hoạt động đến ngày",
        widget=VietnameseDateWidget(kind="founding"),
    )
    merged_into_code = fields.Field(
        column_name="Sáp nhập vào (mã)", dehydrate_method="merged_into_code_of"
    )

    class Meta:
        model = Unit
        import_id_fields = ["code"]
        fields = [
            "code",
            "name",
            "level",
            "school_type",
            "parent_code",
            "address",
            "phone",
            "email",
            "valid_from",
            "valid_to",
            "merged_into_code",
        ]
        export_order = fields
        clean_model_instances = False  # the services run full_clean with the tree fields set
        skip_diff = True

    # --- export -----------------------------------------------------------------------------
    def export(self, queryset=None, **kwargs):
        units = list(queryset.select_related("merged_into"))
        parent_paths = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
        self._codes_by_path = dict(
            Unit.objects.filter(path__in=parent_paths).values_list("path", "code")
        )
        return super().export(queryset=units, **kwargs)

    def parent_code_of(self, unit):
        return self._codes_by_path.get(unit.path[: -Unit.steplen], "")

    def merged_into_code_of(self, unit):
        return unit.merged_into.code if unit.merged_into_id else ""

    # --- import -----------------------------------------------------------------------------
    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        parent_code = TextWidget().clean(row.get("Mã đơn vị cấp trên"))
        merged_code = TextWidget().clean(row.get("Sáp nhập vào (mã)"))
        instance._new_parent = None
        try:
            if parent_code:
                instance._new_parent = self.find_unit(parent_code, field="parent_code")
            elif (
                instance._state.adding
                and self.actor is not None
                and not is_unrestricted(self.actor)
            ):
                raise ValidationError(
                    {
                        "parent_code": _(
                            "Hãy ghi mã đơn vị cấp trên; chỉ quản trị hệ thống tạo được đơn vị gốc."
                        )
                    }
                )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            instance.merged_into = (
                self.find_unit(merged_code, field="merged_into_code") if merged_code else None
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if not instance._state.adding and not self.in_scope(instance):
            errors = ValidationError({"code": unusable_key(instance.code)}).update_error_dict(
                errors
            )
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        parent = instance._new_parent
        if is_create:
            values = {name: getattr(instance, name) for name in UNIT_ATTRIBUTES}
            created = unit_create(parent=parent, **values)
            instance.pk, instance.path, instance.depth = created.pk, created.path, created.depth
            return
        check_level(level=instance.level, parent=parent or Unit.objects.get_parent(instance))
        instance.full_clean(exclude=["path", "depth", "numchild"])
        instance.save()
        if parent is not None and parent != Unit.objects.get_parent(instance):
            unit_move(
                unit=instance,
                new_parent=parent,
                moved_on=instance.valid_from or timezone.localdate(),
                reason=_("Nhập từ Excel"),
                actor=self.actor,
            )


def unusable_key(key: str) -> str:
    """The error of a key (a unit's code, a person's identifier) held by a record outside the
    importer's scope. It says neither whose nor where: the importer learns only that this key
    cannot be used, which a key of a unique column held by a record they may see would tell
    them as well."""
    return _(
        "Không dùng được mã “%(key)s” trong phạm vi của bạn. Hãy kiểm tra lại mã trong tệp; "
        "nếu mã đúng, hãy nhờ đơn vị cấp trên kiểm tra giúp."
    ) % {"key": key}


# The day the person joined the unit named on the row (or moved there). Read by the resource
# itself, not a model column: it dates the person's placement (units.services.placements_sync).
PLACEMENT_COLUMN = "Ngày về đơn vị"


class PersonResource(ScopedResource):
    scope_roles = PEOPLE_IMPORTER_ROLES
    key_column = "Mã định danh"
    key_field = "identifier"

    identifier = _text("Mã định danh", "identifier")
    full_name = _text("Họ và tên", "full_name")
    birth_date = fields.Field(
        attribute="birth_date",
        column_name="Ngày sinh",
        widget=VietnameseDateWidget(kind="birth"),
    )
    gender = fields.Field(attribute="gender", column_name="Giới tính", widget=ChoiceWidget(Gender))
    ethnicity = _text("Dân tộc", "ethnicity")
    position = fields.Field(
        attribute="position",
        column_name="Chức vụ",
        widget=ChoiceWidget(Position, required=True, aliases=POSITION_ALIASES),
    )
    unit_code = fields.Field(column_name="Mã đơn vị", dehydrate_method="unit_code_of")
    unit_name = fields.Field(column_name="Tên đơn vị", dehydrate_method="unit_name_of")
    phone = fields.Field(attribute="phone", column_name="Điện thoại", widget=PhoneWidget())
    email = _text("Thư điện tử", "email")

    class Meta:
        model = Person
        import_id_fields = ["identifier"]
        # Thousands of rows at a time: existing people are loaded in one query, new and changed
        # ones are written in batches (import-export's bulk mode), not one INSERT per row.
        use_bulk = True
        batch_size = 1000
        instance_loader_class = CachedInstanceLoader
        fields = [
            "identifier",
            "full_name",
            "birth_date",
            "gender",
            "ethnicity",
            "position",
            "unit_code",
            "unit_name",
            "phone",
            "email",
        ]
        export_order = fields
        skip_diff = True

    def get_bulk_update_fields(self):
        # The model's columns this sheet writes: the unit (resolved from "Mã đơn vị") included,
        # the display-only columns ("Tên đơn vị") not.
        return [
            "full_name",
            "birth_date",
            "gender",
            "ethnicity",
            "position",
            "phone",
            "email",
            "unit",
        ]

    def unit_code_of(self, person):
        return person.unit.code

    def unit_name_of(self, person):
        return person.unit.name

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if not TextWidget().clean(row.get("Mã định danh")):
            raise ValidationError(
                {
                    "identifier": _(
                        "Hãy ghi mã định danh: nhờ nó, lần nhập sau cập nhật đúng người "
                        "thay vì tạo trùng."
                    )
                }
            )

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._placement_days = {}

    def after_import(self, dataset, result, **kwargs):
        """Date the placements of the people the sheet created, moved or reactivated. Runs in
        the import's transaction, so a dry run leaves nothing behind."""
        super().after_import(dataset, result, **kwargs)
        people = list(
            Person.objects.filter(identifier__in=list(self._placement_days)).select_related("unit")
        )
        placements_sync(
            people, joined_on={p.pk: self._placement_days[p.identifier] for p in people}
        )

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            day = VietnameseDateWidget().clean(row.get(PLACEMENT_COLUMN))
        except ValueError as exc:
            errors = ValidationError({"identifier": str(exc)}).update_error_dict(errors)
            day = None
        self._placement_days[TextWidget().clean(row.get("Mã định danh"))] = day
        if not instance._state.adding and not self.in_scope(instance.unit):
            # The row's other columns are still checked, as for any row: an error list that
            # stopped here would tell the identifier apart as well.
            errors = ValidationError(
                {"identifier": unusable_key(instance.identifier)}
            ).update_error_dict(errors)
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            instance.unit = self.find_unit(
                TextWidget().clean(row.get("Mã đơn vị")), field="unit_code"
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # find_unit() has already resolved and scope-checked the unit, with a clearer message
        # than "this field cannot be null", so full_clean need not query it again on every row.
        # Uniqueness needs no query per row either: the loader found every existing identifier
        # and before_import_row refuses an identifier repeated in the file.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, "unit"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


register(
    Importer(
        kind="units",
        title=gettext_lazy("Danh sách đơn vị"),
        permission="units.import_units",
        resource_factory=lambda actor: UnitResource(actor=actor),
        required_columns=("Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên"),
        optional_columns=(
            "Loại trường",
            "Địa chỉ",
            "Điện thoại",
            "Thư điện tử",
            "Hoạt động từ ngày",
            "Hoạt động đến ngày",
            "Sáp nhập vào (mã)",
        ),
        sample_rows=(
            (
                "THPT-DN-099",
                "Trường THPT Ngũ Hành Sơn",
                "Trường, cơ sở giáo dục",
                "SGD-DN",
                "THPT",
                "12 Lê Văn Hiến, Đà Nẵng",
                "02363123456",
                "",
                "05/09/2025",
                "",
                "",
            ),
        ),
    )
)

register(
    Importer(
        kind="people",
        title=gettext_lazy("Danh sách cán bộ, giáo viên, học sinh"),
        permission="units.import_people",
        resource_factory=lambda actor: PersonResource(actor=actor),
        required_columns=("Mã định danh", "Họ và tên", "Chức vụ", "Mã đơn vị"),
        optional_columns=(
            "Ngày sinh",
            "Giới tính",
            "Dân tộc",
            "Điện thoại",
            "Thư điện tử",
            "Tên đơn vị",
            PLACEMENT_COLUMN,
        ),
        sample_rows=(
            (
                "048190001234",
                "Nguyễn Thị Ánh",
                "GV",
                "THPT-DN-001",
                "12/03/1985",
                "Nữ",
                "Kinh",
                "0905123456",
                "anh.nt@example.edu.vn",
                "",
                "15/08/2024",
            ),
        ),
    )
)
