"""The chain a nomination climbs, from the unit tree as it stood on a date, and the deadline
each unit on it works to. Creating a dossier and the campaign's chain preview both call it.

The tree holds today's parents; a UnitMove records an earlier parent (a school moved from the
district office to the commune on 1/7/2025). So the parent of a unit on a day is the `from_parent`
of its first move after that day, or else today's parent. Levels that do not exist in a branch
are simply not on the path: a THPT school goes straight to the Sở.
"""

import bisect

from django.utils.translation import gettext as _

from criteria.selectors import granting_levels
from units.models import Unit, UnitMove
from units.selectors import parent_on

from .selectors import deadline_for, rounds_of
from .workdays import DaysLeft


class ChainError(ValueError):
    pass


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


def deciding_unit(*, chain: list[Unit], owner: Unit, title, day) -> Unit:
    """The campaign owner decides when it may grant the title on `day` (the authority matrix);
    otherwise the nearest unit above the nominating one that may."""
    levels = granting_levels(title, day)
    if owner.level in levels:
        return owner
    return next((u for u in chain[1:] if u.level in levels), owner)


def chain_from(unit: Unit, *, campaign, day, title=None) -> list[Unit]:
    """The path of a dossier from `unit` on `day`, cut at its deciding unit when the title is
    known; without a title (the preview before one is chosen), up to the campaign's owner."""
    full = chain_on(unit, day=day, up_to=campaign.owner_unit)
    if title is None:
        return full
    decider = deciding_unit(chain=full, owner=campaign.owner_unit, title=title, day=day)
    chain = full[: full.index(decider) + 1]
    if len(chain) < 2:
        raise ChainError(
            _(
                "Đơn vị quyết định không tự đề nghị cho chính mình; hồ sơ phải do đơn "
                "vị cấp dưới lập."
            )
        )
    return chain


def nomination_chain(*, campaign, round_, title, nominating_unit: Unit) -> list[Unit]:
    """The whole path of a new nomination, from the tree as it stood when the round opened."""
    return chain_from(nominating_unit, campaign=campaign, day=round_.opens_on, title=title)


def chains_on_days(unit: Unit, *, campaign, days, title=None) -> dict:
    """`chain_from` for each of `days` (a day maps to its chain, or to the ChainError that says
    why there is none). The tree changes only on a move day, so the days between two moves share
    one walk up the tree: a preview over many rounds costs the queries of a few."""
    moves = sorted(set(UnitMove.objects.values_list("moved_on", flat=True)))
    walked, chains = {}, {}
    for day in days:
        stretch = bisect.bisect_right(moves, day)
        if stretch not in walked:
            try:
                walked[stretch] = chain_from(unit, campaign=campaign, day=day, title=title)
            except ChainError:
                walked[stretch] = None
        try:
            chains[day] = walked[stretch] or chain_from(
                unit, campaign=campaign, day=day, title=title
            )
        except ChainError as exc:  # walked again for a message that names this day
            chains[day] = exc
    return chains


def deadline_in_chain(round_, chain: list[Unit], position: int):
    """(unit, day): the deadline of the unit at `position`, or of the first unit above it that
    has one (a subject team has none of its own: it works to its school's)."""
    for unit in chain[position:]:
        day = deadline_for(round_, unit)
        if day is not None:
            return unit, day
    return chain[position], None


def chain_preview(campaign, unit: Unit, *, title, today) -> tuple[list[Unit], list[dict]]:
    """What the campaign's chain preview shows: the chain on today's tree, then per round the
    chain a dossier from `unit` would climb in it with the deadline each unit works to. Raises
    ChainError when today's tree gives no chain."""
    chain = chain_from(unit, campaign=campaign, day=today, title=title)
    rounds = list(rounds_of(campaign))
    chains = chains_on_days(unit, campaign=campaign, days={r.opens_on for r in rounds}, title=title)
    rows = []
    # Days left as the campaign counts them; the days off of all its deadlines in one query.
    left = DaysLeft(
        today,
        campaign.deadline_day_count,
        [d.deadline for r in rounds for d in r.deadlines.all()]
        + [e.deadline for r in rounds for e in r.extensions.all()],
    )
    for round_ in rounds:
        units = chains[round_.opens_on]
        if isinstance(units, ChainError):
            rows.append({"round": round_, "cells": [], "problem": str(units)})
            continue
        cells = []
        for position, step in enumerate(units):
            source, day = deadline_in_chain(round_, units, position)
            cells.append(
                {
                    "unit": step,
                    "day": day,
                    "days_left": left(day),
                    "day_count": campaign.deadline_day_count,
                    "from": source if source != step else None,
                }
            )
        rows.append({"round": round_, "cells": cells})
    return chain, rows
