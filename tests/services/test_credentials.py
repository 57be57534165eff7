"""Re-authentication without HTTP: the proof a password was given is for one account only."""

from __future__ import annotations

from typing import Any

import pytest

from persistence.tables import UserRow
from services import api_tokens, credentials
from services.errors import Forbidden
from services.passwords import hash_password
from services.principal import Principal

PASSWORD = "correct horse battery staple"


def _user(uow: Any, name: str) -> Principal:
    row = UserRow(username=name, password_hash=hash_password(PASSWORD), role="viewer")
    uow.repos.identity.add(row)
    uow.repos.identity.flush()
    return Principal(subject=f"user:{row.id}", role="viewer", username=name, user_id=row.id)


def test_a_wrong_password_gives_no_proof(uow_factory: Any) -> None:
    with uow_factory() as uow:
        alice = _user(uow, "alice")
        with pytest.raises(credentials.WrongPassword):
            credentials.confirm_password(uow, alice, "not the password")
        assert credentials.confirm_password(uow, alice, PASSWORD).user_id == alice.user_id


def test_a_proof_for_one_account_does_not_serve_another(uow_factory: Any) -> None:
    with uow_factory() as uow:
        alice, bob = _user(uow, "alice"), _user(uow, "bob")
        proof = credentials.confirm_password(uow, alice, PASSWORD)
        with pytest.raises(Forbidden):
            api_tokens.create_token(uow, bob, proof, name="x", scope="read", expires_in_days=1)
        with pytest.raises(Forbidden):
            credentials.change_own_password(uow, bob, proof, "a new long password", current="x")
        view, _ = api_tokens.create_token(
            uow, alice, proof, name="x", scope="read", expires_in_days=1
        )
        assert view.name == "x"


def test_a_portal_client_has_no_password_to_confirm(uow_factory: Any) -> None:
    with uow_factory() as uow, pytest.raises(Forbidden):
        credentials.confirm_password(uow, Principal(subject="client:p", role="viewer"), PASSWORD)
