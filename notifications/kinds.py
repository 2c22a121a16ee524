"""The kinds of message. Each app that writes to the outbox registers its own kinds (a
`TextChoices` of stable codes and labels) when it starts, so that the outbox knows no dossier or
report words and takes any kind a caller registered; a message of a kind nobody registered is a
programming error, refused before it is written."""

_LABELS: dict = {}


def register(kinds) -> None:
    for code, label in kinds.choices:
        _LABELS[code] = label


def is_registered(code: str) -> bool:
    return code in _LABELS


def label(code: str) -> str:
    return str(_LABELS.get(code, code))


def choices() -> list[tuple[str, str]]:
    return sorted(((code, str(text)) for code, text in _LABELS.items()), key=lambda c: c[1])
