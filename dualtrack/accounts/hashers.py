"""Argon2id with the OWASP Password Storage Cheat Sheet parameters (m = 19 MiB, t = 2, p = 1).

Django's defaults (100 MiB, parallelism 8) cost a 2-core intranet server a quarter of a second of both
cores per sign-in, so a morning when thousands of enterprises sign in at once queues every other request
behind the hashing. Hashes made with other parameters still verify and are re-hashed at the next sign-in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1
