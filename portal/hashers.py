"""The password hasher: Argon2id at OWASP's recommended minimum.

A login at an apel is one password check among hundreds a minute on a small server. PBKDF2 at
Django's 1,000,000 iterations costs about 0.6 s of CPU per check; Argon2id with 19 MiB of memory
and two passes is memory-hard (what makes guessing expensive on GPUs) and costs tens of
milliseconds. Stored hashes of other hashers and of other parameters are upgraded at the next
successful login (Django re-hashes when the first hasher in PASSWORD_HASHERS differs).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """OWASP Password Storage Cheat Sheet, Argon2id option: m=19 MiB, t=2, p=1."""

    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1
