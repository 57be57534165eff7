"""Passwords are hashed with argon2id at its production cost. (The test process swaps in a
cheap hasher, tests/conftest.py; these check what the app itself uses.)"""

from __future__ import annotations

from argon2 import PasswordHasher, Type, extract_parameters

from services import passwords


def test_the_app_hashes_with_argon2id_at_the_rfc_9106_low_memory_cost() -> None:
    hasher = passwords.make_hasher()
    assert hasher.type is Type.ID
    assert hasher.memory_cost >= 64 * 1024  # KiB
    assert hasher.time_cost >= 3
    assert hasher.parallelism >= 1
    params = extract_parameters(hasher.hash("correct horse battery staple"))
    assert (params.type, params.memory_cost, params.time_cost) == (
        Type.ID,
        hasher.memory_cost,
        hasher.time_cost,
    )


def test_a_hash_verifies_its_password_and_nothing_else() -> None:
    stored = passwords.hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, "correct horse battery staple")
    assert not passwords.verify_password(stored, "correct horse battery stapler")
    assert not passwords.verify_password(None, "correct horse battery staple")  # unknown user


def test_a_hash_of_weaker_parameters_is_marked_for_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("pw")
    strong = passwords.make_hasher()
    assert strong.check_needs_rehash(weak)
