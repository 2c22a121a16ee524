"""Every write to campaigns, rounds, quotas, extensions and registrations.

Plain functions with the acting user as `actor`; each checks what it needs and raises
ValidationError with a sentence that says what to do.
"""

import calendar
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.concurrency import bump_version, check_version
from core.text import clean_text
from criteria.enums import NomineeCategory
from criteria.models import CriteriaSet
from criteria.services import criteria_set_freeze, template_of
from units.enums import LEVEL_RANK, UnitLevel
from units.models import Person, Unit

from .enums import CampaignStatus, DayCount, RoundKind
from .models import (
    Campaign,
    CampaignCriteriaSet,
    CampaignRule,
    Extension,
    Phase,
    Quota,
    Registration,
    Round,
    RoundDeadline,
    StandingQuota,
)
from .selectors import campaign_levels, deadline_for
from .workdays import window_end

COPIED_FIELDS = (
    "description",
    "categories",
    "report_template",
    "min_summary_words",
    "max_summary_words",
    "reminder_days",
    "deadline_day_count",
    "requires_council_vote",
    "council_threshold_percent",
    "requires_public_consultation",
    "consultation_days",
    "consultation_day_count",
)


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _level_label(level: str) -> str:
    return str(UnitLevel(level).label)


def _require_manager(actor, campaign):
    if not actor.has_perm("campaigns.manage_campaign", campaign):
        raise PermissionDenied


# --- campaigns --------------------------------------------------------------------------------
@transaction.atomic
def campaign_create(
    *, actor, owner_unit: Unit, template: Campaign | None = None, titles=(), **fields
) -> Campaign:
    if not actor.has_perm("campaigns.create_campaign_for", owner_unit):
        raise PermissionDenied
    if template is not None:
        for name in COPIED_FIELDS:
            fields.setdefault(name, getattr(template, name))
    fields["name"] = clean_text(fields.get("name", ""))
    campaign = Campaign(owner_unit=owner_unit, template=template, created_by=actor, **fields)
    campaign.full_clean()
    campaign.save()
    campaign.titles.set(titles or (template.titles.all() if template else []))
    if template is not None:
        CampaignCriteriaSet.objects.bulk_create(
            [
                CampaignCriteriaSet(
                    campaign=campaign,
                    category=link.category,
                    criteria_set=template_of(link.criteria_set),
                )
                for link in template.criteria_links.all()
                if link.category in campaign.categories
            ]
        )
        CampaignRule.objects.bulk_create(
            [
                CampaignRule(campaign=campaign, rule=link.rule, severity=link.severity)
                for link in template.rule_links.all()
            ]
        )
    audit(
        actor=actor,
        action="campaign.create",
        target=campaign,
        template=template.code if template else None,
    )
    return campaign


@transaction.atomic
def campaign_update(
    *, actor, campaign: Campaign, titles=None, expected_version: int | None = None, **fields
) -> Campaign:
    """Save the campaign form; with `expected_version`, a campaign someone else saved since the
    form was read is left as it is (core.concurrency)."""
    _require_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    check_version(campaign, expected_version)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("Phong trào đã kết thúc, không sửa được nữa."))
    for name, value in fields.items():
        setattr(campaign, name, clean_text(value) if name == "name" else value)
    campaign.full_clean()
    bump_version(campaign)
    campaign.save()
    if titles is not None:
        campaign.titles.set(titles)
    campaign.criteria_links.exclude(category__in=campaign.categories).delete()
    audit(actor=actor, action="campaign.update", target=campaign, fields=sorted(fields))
    return campaign


@transaction.atomic
def campaign_set_criteria(
    *, actor, campaign: Campaign, category: str, criteria_set: CriteriaSet
) -> CampaignCriteriaSet:
    """Choose the criteria set of a category. Once the campaign is open the choice is frozen on
    the spot, so nominations from now on use the new version and earlier ones keep theirs."""
    _require_manager(actor, campaign)
    if category not in campaign.categories:
        raise ValidationError(
            _("Phong trào không có đối tượng “%(c)s”.") % {"c": NomineeCategory(category).label}
        )
    if criteria_set.category != category:
        raise ValidationError(
            _("Bộ tiêu chí “%(name)s” dành cho đối tượng khác.") % {"name": criteria_set.name}
        )
    if campaign.status == CampaignStatus.OPEN:
        criteria_set = criteria_set_freeze(criteria_set=template_of(criteria_set))
    link, _created = CampaignCriteriaSet.objects.update_or_create(
        campaign=campaign, category=category, defaults={"criteria_set": criteria_set}
    )
    audit(
        actor=actor,
        action="campaign.criteria",
        target=campaign,
        category=category,
        criteria_set=criteria_set.code,
        version=criteria_set.version,
    )
    return link


