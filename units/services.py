"""Every write to units, people and memberships goes through these functions.

They take the acting user as `actor`, never a request, so that a view, a Celery task, an import
and a management command all run the same code.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from core.text import clean_text

from .models import Person, Unit, UnitMove

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


@transaction.atomic
def person_create(*, actor, unit: Unit, **fields) -> Person:
    if not actor.has_perm("units.add_person", unit):
        raise PermissionDenied
    person = Person(unit=unit, **_clean_person_fields(fields))
    person.full_clean()
    person.save()
    audit(actor=actor, action="person.create", target=person, unit=unit.code)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, **fields) -> Person:
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
    audit(actor=actor, action="person.update", target=person, fields=sorted(changed))
    return person
