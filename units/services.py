"""Every write to units, people and memberships goes through these functions.

They take the acting user as `actor`, never a request, so that a view, a Celery task, an import
and a management command all run the same code.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.text import clean_text

from .models import Person, Placement, Unit, UnitMove

PERSON_TEXT_FIELDS = ("identifier", "full_name", "ethnicity", "phone", "email")
UNIT_TEXT_FIELDS = ("code", "name", "address", "phone", "email")


def check_level(*, level, parent):
    if parent is None:
        return
    if not Unit.level_fits_under(child_level=level, parent_level=parent.level):
        raise ValidationError(
            {
                "level": _("Đơn vị cấp “%(child)s” không thể trực thuộc đơn vị cấp “%(parent)s”.")
                % {
                    "child": Unit(level=level).get_level_display(),
                    "parent": parent.get_level_display(),
                }
            }
        )


@transaction.atomic
def unit_create(*, parent: Unit | None, actor=None, **fields) -> Unit:
    for name in UNIT_TEXT_FIELDS:
        if name in fields:
            fields[name] = clean_text(fields[name])
    unit = Unit(**fields)
    check_level(level=unit.level, parent=parent)
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit = (
        Unit.objects.add_root(instance=unit)
        if parent is None
        else Unit.objects.add_child(parent, instance=unit)
    )
    if actor is not None:
        audit(actor=actor, action="unit.create", target=unit)
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit, moved_on, reason: str = "", actor=None) -> Unit:
    """Re-parent a unit with its subtree, remembering where it was before."""
    if new_parent.path.startswith(unit.path):
        raise ValidationError(_("Không thể chuyển một đơn vị vào bên trong chính nó."))
    check_level(level=unit.level, parent=new_parent)
    old_parent = Unit.objects.get_parent(unit)
    Unit.objects.move(unit, new_parent, pos="last-child")
    UnitMove.objects.create(
        unit=unit, from_parent=old_parent, to_parent=new_parent, moved_on=moved_on, reason=reason
    )
    if actor is not None:
        audit(
            actor=actor,
            action="unit.move",
            target=unit,
            from_parent=old_parent.code if old_parent else None,
            to_parent=new_parent.code,
        )
    return Unit.objects.get(pk=unit.pk)


def _clean_person_fields(fields: dict) -> dict:
    for name in PERSON_TEXT_FIELDS:
        if name in fields and fields[name] is not None:
            fields[name] = clean_text(fields[name])
    return fields


# --- placements: who belonged to which unit when ----------------------------------------------
def _close(placement: Placement, day) -> None:
    """End a placement the day before `day` (the day the person moved or left)."""
    last = day - datetime.timedelta(days=1)
    if placement.joined_on is not None and last < placement.joined_on:
        last = placement.joined_on
    placement.left_on = last
    placement.save(update_fields=["left_on"])


def placement_sync(person: Person, *, on=None, joined_on=None) -> None:
    """Make the person's placements agree with their unit and status as of `on` (default
    today): a move closes the open placement the day before and opens one at the new unit; a
    person no longer active has no open placement; someone without any placement gets one from
    `joined_on` (empty: since an unknown day). Called by the person form and the people import,
    so the shares of a past year keep counting the people as they were."""
    day = on or timezone.localdate()
    open_ = list(person.placements.filter(left_on__isnull=True).order_by("joined_on", "pk"))
    if not person.is_active:
        for placement in open_:
            _close(placement, day + datetime.timedelta(days=1))
        return
    current = [p for p in open_ if p.unit_id == person.unit_id]
    for placement in open_:
        if placement.unit_id != person.unit_id:
            _close(placement, day)
    if current:
        return
    if not open_ and not person.placements.exists():
        Placement.objects.create(person=person, unit=person.unit, joined_on=joined_on)
        return
    Placement.objects.create(person=person, unit=person.unit, joined_on=joined_on or day)


def placements_sync(people, *, on=None, joined_on: dict | None = None) -> None:
    """`placement_sync` for many people at once (the import: thousands of rows), in a few
    queries: `joined_on` maps a person's pk to the date the sheet gave for the row."""
    joined_on = joined_on or {}
    today = on or timezone.localdate()
    people = list(people)
    placements = defaultdict(list)
    for placement in Placement.objects.filter(person__in=people):
        placements[placement.person_id].append(placement)
    new, closed = [], []
    for person in people:
        day = joined_on.get(person.pk) or today
        mine = placements[person.pk]
        open_ = [p for p in mine if p.left_on is None]
        keep = person.is_active and any(p.unit_id == person.unit_id for p in open_)
        for placement in open_:
            if not person.is_active or placement.unit_id != person.unit_id:
                last = day - datetime.timedelta(days=0 if not person.is_active else 1)
                if placement.joined_on is not None and last < placement.joined_on:
                    last = placement.joined_on
                placement.left_on = last
                closed.append(placement)
        if person.is_active and not keep:
            first = joined_on.get(person.pk) if not mine else day
            new.append(Placement(person=person, unit_id=person.unit_id, joined_on=first))
    Placement.objects.bulk_update(closed, ["left_on"], batch_size=1000)
    Placement.objects.bulk_create(new, batch_size=1000)


@transaction.atomic
def person_create(*, actor, unit: Unit, joined_on=None, **fields) -> Person:
    if not actor.has_perm("units.add_person", unit):
        raise PermissionDenied
    person = Person(unit=unit, **_clean_person_fields(fields))
    person.full_clean()
    person.save()
    placement_sync(person, joined_on=joined_on)
    audit(actor=actor, action="person.create", target=person, unit=unit.code)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, placement_on=None, **fields) -> Person:
    """Change a person; a new unit or a change of status is dated `placement_on` (default
    today) in their placements."""
    if not actor.has_perm("units.change_person", person):
        raise PermissionDenied
    # Compare against the stored row, locked: the caller's instance may already carry the new
    # values (a ModelForm writes them onto its instance while validating).
    person = Person.objects.select_for_update().get(pk=person.pk)
    new_unit = fields.get("unit")
    if (
        new_unit is not None
        and new_unit != person.unit
        and not actor.has_perm("units.add_person", new_unit)
    ):
        raise PermissionDenied
    changed = []
    for name, value in _clean_person_fields(fields).items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    if not changed:
        return person
    person.full_clean()
    person.save()
    if {"unit", "is_active"} & set(changed):
        placement_sync(person, on=placement_on)
    audit(actor=actor, action="person.update", target=person, fields=sorted(changed))
    return person
