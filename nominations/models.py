"""The nomination dossier and its journey: content, evidence, reviews, council votes,
decisions, and the append-only event log."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.validators import LONG_TEXT_MAX_CHARS
from criteria.enums import NomineeCategory

from .enums import Eligibility, State, ThresholdBasis
from .querysets import ChainStepQuerySet


class Decision(models.Model):
    """An award or revocation decision ("quyết định"), in the deciding unit's register."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="decisions"
    )
    number = models.CharField(_("số quyết định"), max_length=64)
    signed_on = models.DateField(_("ngày ký"))
    issuer = models.CharField(_("người, cơ quan ký"), max_length=255)
    is_revocation = models.BooleanField(_("là quyết định thu hồi"), default=False)
    reason = models.TextField(
        _("lý do"), blank=True, validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định")
        verbose_name_plural = _("sổ quyết định")
        ordering = ["-signed_on", "-pk"]

    def __str__(self):
        return f"{self.number} ({self.signed_on:%d/%m/%Y})"


class Nomination(models.Model):
    """A dossier ("hồ sơ đề nghị") for one nominee, one title, in one round of a campaign.

    `state` is written only by nominations.services.transition.transition; `version` increases
    with every change so that a page acting on an old copy is told someone else was faster.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("phong trào"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    round = models.ForeignKey(
        "campaigns.Round",
        verbose_name=_("đợt xét"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    category = models.CharField(_("đối tượng"), max_length=16, choices=NomineeCategory.choices)
    title = models.ForeignKey(
        "criteria.Title",
        verbose_name=_("danh hiệu đề nghị"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet",
        verbose_name=_("bộ tiêu chí"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    nominee_person = models.ForeignKey(
        "units.Person",
        verbose_name=_("cá nhân"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    nominee_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("tập thể"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominee_key = models.CharField(max_length=255, db_index=True, editable=False)
    # The nominee's name and unit folded (lower case, no diacritics) for the public search: one
    # column the database can index, "nguyen thi anh" matching "Nguyễn Thị Ánh" on any engine.
    search_text = models.CharField(max_length=512, blank=True, editable=False)
    nominating_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị đề nghị"), on_delete=models.PROTECT, related_name="+"
    )
    current_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị đang giữ"), on_delete=models.PROTECT, related_name="+"
    )
    deciding_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị quyết định"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    # Where it is in its chain (0 = nominating unit) and the furthest it has been: a unit that has
    # once seen the dossier keeps seeing it, one above that never saw it does not.
    position = models.PositiveSmallIntegerField(default=0)
    max_position = models.PositiveSmallIntegerField(default=0)
    returned_from_position = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    achievement_summary = models.TextField(_("tóm tắt thành tích"), blank=True)
    summary_words = models.PositiveIntegerField(_("số từ"), default=0)
    cv = models.JSONField(_("sơ lược lý lịch"), default=dict, blank=True)
    video_links = models.JSONField(_("đường dẫn video"), default=list, blank=True)
    photo = models.ImageField(_("ảnh 4x6"), upload_to="private/nominations/photos/", blank=True)
    photo_public = models.BooleanField(_("đồng ý công khai ảnh"), default=False)
    score = models.DecimalField(_("điểm"), max_digits=7, decimal_places=2, null=True, blank=True)
    eligibility = models.CharField(
        _("điều kiện"), max_length=8, choices=Eligibility.choices, blank=True, db_index=True
    )
    ground = models.TextField(
        _("căn cứ đề nghị"),
        blank=True,
        validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)],
        help_text=_(
            "Thành tích theo điểm nào của luật (ví dụ Điều 74 khoản 1 điểm a, b, c) khi không "
            "đề nghị theo điều kiện portal kiểm tra được; người xét thấy cả căn cứ này và "
            "cảnh báo."
        ),
    )
    # The day the competent (deciding) body received the dossier: it picks the version of the
    # law that applies (DOMAIN.md, the 2026 transition rule). Written by the transition's effect
    # when the dossier reaches its deciding unit.
    accepted_on = models.DateField(_("ngày cơ quan có thẩm quyền tiếp nhận"), null=True, blank=True)
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="recognised"
    )
    revocation = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="revoked"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ đề nghị")
        verbose_name_plural = _("hồ sơ đề nghị")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nominee_person__isnull=False, nominee_unit__isnull=True)
                | Q(nominee_person__isnull=True, nominee_unit__isnull=False),
                name="nomination_one_nominee",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "current_unit", "state"], name="nomination_queue_idx"),
            models.Index(fields=["round", "nominee_key"], name="nomination_duplicate_idx"),
        ]

    def __str__(self):
        return f"{self.nominee} — {self.title}"

    @property
    def nominee(self):
        return self.nominee_person or self.nominee_unit

    @property
    def is_collective(self) -> bool:
        return self.nominee_unit_id is not None


class ModelWork(models.Model):
    """A model or work of the campaign ("mô hình, công trình") in the dossier's table."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="works")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tên mô hình, công trình"), max_length=255)
    implementing_unit = models.CharField(_("đơn vị thực hiện"), max_length=255, blank=True)
    description = models.TextField(
        _("mô tả"), blank=True, validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)]
    )
    roadmap = models.TextField(
        _("lộ trình triển khai"), blank=True, validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)]
    )
    results = models.TextField(
        _("kết quả đạt được"), blank=True, validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)]
    )

    class Meta:
        verbose_name = _("mô hình, công trình")
        verbose_name_plural = _("mô hình, công trình")
        ordering = ["nomination", "order", "pk"]

    def __str__(self):
        return self.name