@transaction.atomic
def campaign_rule_attach(*, actor, campaign: Campaign, rule, severity: str) -> CampaignRule:
    _require_manager(actor, campaign)
    if rule.title_id is not None:
        raise ValidationError(_("Điều kiện của danh hiệu đã tự áp dụng; chỉ thêm điều kiện chung."))
    link, _created = CampaignRule.objects.update_or_create(
        campaign=campaign, rule=rule, defaults={"severity": severity}
    )
    audit(actor=actor, action="campaign.rule", target=campaign, rule=rule.code, severity=severity)
    return link


@transaction.atomic
def campaign_rule_detach(*, actor, link: CampaignRule) -> None:
    _require_manager(actor, link.campaign)
    audit(actor=actor, action="campaign.rule_removed", target=link.campaign, rule=link.rule.code)
    link.delete()


def campaign_open_problems(campaign: Campaign) -> list[str]:
    """What still keeps a campaign from opening, in words."""
    problems = []
    rounds = list(campaign.rounds.prefetch_related("deadlines"))
    if not rounds:
        problems.append(_("Chưa có đợt xét nào."))
    if not campaign.titles.exists():
        problems.append(_("Chưa chọn danh hiệu, hình thức đề nghị."))
    chosen = set(campaign.criteria_links.values_list("category", flat=True))
    for category in campaign.categories:
        if category not in chosen:
            problems.append(
                _("Chưa chọn bộ tiêu chí cho đối tượng “%(c)s”.")
                % {"c": NomineeCategory(category).label}
            )
    for round_ in rounds:
        if not round_.deadlines.all():
            problems.append(_("Đợt “%(r)s” chưa có hạn chót.") % {"r": round_.name})
    return problems


@transaction.atomic
def campaign_open(*, actor, campaign: Campaign) -> Campaign:
    _require_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(_("Chỉ mở được phong trào đang soạn."))
    problems = campaign_open_problems(campaign)
    if problems:
        raise ValidationError(problems)
    for link in campaign.criteria_links.select_related("criteria_set"):
        link.criteria_set = criteria_set_freeze(criteria_set=link.criteria_set)
        link.save(update_fields=["criteria_set"])
    campaign.status, campaign.opened_at = CampaignStatus.OPEN, timezone.now()
    campaign.save(update_fields=["status", "opened_at"])
    audit(actor=actor, action="campaign.open", target=campaign)
    return campaign


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    _require_manager(actor, campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("Chỉ kết thúc được phong trào đang triển khai."))
    campaign.status, campaign.closed_at = CampaignStatus.CLOSED, timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    audit(actor=actor, action="campaign.close", target=campaign)
    return campaign


@transaction.atomic
def phase_create(*, actor, campaign: Campaign, name: str, starts_on, ends_on) -> Phase:
    _require_manager(actor, campaign)
    phase = Phase(campaign=campaign, name=clean_text(name), starts_on=starts_on, ends_on=ends_on)
    problems = []
    if ends_on < starts_on:
        problems.append(_("Giai đoạn phải kết thúc sau khi bắt đầu."))
    if starts_on < campaign.period_start or ends_on > campaign.period_end:
        problems.append(
            _("Giai đoạn phải nằm trong thời gian của phong trào (%(a)s – %(b)s).")
            % {"a": _day(campaign.period_start), "b": _day(campaign.period_end)}
        )
    overlapping = campaign.phases.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if overlapping is not None:
        problems.append(_("Giai đoạn trùng thời gian với “%(name)s”.") % {"name": overlapping.name})
    if problems:
        raise ValidationError(problems)
    phase.full_clean()
    phase.save()
    audit(actor=actor, action="phase.create", target=phase, campaign=campaign.code)
    return phase


