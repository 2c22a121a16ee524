"""Text of dossiers: sanitising the achievement summary and folding names for duplicate checks."""

import re
import unicodedata

import nh3

# What a summary pasted from Word may keep: paragraphs, emphasis, lists, simple tables, headings.
SUMMARY_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
}


_TAG = re.compile(r"<[a-zA-Z/!]")


def _paragraphs(text: str, escape=lambda p: p) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in re.split(r"\n\s*\n", text) if p.strip())


def sanitise_summary(html: str) -> str:
    """Keep harmless structure only; drop scripts, styles, attributes, links and images.

    Sanitising twice changes nothing: the edit page shows the stored HTML and saves it again.
    """
    text = unicodedata.normalize("NFC", html or "").replace("\u00a0", " ")
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as an HTML parser reads them
    if not _TAG.search(text):  # plain text ("2 < 3" too): keep its paragraphs
        text = _paragraphs(text, nh3.clean_text)
    cleaned = _clean(text)
    if cleaned and not _TAG.search(cleaned):
        # Only dropped tags (<span>, <div>) around text: what is left is escaped text; keep it
        # in paragraphs, or the next save would take it for plain text and escape it again.
        cleaned = _paragraphs(cleaned)
    # The cleaner may return a tree that reads back otherwise (headings nested once an <object>
    # between them is dropped); clean again until nothing changes.
    for _attempt in range(3):
        again = _clean(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


def _clean(html: str) -> str:
    return nh3.clean(html, tags=SUMMARY_TAGS, attributes={}, link_rel=None).strip()


def word_count(html: str) -> int:
    return len(re.findall(r"\w+", re.sub(r"<[^>]+>", " ", html or "")))


def fold(name: str) -> str:
    """“Nguyễn Thị Ánh”, “NGUYEN THI  ANH” and a decomposed “Nguyễn Thị Ánh” all fold alike."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", name or ""))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D")
    return " ".join(text.casefold().split())


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
