"""The guards of the transition table: each says, for one attempt, what stands in the way.

A guard is a function of the dossier (locked) and the attempt, returning the sentences that
explain why not and what to do; none means it passes. `fits`, when a guard has one, is the part
known without a query (where the dossier sits on its chain): `actions_for` uses it to hide the
buttons that cannot apply. Guards read; the quota guard also locks the quota rows it reads so that
concurrent senders of one unit queue up.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.chain import deadline_in_chain
from campaigns.enums import QuotaCategory
from campaigns.models import Quota
from campaigns.selectors import closes_at
from criteria.enums import NomineeCategory

from . import selectors
from .models import ChainStep, Decision, Nomination
from .progress import quota_used


@dataclass
class Attempt:
    """One run of a transition: who acts, with what, when, and what the guards found out."""

    actor: object
    action: str
    steps: list[ChainStep]
    now: datetime.datetime
    reason: str = ""
    decision: Decision | None = None
    eligibility: list = field(default_factory=list)

    @property
    def today(self) -> datetime.date:
        return timezone.localtime(self.now).date()

    @property
    def last(self) -> int:
        return len(self.steps) - 1


@dataclass(frozen=True)
class Guard:
    check: Callable[[Nomination, Attempt], list[str]]
    fits: Callable[[Nomination], bool] | None = None


def content_problems(nomination: Nomination) -> list[str]:
    """What the dossier still lacks before it can be sent up."""
    problems = []
    minimum = nomination.campaign.min_summary_words
    if nomination.summary_words < minimum:
        problems.append(
            _("Bản tóm tắt thành tích có %(n)s từ; cần ít nhất %(min)s từ.")
            % {"n": nomination.summary_words, "min": minimum}
        )
    assessments = list(nomination.assessments.select_related("criterion"))
    unanswered = [a.criterion.order for a in assessments if a.met is None]
    if unanswered:
        problems.append(
            _("Chưa tự đánh giá các tiêu chí số %(list)s.")
            % {"list": ", ".join(str(n) for n in sorted(unanswered))}
        )
    covered = set(nomination.evidence.values_list("criterion_id", flat=True))
    missing = sorted(
        a.criterion.order
        for a in assessments
        if a.criterion.evidence_required and a.criterion_id not in covered
    )
    if missing:
        problems.append(
            _("Thiếu minh chứng cho tiêu chí số %(list)s.")
            % {"list": ", ".join(str(n) for n in missing)}
        )
    if not nomination.is_collective and not nomination.photo:
        problems.append(_("Thiếu ảnh 4x6 của cá nhân được đề nghị."))
    return problems


def consultation_problems(nomination: Nomination, *, today: datetime.date) -> list[str]:
    """A campaign that requires public consultation approves a dossier only after its list has
    been public at the deciding unit for the whole period."""
    if not nomination.campaign.requires_public_consultation:
        return []
    closes = list(
        nomination.consultations.filter(unit=nomination.deciding_unit).values_list(
            "closes_on", flat=True
        )
    )
    if any(day < today for day in closes):
        return []
    if closes:
        return [
            _("Hồ sơ đang được công khai lấy ý kiến đến hết ngày %(day)s; hãy duyệt sau ngày đó.")
            % {"day": max(closes).strftime("%d/%m/%Y")}
        ]
    return [
        _(
            "Phong trào yêu cầu công khai, lấy ý kiến trước khi duyệt; hãy công khai danh sách "
            "có hồ sơ này."
        )
    ]


def _window_problems(nomination, attempt, position):
    unit, day = deadline_in_chain(nomination.round, [s.unit for s in attempt.steps], position)
    if day is None:
        return [
            _("Đợt “%(r)s” không có hạn chót cho “%(u)s”.")
            % {"r": nomination.round.name, "u": unit.name}
        ]
    if attempt.today < nomination.round.opens_on:
        return [
            _("Đợt “%(r)s” mở từ ngày %(d)s.")
            % {"r": nomination.round.name, "d": nomination.round.opens_on.strftime("%d/%m/%Y")}
        ]
    if attempt.now > closes_at(day):
        return [
            _(
                "Đã quá hạn chót %(d)s của “%(u)s”. Nếu cần, hãy đề nghị đơn vị chủ trì phong "
                "trào gia hạn."
            )
            % {"d": day.strftime("%d/%m/%Y"), "u": unit.name}
        ]
    return []


def window_open(nomination, attempt):
    return _window_problems(nomination, attempt, nomination.position)


def returner_window_open(nomination, attempt):
    """A resubmitted dossier goes straight back to the unit that returned it: its window."""
    return _window_problems(nomination, attempt, nomination.returned_from_position)


def content_complete(nomination, attempt):
    return content_problems(nomination)


def eligible(nomination, attempt):
    # Kept on the attempt: the transition stores the summary once it succeeds.
    attempt.eligibility = selectors.eligibility(nomination, on_date=attempt.today)
    problems = [f"{r.rule.name}: {r.message}" for r in attempt.eligibility if r.blocks]
    # A warning-only rule (one ground among several the law allows, e.g. Art. 74(1)(d) for a
    # Bằng khen) does not block, but the nominator must name the ground the dossier rests on.
    unmet = [
        r
        for r in attempt.eligibility
        if r.rule.severity == "warn" and not r.blocks and r.status != "pass"
    ]
    if unmet and not nomination.ground.strip():
        problems.append(
            _(
                "%(rule)s: chưa đạt (%(why)s). Nếu đề nghị theo căn cứ khác, hãy ghi “Căn cứ "
                "đề nghị” trên hồ sơ."
            )
            % {"rule": unmet[0].rule.name, "why": unmet[0].message}
        )
    return problems


def individual_quota(category: str) -> list[str]:
    """The "every individual" quota counts a teacher as it counts a manager."""
    return [] if category == NomineeCategory.COLLECTIVE else [QuotaCategory.INDIVIDUAL]


def quota_free(nomination, attempt):
    unit = attempt.steps[nomination.position].unit
    # Lock the quotas that apply so that concurrent senders of this unit queue up here.
    quotas = (
        Quota.objects.select_for_update()
        .filter(
            round=nomination.round,
            level=unit.level,
            category__in=[nomination.category, "", *individual_quota(nomination.category)],
            max_forward__isnull=False,
        )
        .order_by("pk")
    )
    for quota in quotas:
        if quota_used(nomination.round, unit, quota.category) + 1 > quota.max_forward:
            return [
                _(
                    "“%(u)s” đã gửi đủ %(max)s hồ sơ %(what)s được phép trong đợt này "
                    "(chỉ tiêu). Hãy rút hoặc thay một hồ sơ đã gửi."
                )
                % {"u": unit.name, "max": quota.max_forward, "what": quota.category_label}
            ]
    return []


def _at_deciding_unit(nomination) -> bool:
    return nomination.current_unit_id == nomination.deciding_unit_id


def below_deciding(nomination, attempt):
    if nomination.position < attempt.last:
        return []
    return [_("Hồ sơ đã ở đơn vị quyết định; hãy duyệt hoặc không chọn.")]


def at_deciding(nomination, attempt):
    if nomination.position == attempt.last:
        return []
    return [
        _("Chỉ đơn vị quyết định (%(u)s) mới duyệt được hồ sơ.")
        % {"u": attempt.steps[attempt.last].unit.name}
    ]


def consulted(nomination, attempt):
    return consultation_problems(nomination, today=attempt.today)


def council_passed(nomination, attempt):
    if not nomination.campaign.requires_council_vote:
        return []
    vote = selectors.council_result(nomination)
    if vote is None:
        return [_("Phong trào yêu cầu hội đồng bỏ phiếu trước khi duyệt; chưa có kết quả.")]
    return [] if vote.passed else [_("Hồ sơ chưa đạt tỷ lệ phiếu đồng ý của hội đồng.")]


WINDOW_OPEN = Guard(window_open)
RETURNER_WINDOW_OPEN = Guard(returner_window_open)
CONTENT_COMPLETE = Guard(content_complete)
ELIGIBLE = Guard(eligible)
QUOTA_FREE = Guard(quota_free)
BELOW_DECIDING = Guard(below_deciding, fits=lambda n: not _at_deciding_unit(n))
AT_DECIDING = Guard(at_deciding, fits=_at_deciding_unit)
CONSULTED = Guard(consulted)
COUNCIL_PASSED = Guard(council_passed)
