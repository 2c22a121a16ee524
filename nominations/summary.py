"""The achievement summary: what a summary pasted from Word may keep, and its word count."""

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
