"""Choices of the criteria app. Codes are stable: they are stored and never renamed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NomineeKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Cá nhân")
    COLLECTIVE = "collective", _("Tập thể")
    BOTH = "both", _("Cá nhân và tập thể")


class NomineeCategory(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    MANAGER = "manager", _("Cán bộ quản lý")
    TEACHER = "teacher", _("Giáo viên, giảng viên")
    STAFF = "staff", _("Nhân viên")
    STUDENT = "student", _("Học sinh, sinh viên")

    @property
    def nominee_kind(self):
        return (
            NomineeKind.COLLECTIVE if self == NomineeCategory.COLLECTIVE else NomineeKind.INDIVIDUAL
        )


INDIVIDUAL_CATEGORIES = (
    NomineeCategory.MANAGER,
    NomineeCategory.TEACHER,
    NomineeCategory.STAFF,
    NomineeCategory.STUDENT,
)


class Tier(models.TextChoices):
    SCHOOL = "school", _("Cấp cơ sở (trường, đơn vị)")
    DISTRICT = "district", _("Cấp xã, huyện")
    PROVINCE = "province", _("Cấp tỉnh, bộ")
    NATIONAL = "national", _("Toàn quốc")


class TitleKind(models.TextChoices):
    EMULATION = "emulation", _("Danh hiệu thi đua")
    AWARD = "award", _("Hình thức khen thưởng")


class CriterionKind(models.TextChoices):
    ATTESTATION = "attestation", _("Cam kết, xác nhận")
    EVIDENCE = "evidence", _("Cần minh chứng")
    NUMERIC = "numeric", _("Chỉ tiêu định lượng")


class Rating(models.TextChoices):
    """The yearly rating of a civil servant or a collective, best first."""

    EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
    COMPLETED = "completed", _("Hoàn thành nhiệm vụ")
    NOT_COMPLETED = "not_completed", _("Không hoàn thành nhiệm vụ")

    @property
    def rank(self) -> int:
        return {"excellent": 4, "good": 3, "completed": 2, "not_completed": 1}[self.value]


class RecordKind(models.TextChoices):
    RATING = "rating", _("Xếp loại năm")
    TITLE = "title", _("Danh hiệu, hình thức khen thưởng")
    INITIATIVE = "initiative", _("Sáng kiến")
    RESEARCH = "research", _("Đề tài nghiên cứu")
    DISCIPLINE = "discipline", _("Kỷ luật")
    DISCIPLINE_REVIEW = "discipline_review", _("Đang xem xét kỷ luật, thanh tra, xác minh")


class DisciplineLevel(models.TextChoices):
    """Disciplinary measures, lightest first."""

    REPRIMAND = "reprimand", _("Khiển trách")
    WARNING = "warning", _("Cảnh cáo")
    DEMOTION = "demotion", _("Hạ bậc lương, giáng chức")
    DISMISSAL = "dismissal", _("Cách chức")
    FIRING = "firing", _("Buộc thôi việc")

    @property
    def rank(self) -> int:
        return list(DisciplineLevel).index(self) + 1


class RecognitionScope(models.TextChoices):
    """Where an initiative or research project was recognised, narrowest first."""

    UNIT = "unit", _("Cấp cơ sở")
    PROVINCE = "province", _("Cấp tỉnh, bộ")
    NATIONAL = "national", _("Toàn quốc")

    @property
    def rank(self) -> int:
        return list(RecognitionScope).index(self) + 1


class RecordSource(models.TextChoices):
    IMPORTED = "imported", _("Nhập từ Excel")
    PORTAL = "portal", _("Khen thưởng trên cổng")
    MANUAL = "manual", _("Nhập tay")


class RuleType(models.TextChoices):
    CONSECUTIVE_TITLE = "consecutive_title", _("Đạt danh hiệu nhiều năm liên tục")
    TITLE_IN_YEAR = "title_in_year", _("Đạt danh hiệu trong năm")
    TITLE_COUNT = "title_count", _("Số năm đạt danh hiệu trong giai đoạn")
    MIN_RATING = "min_rating", _("Xếp loại tối thiểu")
    MEMBER_SHARE = "member_share", _("Tỷ lệ thành viên đạt danh hiệu hoặc xếp loại")
    MEMBER_COUNT = "member_count", _("Số thành viên đạt danh hiệu")
    NO_DISCIPLINE = "no_discipline", _("Không bị kỷ luật từ mức quy định trở lên")
    INITIATIVE_COUNT = "initiative_count", _("Số sáng kiến, đề tài được công nhận")
    CONSECUTIVE_AWARDS = "consecutive_awards", _("Đạt danh hiệu ở các kỳ xét liên tiếp")
    NOT_UNDER_REVIEW = "not_under_review", _("Không đang bị xem xét kỷ luật, thanh tra")
    ANY_OF = "any_of", _("Đạt một trong các điều kiện")
    ALL_OF = "all_of", _("Đạt tất cả các điều kiện")


class SourceGrade(models.TextChoices):
    """How sure the portal is of a legal text (DOMAIN.md's grades)."""

    VERIFIED = "V", _("Đã đối chiếu văn bản gốc")
    SECONDARY = "S", _("Nhiều nguồn thứ cấp thống nhất")
    UNVERIFIED = "U", _("Chưa xác minh (một nguồn)")


class Severity(models.TextChoices):
    BLOCK = "block", _("Chặn, không cho gửi hồ sơ")
    WARN = "warn", _("Chỉ cảnh báo")


class RuleStatus(models.TextChoices):
    PASS = "pass", _("Đạt")
    FAIL = "fail", _("Không đạt")
    UNKNOWN = "unknown", _("Chưa đủ dữ liệu")
