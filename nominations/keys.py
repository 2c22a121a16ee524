"""The folded keys a dossier is matched and found by: the nominee's key for duplicate checks and
the public search text."""

from core.text import fold


def nominee_key(*, person=None, unit=None) -> str:
    if person is not None:
        born = person.birth_date.isoformat() if person.birth_date else ""
        return f"p:{fold(person.full_name)}|{born}"
    return f"u:{unit.pk}"


def search_text(*, person=None, unit=None, nominating_unit) -> str:
    """What the public search matches: the nominee's name and unit, folded."""
    if person is None and unit == nominating_unit:
        return fold(unit.name)[:512]
    name = person.full_name if person is not None else unit.name
    return fold(f"{name} {nominating_unit.name}")[:512]