class Assessment(models.Model):
    """The nominating unit's self-assessment against one criterion of the frozen set."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.ForeignKey("criteria.Criterion", on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(_("đạt"), null=True)
    explanation = models.TextField(
        _("giải trình"), blank=True, validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)]
    )

    class Meta:
        verbose_name = _("tự đánh giá")
        verbose_name_plural = _("tự đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "criterion"], name="assessment_unique")
        ]

    def __str__(self):
        return f"{self.nomination_id}/{self.criterion_id}"


def evidence_path(instance, filename):
    # Never the uploaded name: it may carry a path or lie about the type.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"private/nominations/evidence/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.ForeignKey(
        "criteria.Criterion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("tệp"), upload_to=evidence_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=128)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["nomination", "pk"]

    def __str__(self):
        return self.original_name


class Review(models.Model):
    """One reviewer's scores and comment at one unit of the chain."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reviews")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scores = models.JSONField(_("điểm theo tiêu chí"), default=dict)
    total = models.DecimalField(_("tổng điểm"), max_digits=7, decimal_places=2, default=0)
    comment = models.TextField(
        _("nhận xét"), blank=True, validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)]
    )
    comment_visible = models.BooleanField(_("cho đơn vị đề nghị xem nhận xét"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chấm điểm")
        verbose_name_plural = _("chấm điểm")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "unit", "reviewer"], name="review_unique")
        ]

    def __str__(self):
        return f"{self.nomination_id}: {self.total}"


