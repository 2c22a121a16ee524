"""Writes of the criteria app: freezing criteria sets and recording achievements."""

from django.db import transaction
from django.utils import timezone

from core.audit import audit
from core.text import clean_text

from .enums import RecordKind, RecordSource
from .models import AchievementRecord, CriteriaSet, Criterion

CRITERION_FIELDS = (
    "order",
    "text",
    "kind",
    "evidence_required",
    "max_score",
    "weight",
    "threshold",
    "threshold_unit",
)


def _content(criteria_set: CriteriaSet) -> tuple:
    """What a version promises: the set's own fields and its criteria, in order."""
    return (
        criteria_set.name,
        criteria_set.category,
        criteria_set.tier,
        criteria_set.source,
        criteria_set.owner_unit_id,
        tuple(criteria_set.criteria.order_by("order").values_list(*CRITERION_FIELDS)),
    )


@transaction.atomic
def criteria_set_freeze(*, criteria_set: CriteriaSet) -> CriteriaSet:
    """An immutable, numbered copy of a template's current content, or the latest frozen version
    when the template has not changed since. A frozen set is returned as it is. Campaigns use
    frozen versions; nominations keep the version they were made under."""
    if criteria_set.is_frozen:
        return criteria_set
    # Lock the template so that two admins opening campaigns at once get one version each time.
    template = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    latest = (
        CriteriaSet.objects.filter(code=template.code, version__gt=0).order_by("-version").first()
    )
    if latest is not None and _content(latest) == _content(template):
        return latest
    last = latest.version if latest is not None else 0
    copy = CriteriaSet.objects.create(
        code=template.code,
        version=last + 1,
        name=template.name,
        category=template.category,
        tier=template.tier,
        source=template.source,
        owner_unit=template.owner_unit,
        derived_from=template,
        frozen_at=timezone.now(),
    )
    Criterion.objects.bulk_create(
        [
            Criterion(
                criteria_set=copy,
                order=c.order,
                text=c.text,
                kind=c.kind,
                evidence_required=c.evidence_required,
                max_score=c.max_score,
                weight=c.weight,
                threshold=c.threshold,
                threshold_unit=c.threshold_unit,
            )
            for c in template.criteria.all()
        ]
    )
    return copy


def template_of(criteria_set: CriteriaSet) -> CriteriaSet:
    """The editable template a frozen copy was taken from (or the set itself)."""
    return criteria_set.derived_from if criteria_set.is_frozen else criteria_set


@transaction.atomic
def achievement_record_create(*, actor, **fields) -> AchievementRecord:
    for name in ("description", "decision_number", "issuer"):
        if name in fields:
            fields[name] = clean_text(fields[name])
    record = AchievementRecord(created_by=actor, **fields)
    record.full_clean()
    record.save()
    audit(
        actor=actor,
        action="registry.create",
        target=record,
        subject=str(record.subject),
        year=record.year,
        kind=record.kind,
    )
    return record


def title_record_from_decision(
    *, source_ref: str, subject: dict, year: int, title, decision, description: str
) -> AchievementRecord:
    """The registry entry of a title the portal's own decision granted (`source_ref` names
    what it came from, so that a revocation finds it). Written by the registry's owner, so
    that no other app writes the registry's table."""
    return AchievementRecord.objects.create(
        **subject,
        year=year,
        kind=RecordKind.TITLE,
        title=title,
        decision_number=decision.number,
        decision_date=decision.signed_on,
        issuer=decision.issuer,
        source=RecordSource.PORTAL,
        source_ref=source_ref,
        description=description[:500],
    )


def title_records_revoke(*, source_ref: str) -> int:
    """A revocation decision: the entries it withdraws stay on record, marked revoked."""
    return AchievementRecord.objects.filter(source_ref=source_ref).update(is_revoked=True)


def legal_texts_confirm(*, actor, texts) -> int:
    """An administrator has read these texts in their official version: the verdicts that rest
    on them stop being marked unverified."""
    count = 0
    for text in texts:
        text.verified_by, text.verified_at = actor, timezone.now()
        text.save(update_fields=["verified_by", "verified_at"])
        audit(actor=actor, action="legal_text.confirm", target=text, code=text.code)
        count += 1
    return count
