"""Hashes and pseudonyms of erased persons."""
import uuid

from shared.privacy import subjects

PERSON = "0d7c3a52-9a51-4c38-9a4e-1c1f3ad0e001"


def test_the_hash_is_stable_and_does_not_contain_the_id():
    assert subjects.subject_hash(PERSON) == subjects.subject_hash(PERSON)
    assert PERSON not in subjects.subject_hash(PERSON) and len(subjects.subject_hash(PERSON)) == 64


def test_a_pseudonym_is_a_stable_uuid_unlike_the_id_and_the_hash():
    pseudonym = subjects.pseudonym(PERSON)
    assert pseudonym == subjects.pseudonym(PERSON) and str(uuid.UUID(pseudonym)) == pseudonym
    assert pseudonym != PERSON and pseudonym not in subjects.subject_hash(PERSON)
    assert subjects.pseudonym("another") != pseudonym


def test_a_large_part_is_cut_into_pieces_that_keep_every_row_whole_and_in_order():
    from shared.privacy.contributor import chunked
    rows = [{"n": n, "text": "x" * 100} for n in range(30)]
    pieces = chunked({"a": rows[:20], "b": rows[20:]}, limit=1000)
    assert len(pieces) > 3 and all(sum(len(str(r)) for t in p.values() for r in t) < 1200 for p in pieces)
    assert [r for p in pieces for r in p.get("a", [])] == rows[:20]
    assert [r for p in pieces for r in p.get("b", [])] == rows[20:]
    assert chunked({}) == [{}]
