"""Comparing names as people write them: "Siti Abi" for "Dr. SITI  ABI, M.Si." is the same name.

Names are stored exactly as the roster gives them; these functions only decide whether two
spellings mean the same person's name (for a typed signature), never change what is stored.
"""

from __future__ import annotations

import unicodedata

# Titles written before a name (gelar depan): academic, professional and religious.
PREFIX_TITLES = {
    "dr", "drs", "dra", "drg", "ir", "prof", "apt", "ns", "h", "hj", "kh", "hc",
}  # fmt: skip


def comparable(name: str) -> str:
    """Only the letters and digits, in one case and one Unicode form: spacing, punctuation,
    full-width forms and invisible characters (zero-width, direction marks) set aside."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LNM")


def spellings(name: str) -> set[str]:
    """The registered name as one may sign it: with or without the titles before it and the
    degrees after its first comma."""
    core, comma, degrees = name.partition(",")
    words = core.split()
    bare = list(words)
    while len(bare) > 1 and _is_title(bare[0]):
        bare.pop(0)
    forms = {core, " ".join(bare), name, " ".join(bare) + comma + degrees}
    return {comparable(form) for form in forms} - {""}


def _is_title(word: str) -> bool:
    letters = comparable(word)
    return word.endswith(".") and letters in PREFIX_TITLES


def same_name(typed: str, registered: str) -> bool:
    """Whether `typed` is the registered full name, titles and degrees optional."""
    return comparable(typed) in spellings(registered)
