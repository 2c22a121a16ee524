"""Organisation tree, accounts, roles and the people who can be nominated."""

import uuid
from pathlib import PurePosixPath

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from core.fields import FoldedKeyField

from .enums import LEVEL_RANK, Gender, GoverningSource, Position, Role, SchoolType, UnitLevel


class Unit(MP_Node):
    """A unit of the education sector: ministry, Sở, district office or commune, school, sub-unit.

    The tree is a materialised path (django-treebeard's MP_Node). Every scoping question the portal
    asks ("what lies under my unit?") is a prefix match on an indexed column, one range scan
    whatever the depth, and the chain up from a school is one `path IN (...)` lookup. Writes are
    rare (the tree changes a few times a year) and subtrees are read on every request, which is
    the trade-off materialised paths make. On PostgreSQL Django adds a `varchar_pattern_ops`
    index for the unique `path`, so `LIKE 'prefix%'` uses it under any collation.
    """

    code = models.CharField(_("mã đơn vị"), max_length=32, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    # The name folded ("truong thpt le quy don"): what the lists' search matches.
    name_key = FoldedKeyField(source="name")
    level = models.CharField(_("cấp"), max_length=16, choices=UnitLevel.choices)
    school_type = models.CharField(
        _("loại trường"), max_length=8, choices=SchoolType.choices, blank=True
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    valid_from = models.DateField(_("hoạt động từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến ngày"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("sáp nhập vào"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_units",
    )
    # What the unit's printed documents say about it (Decree 30/2020): the abbreviation in every
    # document number ("Số: …/QĐ-SGDĐT"), the governing body on the header's first line, and
    # the title of its head in the signature block.
    abbreviation = models.CharField(
        _("tên viết tắt trong số văn bản"),
        max_length=32,
        blank=True,
        help_text=_("Ví dụ SGDĐT, UBND, THPTST: in sau ký hiệu loại văn bản, “Số: …/QĐ-SGDĐT”."),
    )
    governing_source = models.CharField(
        _("dòng cơ quan chủ quản lấy từ"),
        max_length=8,
        choices=GoverningSource.choices,
        default=GoverningSource.PARENT,
    )
    governing_body = models.CharField(
        _("cơ quan chủ quản"),
        max_length=255,
        blank=True,
        help_text=_(
            "Dòng trên tên đơn vị ở đầu văn bản khi chọn “ghi riêng”; ví dụ Sở GDĐT: "
            "“UBND thành phố Đà Nẵng”, Phòng GDĐT trước 1/7/2025: “UBND huyện …”."
        ),
    )
    head_title = models.CharField(
        _("chức danh thủ trưởng"),
        max_length=64,
        blank=True,
        help_text=_("Để trống: theo cấp đơn vị (Giám đốc, Chủ tịch, Hiệu trưởng, …)."),
    )

    node_order_by = []  # siblings keep insertion order; lists sort by name where it matters

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]
        indexes = [models.Index(fields=["level"], name="unit_level_idx")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.school_type and self.level != UnitLevel.SCHOOL:
            raise ValidationError(
                {"school_type": _("Chỉ trường học mới có loại trường; hãy để trống ô này.")}
            )
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày kết thúc phải sau ngày bắt đầu hoạt động.")})
        if self.merged_into_id and self.merged_into_id == self.pk:
            raise ValidationError({"merged_into": _("Một đơn vị không thể sáp nhập vào chính nó.")})
        if self.governing_source == GoverningSource.NAMED and not self.governing_body.strip():
            raise ValidationError(
                {"governing_body": _("Hãy ghi tên cơ quan chủ quản, hoặc chọn nguồn khác.")}
            )

    def is_active_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_active(self):
        return self.is_active_on(timezone.localdate())

    @staticmethod
    def level_fits_under(*, child_level, parent_level):
        return (
            LEVEL_RANK[child_level] > LEVEL_RANK[parent_level] or child_level == UnitLevel.SUBUNIT
        )


class UnitMove(models.Model):
    """A unit changing parent on a date: the 2025 restructuring moved schools from the district
    office to the commune. Kept so that the chain of a nomination can be derived as the tree
    stood at a round's dates."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="moves")
    from_parent = models.ForeignKey(
        Unit, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("từ đơn vị")
    )
    to_parent = models.ForeignKey(
        Unit, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("sang đơn vị")
    )
    moved_on = models.DateField(_("ngày chuyển"))
    reason = models.CharField(_("lý do"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lịch sử chuyển đơn vị")
        verbose_name_plural = _("lịch sử chuyển đơn vị")
        ordering = ["unit", "moved_on"]

    def __str__(self):
        return f"{self.unit} → {self.to_parent} ({self.moved_on:%d/%m/%Y})"


class User(AbstractUser):
    """An account. Vietnamese names are written whole ("Nguyễn Thị Ánh"), so one field holds it."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    person = models.OneToOneField(
        "Person",
        verbose_name=_("hồ sơ cá nhân"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
        help_text=_(
            "Người trong danh sách cá nhân dùng tài khoản này: họ tên, chức vụ in ở chữ ký."
        ),
    )

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else self.username


class Membership(models.Model):
    """A user's role at a unit. The role reaches the unit's whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("còn hiệu lực"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vai trò tại đơn vị")
        verbose_name_plural = _("vai trò tại đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} — {self.unit}"


def person_photo_path(instance, filename):
    # The uploaded name is never trusted: it may carry a path or a misleading extension.
    suffix = PurePosixPath(filename).suffix.lower()
    suffix = suffix if suffix in {".jpg", ".jpeg", ".png", ".webp"} else ".jpg"
    return f"private/people/photos/{uuid.uuid4().hex}{suffix}"


class Person(models.Model):
    """Someone who can be nominated: staff or a pupil. Need not have an account."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="people"
    )
    identifier = models.CharField(
        _("mã định danh"),
        max_length=32,
        blank=True,
        help_text=_("Mã định danh trên cơ sở dữ liệu ngành; dùng để nhận ra người khi nhập Excel."),
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    # The name folded ("bui kim yen"): what the people list and the person picker match.
    name_key = FoldedKeyField(source="full_name", max_length=150)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=8, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=64, blank=True, default="Kinh")
    position = models.CharField(_("chức vụ"), max_length=8, choices=Position.choices)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    photo = models.ImageField(_("ảnh 4x6"), upload_to=person_photo_path, blank=True)
    is_active = models.BooleanField(_("đang công tác, học tập"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier"],
                condition=~Q(identifier=""),
                name="person_identifier_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "full_name"], name="person_unit_name_idx"),
            # the people list sorts by name, then pk, and shows 50 at a time
            models.Index(fields=["full_name", "id"], name="person_name_idx"),
        ]

    def __str__(self):
        return self.full_name


class Placement(models.Model):
    """A person's time at a unit: joined, left, moved. The shares of a collective's members
    (more than 50%, at least 70%) count the people placed in it in the assessed year, not
    today's staff list, so hiring someone in 2025 does not change the school's 2024 result.

    An empty `joined_on` means "since before the portal knew": the row the migration made for
    everyone already on a staff list. Written by units.services (the person form, the people
    import), never directly.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("cá nhân"), on_delete=models.CASCADE, related_name="placements"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="placements"
    )
    joined_on = models.DateField(_("về đơn vị từ ngày"), null=True, blank=True)
    left_on = models.DateField(_("rời đơn vị ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("quá trình công tác")
        verbose_name_plural = _("quá trình công tác")
        ordering = ["person", "joined_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="placement_range",
            ),
        ]
        indexes = [models.Index(fields=["unit", "joined_on"], name="placement_unit_idx")]

    def __str__(self):
        return f"{self.person} @ {self.unit}"

    def covers(self, day) -> bool:
        return (self.joined_on is None or self.joined_on <= day) and (
            self.left_on is None or day <= self.left_on
        )