# --- rounds and deadlines ---------------------------------------------------------------------
def deadline_problems(
    *, campaign: Campaign, opens_on: datetime.date, deadlines: dict[str, datetime.date]
) -> list[str]:
    """Every lower level's deadline must fall before its parent level's, after the round opens,
    and within the campaign's period."""
    problems = []
    for level, day in deadlines.items():
        if day < opens_on:
            problems.append(
                _("Hạn của cấp “%(level)s” (%(day)s) phải sau ngày mở đợt (%(opens)s).")
                % {"level": _level_label(level), "day": _day(day), "opens": _day(opens_on)}
            )
        if day > campaign.period_end:
            problems.append(
                _("Hạn của cấp “%(level)s” (%(day)s) sau ngày kết thúc phong trào (%(end)s).")
                % {"level": _level_label(level), "day": _day(day), "end": _day(campaign.period_end)}
            )
    for lower, lower_day in deadlines.items():
        for upper, upper_day in deadlines.items():
            if LEVEL_RANK[lower] > LEVEL_RANK[upper] and lower_day >= upper_day:
                problems.append(
                    _(
                        "Hạn của cấp “%(lower)s” (%(lower_day)s) phải trước hạn của cấp "
                        "“%(upper)s” (%(upper_day)s): cấp dưới gửi lên thì cấp trên mới có "
                        "thời gian xét."
                    )
                    % {
                        "lower": _level_label(lower),
                        "lower_day": _day(lower_day),
                        "upper": _level_label(upper),
                        "upper_day": _day(upper_day),
                    }
                )
    return problems


@transaction.atomic
def round_save(
    *,
    actor,
    campaign: Campaign,
    deadlines: dict[str, datetime.date],
    round_: Round | None = None,
    expected_version: int | None = None,
    **fields,
) -> Round:
    """Create (or, with `round_`, update) a round and its per-level deadlines; an update with
    `expected_version` leaves a round someone else saved meanwhile as it is."""
    _require_manager(actor, campaign)
    if round_ is not None:
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        check_version(round_, expected_version)
        bump_version(round_)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("Phong trào đã kết thúc, không thêm hay sửa đợt được."))
    deadlines = {level: day for level, day in deadlines.items() if day}
    if not deadlines:
        raise ValidationError(_("Hãy nhập hạn chót cho ít nhất một cấp."))
    problems = deadline_problems(
        campaign=campaign, opens_on=fields["opens_on"], deadlines=deadlines
    )
    if problems:
        raise ValidationError(problems)
    created = round_ is None
    round_ = round_ or Round(campaign=campaign)
    for name, value in fields.items():
        setattr(round_, name, clean_text(value) if name == "name" else value)
    round_.full_clean()
    round_.save()
    if created:
        # The quotas and targets set for all rounds apply to this one too.
        Quota.objects.bulk_create(
            Quota(round=round_, **_quota_numbers(s)) for s in campaign.standing_quotas.all()
        )
    round_.deadlines.exclude(level__in=deadlines).delete()
    for level, day in deadlines.items():
        RoundDeadline.objects.update_or_create(
            round=round_, level=level, defaults={"deadline": day}
        )
    audit(
        actor=actor,
        action="round.save",
        target=round_,
        campaign=campaign.code,
        deadlines={level: day.isoformat() for level, day in deadlines.items()},
    )
    return round_


def quarterly_plan(
    *,
    year: int,
    deadline_day: int,
    levels: list[str],
    gap_days: int,
    quarters=(1, 2, 3, 4),
    day_count: str = DayCount.CALENDAR,
) -> list[dict]:
    """Quarterly rounds whose lowest level's deadline is day `deadline_day` of the first month of
    the next quarter (the fourth quarter's falls in January of the next year); each level above
    gets `gap_days` more than the one below, counted as `day_count` (the campaign's
    `deadline_day_count`)."""

    def later(first, days):
        if days == 0:
            return first
        if day_count == DayCount.WORKING:
            return window_end(first + datetime.timedelta(days=1), days, DayCount.WORKING)
        return first + datetime.timedelta(days=days)

    plan = []
    for quarter in quarters:
        opens = datetime.date(year, 3 * (quarter - 1) + 1, 1)
        month, deadline_year = 3 * quarter + 1, year
        if month > 12:
            month, deadline_year = month - 12, year + 1
        day = min(deadline_day, calendar.monthrange(deadline_year, month)[1])
        first = datetime.date(deadline_year, month, day)
        deadlines = {level: later(first, gap_days * i) for i, level in enumerate(levels)}
        plan.append(
            {
                "name": _("Quý %(q)s/%(y)s") % {"q": quarter, "y": year},
                "kind": RoundKind.QUARTERLY,
                "opens_on": opens,
                "year": year,
                "quarter": quarter,
                "deadlines": deadlines,
            }
        )
    return plan


