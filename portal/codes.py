"""Short codes that people read off paper and type on phones: the verification code printed on
every document and the one-time activation code of a letter.

One alphabet for both, without look-alikes (no 0/O, 1/I/L).
"""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize(raw: str, length: int | None = None) -> str:
    """What was typed, without spaces, dashes or case: "abcd-efgh" -> "ABCDEFGH"."""
    return "".join(ch for ch in str(raw).upper() if ch.isalnum())[:length]


def grouped(code: str, size: int = 4) -> str:
    """In groups for reading aloud and typing: ABCD-EFGH-JKMN-PQRS."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))
