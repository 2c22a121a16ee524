"""The chain a nomination climbs, from the unit tree as it stood on a date.

The tree holds today's parents; a UnitMove records an earlier parent (a school moved from the
district office to the commune on 1/7/2025). So the parent of a unit on a day is the `from_parent`
of its first move after that day, or else today's parent. Levels that do not exist in a branch
are simply not on the path: a THPT school goes straight to the Sở.
"""

from django.utils.translation import gettext as _

from units.models import Unit, UnitMove


class ChainError(ValueError):
    pass


def parent_on(unit: Unit, day) -> Unit | None:
    later = (
        UnitMove.objects.filter(unit=unit, moved_on__gt=day)
        .select_related("from_parent")
        .order_by("moved_on")
        .first()
    )
    if later is not None:
        return later.from_parent
    return Unit.objects.get_parent(unit)


def chain_on(unit: Unit, *, day, up_to: Unit) -> list[Unit]:
    """`unit`, then its parents on `day`, up to and including `up_to`."""
    chain = [unit]
    while chain[-1] != up_to:
        parent = parent_on(chain[-1], day)
        if parent is None or len(chain) > 12:
            raise ChainError(
                _("Đơn vị “%(unit)s” không thuộc phạm vi của “%(owner)s” vào ngày %(day)s.")
                % {"unit": unit.name, "owner": up_to.name, "day": day.strftime("%d/%m/%Y")}
            )
        chain.append(parent)
    return chain


def deciding_unit(*, chain: list[Unit], owner: Unit, title) -> Unit:
    """The campaign owner decides when it may grant the title; otherwise the nearest unit above
    the nominating one that may."""
    if owner.level in title.granting_levels:
        return owner
    return next((u for u in chain[1:] if u.level in title.granting_levels), owner)


def nomination_chain(*, campaign, round_, title, nominating_unit: Unit) -> list[Unit]:
    """The whole path of a new nomination, cut at its deciding unit."""
    full = chain_on(nominating_unit, day=round_.opens_on, up_to=campaign.owner_unit)
    decider = deciding_unit(chain=full, owner=campaign.owner_unit, title=title)
    chain = full[: full.index(decider) + 1]
    if len(chain) < 2:
        raise ChainError(
            _(
                "Đơn vị quyết định không tự đề nghị cho chính mình; hồ sơ phải do đơn "
                "vị cấp dưới lập."
            )
        )
    return chain