@transaction.atomic
def rounds_generate_quarterly(
    *, actor, campaign: Campaign, year: int, deadline_day: int, gap_days: int, quarters=(1, 2, 3, 4)
) -> list[Round]:
    _require_manager(actor, campaign)
    levels = campaign_levels(campaign, on=datetime.date(year, 1, 1))
    rounds = []
    for item in quarterly_plan(
        year=year,
        deadline_day=deadline_day,
        levels=levels,
        gap_days=gap_days,
        quarters=quarters,
        day_count=campaign.deadline_day_count,
    ):
        deadlines = item.pop("deadlines")
        rounds.append(round_save(actor=actor, campaign=campaign, deadlines=deadlines, **item))
    return rounds


@transaction.atomic
def round_delete(*, actor, round_: Round) -> None:
    _require_manager(actor, round_.campaign)
    if round_.campaign.status != CampaignStatus.DRAFT:
        raise ValidationError(_("Chỉ xoá được đợt khi phong trào đang soạn."))
    audit(actor=actor, action="round.delete", target=round_, campaign=round_.campaign.code)
    round_.delete()


# --- quotas and extensions --------------------------------------------------------------------
@transaction.atomic
def quota_save(
    *,
    actor,
    rounds,
    level: str,
    category: str,
    max_forward: int | None,
    min_target: int | None,
    campaign: Campaign | None = None,
) -> list[Quota]:
    """Set the same quota on each of `rounds` (one round, or all of a campaign's). With
    `campaign` the quota is for all its rounds: kept as a standing quota, which rounds added
    later receive too (`round_save`)."""
    if campaign is not None:
        _require_manager(actor, campaign)
        standing = StandingQuota(
            campaign=campaign,
            level=level,
            category=category,
            max_forward=max_forward,
            min_target=min_target,
        )
        Quota(**_quota_numbers(standing)).clean()  # the same checks as a round's quota
        StandingQuota.objects.update_or_create(
            campaign=campaign,
            level=level,
            category=category,
            defaults={"max_forward": max_forward, "min_target": min_target},
        )
    saved = []
    for round_ in rounds:
        _require_manager(actor, round_.campaign)
        quota = Quota.objects.filter(round=round_, level=level, category=category).first() or Quota(
            round=round_, level=level, category=category
        )
        quota.max_forward, quota.min_target = max_forward, min_target
        quota.full_clean()
        quota.save()
        saved.append(quota)
    if saved or campaign is not None:
        audit(
            actor=actor,
            action="quota.save",
            target=campaign or saved[0].round.campaign,
            level=level,
            category=category,
            max=max_forward,
            min=min_target,
            rounds=len(saved),
            all_rounds=campaign is not None,
        )
    return saved


def _quota_numbers(standing) -> dict:
    return {
        "level": standing.level,
        "category": standing.category,
        "max_forward": standing.max_forward,
        "min_target": standing.min_target,
    }


