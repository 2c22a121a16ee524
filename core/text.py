"""Text hygiene for everything users type or paste (often from Word)."""

import unicodedata


def clean_text(value: str) -> str:
    """NFC-normalise, replace non-breaking spaces and collapse runs of white space.

    Word and older Vietnamese keyboards produce decomposed diacritics ("a" + combining accent);
    stored as-is, "Ánh" would not equal "Ánh" and search would miss it.
    """
    if not value:
        return ""
    value = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ")
    return " ".join(value.split())


def fold(name: str) -> str:
    """“Nguyễn Thị Ánh”, “NGUYEN THI  ANH” and a decomposed “Nguyễn Thị Ánh” all fold alike."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", name or ""))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D")
    return " ".join(text.casefold().split())


def file_slug(text) -> str:
    """A download name's part: folded as `fold` does ("Đ" → "d", no diacritics), then Django's
    slugify ("Điển hình tiên tiến" → "dien-hinh-tien-tien"; slugify alone drops the "đ")."""
    from django.utils.text import slugify

    return slugify(fold(str(text)))
