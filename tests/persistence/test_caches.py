"""The read caches (persistence.caches): bounded, explicit to clear, and owned by whoever made
them, so two apps (or two tests) never share what they remember."""

from __future__ import annotations

import json

from domain.framework import default_framework
from persistence.caches import Frameworks, Memo, ReadCaches, ValueMemo
from persistence.unit_of_work import UnitOfWork


def test_a_memo_forgets_its_oldest_entry_when_full():
    memo = Memo(3)
    for key in "abcd":
        memo.put(key, key.upper())
    assert list(memo.data) == ["b", "c", "d"]
    assert memo.get("a") is None and memo.get("d") == "D"
    memo.clear()
    assert memo.get("d") is None


def test_a_value_memo_starts_again_when_full():
    memo = ValueMemo(3)
    for key in "abc":
        memo.put(key, key)
    memo.put("d", "d")
    assert list(memo.data) == ["d"]


def test_frameworks_are_parsed_once_and_kept_by_id():
    frameworks = Frameworks(2)
    definition = json.dumps(default_framework().to_dict())
    parsed = frameworks.remember(7, definition)
    assert parsed == default_framework()
    assert frameworks.get(7) is parsed


def test_clear_forgets_everything():
    caches = ReadCaches()
    memos = (caches.frameworks, caches.values, caches.documents, caches.row_scores)
    for memo in memos:
        memo.put("k", "v")
    caches.clear()
    assert all(memo.get("k") is None for memo in memos)


def test_a_unit_of_work_uses_the_caches_it_is_given_or_its_own(engine):
    shared = ReadCaches()
    with UnitOfWork(engine, caches=shared) as one, UnitOfWork(engine, caches=shared) as two:
        assert one.caches is two.caches is shared
        assert one.repos.reference.frameworks is shared.frameworks
    with UnitOfWork(engine) as one, UnitOfWork(engine) as two:
        assert one.caches is not two.caches