@transaction.atomic
def extension_grant(
    *, actor, round_: Round, unit: Unit, deadline: datetime.date, reason: str
) -> Extension:
    campaign = round_.campaign
    _require_manager(actor, campaign)
    if not unit.path.startswith(campaign.owner_unit.path) or unit == campaign.owner_unit:
        raise ValidationError(_("Chỉ gia hạn được cho đơn vị trực thuộc phong trào."))
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do gia hạn.")})
    current = next((d.deadline for d in round_.deadlines.all() if d.level == unit.level), None)
    if current is None:
        raise ValidationError(
            _("Đợt này không có hạn cho cấp “%(level)s”.") % {"level": _level_label(unit.level)}
        )
    if deadline <= current:
        raise ValidationError(
            {
                "deadline": _("Hạn mới phải sau hạn chung của cấp này (%(day)s).")
                % {"day": _day(current)}
            }
        )
    parent = Unit.objects.get_parent(unit)
    parent_deadline = deadline_for(round_, parent) if parent else None
    if parent_deadline is not None and deadline >= parent_deadline:
        raise ValidationError(
            {
                "deadline": _(
                    "Hạn mới phải trước hạn của đơn vị cấp trên “%(parent)s” (%(day)s); "
                    "nếu cần, hãy gia hạn cho đơn vị cấp trên trước."
                )
                % {"parent": parent.name, "day": _day(parent_deadline)}
            }
        )
    extension, _created = Extension.objects.update_or_create(
        round=round_,
        unit=unit,
        defaults={"deadline": deadline, "reason": reason, "granted_by": actor},
    )
    audit(
        actor=actor,
        action="extension.grant",
        target=extension,
        unit=unit.code,
        round=round_.name,
        deadline=deadline.isoformat(),
        reason=reason,
    )
    return extension


# --- registration -----------------------------------------------------------------------------
@transaction.atomic
def registration_create(
    *,
    actor,
    campaign: Campaign,
    title,
    person: Person | None = None,
    nominee_unit: Unit | None = None,
    note: str = "",
    today=None,
) -> Registration:
    today = today or timezone.localdate()
    subject_unit = person.unit if person is not None else nominee_unit
    if not actor.has_perm("campaigns.register", subject_unit):
        raise PermissionDenied
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("Phong trào chưa mở hoặc đã kết thúc."))
    if not campaign.registration_opens or not (
        campaign.registration_opens <= today <= campaign.registration_closes
    ):
        raise ValidationError(_("Ngoài thời gian đăng ký thi đua của phong trào."))
    if not subject_unit.path.startswith(campaign.owner_unit.path):
        raise ValidationError(_("Đơn vị không thuộc phạm vi phong trào."))
    if not campaign.titles.filter(pk=title.pk).exists():
        raise ValidationError(_("Phong trào không xét danh hiệu “%(t)s”.") % {"t": title.name})
    # Any individual category tells the title's nominee kind; TEACHER stands for them all.
    category = NomineeCategory.COLLECTIVE if nominee_unit is not None else NomineeCategory.TEACHER
    if not title.fits(category):
        raise ValidationError(
            _("Danh hiệu “%(t)s” không dành cho đối tượng này.") % {"t": title.name}
        )
    registering_unit = nominee_unit if person is None else person.unit
    if registering_unit.level == UnitLevel.SUBUNIT:
        registering_unit = Unit.objects.get_parent(registering_unit)
    registration = Registration(
        campaign=campaign,
        unit=registering_unit,
        person=person,
        nominee_unit=nominee_unit,
        title=title,
        note=clean_text(note),
        registered_by=actor,
    )
    registration.full_clean()
    registration.save()
    audit(actor=actor, action="registration.create", target=registration, campaign=campaign.code)
    return registration


# --- holiday calendar -------------------------------------------------------------------------
@transaction.atomic
def holidays_prefill(*, actor=None, years) -> int:
    """Add the computed days off (and announced swapped working days) of `years`
    (`workdays.computed_holidays`) where the calendar has no row for that date yet: an
    administrator's edits are kept. Returns the number of rows added."""
    from .models import Holiday
    from .workdays import computed_holidays

    if actor is not None and not actor.is_superuser:
        raise PermissionDenied
    rows = [row for year in years for row in computed_holidays(int(year))]
    existing = set(
        Holiday.objects.filter(date__in=[row.date for row in rows]).values_list("date", flat=True)
    )
    added = Holiday.objects.bulk_create(
        Holiday(
            date=row.date,
            name=row.name,
            kind=row.kind,
            legal_basis=row.legal_basis,
            is_day_off=row.is_day_off,
        )
        for row in rows
        if row.date not in existing
    )
    audit(actor=actor, action="holidays.prefill", years=list(years), count=len(added))
    return len(added)
