"""Password and client-secret hashing with argon2id (argon2-cffi's defaults are argon2id)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


def make_hasher() -> PasswordHasher:
    """argon2id at argon2-cffi's default cost (RFC 9106's low-memory profile: 64 MiB, 3 passes,
    4 lanes; its time per hash is in docs/benchmarks.md). Deliberately slow: it is what a
    stolen hash costs to guess. (The test suite swaps in the smallest cost; see
    tests/conftest.py.)"""
    return PasswordHasher()


def use_hasher(hasher: PasswordHasher) -> None:
    """Hash and verify with ``hasher`` from now on. The dummy hash is remade with it: an
    unknown username is verified against a hash of a random string, so that it costs the
    same time as a wrong password (no user enumeration by timing), whatever the cost. The app
    keeps ``make_hasher()``'s; the test suite installs a cheap one."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("not-a-password-7f3c9a")


_hasher: PasswordHasher
_DUMMY_HASH: str
use_hasher(make_hasher())


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
