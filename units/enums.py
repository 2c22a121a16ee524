"""Choices of the units app. Codes are stable: they are stored and never renamed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    MINISTRY = "ministry", _("Bộ")
    PROVINCE = "province", _("Sở")
    DISTRICT = "district", _("Phòng GDĐT (cấp huyện)")
    COMMUNE = "commune", _("UBND cấp xã")
    SCHOOL = "school", _("Trường, cơ sở giáo dục")
    SUBUNIT = "subunit", _("Tổ, khoa, phòng ban")


# How high each level sits; a child must sit strictly lower than its parent. District and commune
# share a rank: the commune took over the district's schools on 1/7/2025. Sub-units (a Sở's
# offices, a school's subject teams) may hang under any unit.
LEVEL_RANK = {
    UnitLevel.MINISTRY: 0,
    UnitLevel.PROVINCE: 1,
    UnitLevel.DISTRICT: 2,
    UnitLevel.COMMUNE: 2,
    UnitLevel.SCHOOL: 3,
    UnitLevel.SUBUNIT: 4,
}


def levels_lowest_first(levels) -> list[str]:
    """Levels in the order a nomination climbs them; district before commune (it came first)."""
    order = list(UnitLevel)
    return sorted(set(levels), key=lambda level: (-LEVEL_RANK[level], order.index(level)))


class GoverningSource(models.TextChoices):
    """Where the line above a unit's name in a document header (Decree 30/2020: "tên cơ quan,
    tổ chức chủ quản trực tiếp") comes from."""

    PARENT = "parent", _("Đơn vị cấp trên trong cây (tại ngày của văn bản)")
    NAMED = "named", _("Cơ quan chủ quản ghi riêng")
    NONE = "none", _("Không có (đơn vị tự đứng đầu, ví dụ Bộ, UBND xã)")


class SchoolType(models.TextChoices):
    PRESCHOOL = "MN", _("Mầm non")
    PRIMARY = "TH", _("Tiểu học")
    LOWER_SECONDARY = "THCS", _("Trung học cơ sở")
    UPPER_SECONDARY = "THPT", _("Trung học phổ thông")
    MULTI_LEVEL = "LC", _("Liên cấp")
    CONTINUING = "GDTX", _("Giáo dục thường xuyên")
    HIGHER = "DH", _("Đại học, học viện")


class Role(models.TextChoices):
    NOMINATOR = "nominator", _("Người lập hồ sơ")
    APPROVER = "approver", _("Lãnh đạo duyệt")
    COUNCIL_SECRETARY = "council_secretary", _("Thư ký hội đồng")
    CAMPAIGN_ADMIN = "campaign_admin", _("Quản trị phong trào")
    VIEWER = "viewer", _("Người xem")


# The role groups. Every "who may" of the portal names one of these four sets; a module that
# needs a set imports it from here instead of declaring its own.
# Write dossiers and register the unit for a campaign.
EDITOR_ROLES = frozenset({Role.NOMINATOR, Role.APPROVER})
# Create and edit the people (nominee records) of their unit's subtree; write the yearly report.
STAFF_ROLES = frozenset({Role.NOMINATOR, Role.APPROVER, Role.CAMPAIGN_ADMIN})
# Load staff lists, keep the achievement registry, issue and send yearly reports.
LEADER_ROLES = frozenset({Role.APPROVER, Role.CAMPAIGN_ADMIN})
# Administer campaigns and criteria, add units below their own from a spreadsheet.
ADMIN_ROLES = frozenset({Role.CAMPAIGN_ADMIN})

PEOPLE_MANAGER_ROLES = STAFF_ROLES
PEOPLE_IMPORTER_ROLES = LEADER_ROLES
UNIT_IMPORTER_ROLES = ADMIN_ROLES


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Position(models.TextChoices):
    PRINCIPAL = "HT", _("Hiệu trưởng, giám đốc")
    VICE_PRINCIPAL = "PHT", _("Phó hiệu trưởng, phó giám đốc")
    MANAGER = "CBQL", _("Cán bộ quản lý")
    TEAM_LEADER = "TT", _("Tổ trưởng, trưởng khoa, trưởng phòng")
    TEACHER = "GV", _("Giáo viên")
    LECTURER = "GgV", _("Giảng viên")
    OFFICIAL = "CV", _("Chuyên viên")
    STAFF = "NV", _("Nhân viên")
    PUPIL = "HS", _("Học sinh")
    STUDENT = "SV", _("Sinh viên, học viên")