class CouncilSession(models.Model):
    """A session of the emulation council of the deciding unit, with its secret-ballot tallies."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="council_sessions",
    )
    round = models.ForeignKey(
        "campaigns.Round",
        verbose_name=_("đợt xét"),
        on_delete=models.PROTECT,
        related_name="council_sessions",
    )
    held_on = models.DateField(_("ngày họp"))
    members_total = models.PositiveSmallIntegerField(_("tổng số thành viên hội đồng"))
    members_present = models.PositiveSmallIntegerField(_("số thành viên có mặt"))
    member_names = models.TextField(
        _("thành viên có mặt"), blank=True, validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)]
    )
    threshold_percent = models.DecimalField(
        _("tỷ lệ đồng ý cần đạt (%)"), max_digits=5, decimal_places=2
    )
    threshold_basis = models.CharField(
        _("tính trên"), max_length=8, choices=ThresholdBasis.choices, default=ThresholdBasis.ALL
    )
    threshold_strict = models.BooleanField(_("phải vượt (lớn hơn) tỷ lệ"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên họp hội đồng")
        verbose_name_plural = _("phiên họp hội đồng")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(members_present__lte=models.F("members_total")),
                name="council_present_le_total",
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.held_on:%d/%m/%Y}"


class CouncilVote(models.Model):
    session = models.ForeignKey(CouncilSession, on_delete=models.PROTECT, related_name="votes")
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="council_votes"
    )
    votes_for = models.PositiveSmallIntegerField(_("đồng ý"))
    votes_against = models.PositiveSmallIntegerField(_("không đồng ý"))
    votes_abstain = models.PositiveSmallIntegerField(_("không biểu quyết"), default=0)
    passed = models.BooleanField(_("đạt"))

    class Meta:
        verbose_name = _("kết quả bỏ phiếu")
        verbose_name_plural = _("kết quả bỏ phiếu")
        constraints = [
            models.UniqueConstraint(fields=["session", "nomination"], name="vote_unique")
        ]

    def __str__(self):
        return f"{self.nomination_id}: {self.votes_for}/{self.votes_against}/{self.votes_abstain}"


class AppendOnlyError(Exception):
    pass


class NominationEvent(models.Model):
    """The dossier's timeline: append-only, never updated, never deleted."""

    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("việc"), max_length=24)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    from_unit = models.ForeignKey(
        "units.Unit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey("units.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("lý do"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("nhật ký hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("the nomination timeline is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the nomination timeline is append-only")


class ChainStep(models.Model):
    """The units a nomination climbs, fixed when it is created from the tree as it stood at the
    round's dates: position 0 is the nominating unit, the last is the deciding unit. Kept as rows
    so that scope, queues and quota counts survive later changes of the tree."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="steps")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    objects = ChainStepQuerySet.as_manager()

    class Meta:
        ordering = ["nomination", "position"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "position"], name="chain_step_position")
        ]
        indexes = [models.Index(fields=["unit", "position"], name="chain_step_unit_idx")]

    def __str__(self):
        return f"{self.nomination_id}#{self.position}: {self.unit_id}"


class Consultation(models.Model):
    """A list the deciding unit publishes for comment before it approves ("công khai, lấy ý
    kiến"): open to anyone from `opens_on` to the end of `closes_on`."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("đơn vị công khai"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    round = models.ForeignKey(
        "campaigns.Round",
        verbose_name=_("đợt xét"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    nominations = models.ManyToManyField(
        Nomination, verbose_name=_("hồ sơ công khai"), related_name="consultations"
    )
    opens_on = models.DateField(_("ngày bắt đầu"))
    closes_on = models.DateField(_("ngày kết thúc"))
    note = models.TextField(
        _("thông báo kèm theo"), blank=True, validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)]
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt công khai, lấy ý kiến")
        verbose_name_plural = _("công khai, lấy ý kiến")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="consultation_dates"
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.opens_on:%d/%m/%Y}–{self.closes_on:%d/%m/%Y}"


class CommentKind(models.TextChoices):
    OPINION = "opinion", _("Góp ý")
    OBJECTION = "objection", _("Phản ánh, không đồng ý")


class ConsultationComment(models.Model):
    """A comment or objection from the public on one dossier of a consultation. Who sent it is
    seen only by the deciding unit; the sender's address is kept as a keyed digest, for rate
    limiting and abuse reports, never in clear."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="comments"
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="public_comments"
    )
    kind = models.CharField(
        _("loại ý kiến"), max_length=12, choices=CommentKind.choices, default=CommentKind.OPINION
    )
    author_name = models.CharField(_("họ và tên người gửi"), max_length=120)
    author_contact = models.CharField(_("điện thoại hoặc thư điện tử"), max_length=120, blank=True)
    text = models.TextField(_("nội dung"), validators=[MaxLengthValidator(LONG_TEXT_MAX_CHARS)])
    sender_digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ý kiến của công chúng")
        verbose_name_plural = _("ý kiến của công chúng")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.nomination_id}: {self.author_name}"
