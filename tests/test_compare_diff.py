"""The word-level diff (framework.compare.diff) on known strings."""

from __future__ import annotations

from framework.compare import diff
from framework.compare.diff import Op, Segment, word_diff


def ops(segments):
    return [(s.op.value, s.text) for s in segments]


def test_one_word_replaced():
    assert ops(word_diff("de kat slaapt", "de hond slaapt")) == [
        ("equal", "de "), ("delete", "kat "), ("insert", "hond "), ("equal", "slaapt"),
    ]  # fmt: skip


def test_words_added_and_removed_and_punctuation_is_a_word():
    segments = word_diff("Het probleem is groot.", "Het probleem is zeer groot!")
    assert ops(segments) == [
        ("equal", "Het probleem is "), ("insert", "zeer "), ("equal", "groot"), ("delete", "."), ("insert", "!"),
    ]  # fmt: skip
    assert diff.counts(segments) == {"insert": 2, "delete": 1}


def test_white_space_alone_is_no_change():
    segments = word_diff("Nederland  neemt\ndeel.", "Nederland neemt deel.")
    assert not diff.changed(segments)
    assert ops(segments) == [("equal", "Nederland neemt deel.")]


def test_from_nothing_and_to_nothing():
    assert ops(word_diff(None, "nieuw antwoord")) == [("insert", "nieuw antwoord")]
    assert ops(word_diff("oud antwoord", "")) == [("delete", "oud antwoord")]
    assert word_diff("", None) == []


def test_the_new_text_is_rebuilt_from_equal_and_inserted_segments():
    old = "Nederland neemt deel aan de IPCEI Waterstof,\nmet 35 miljoen euro."
    new = "Nederland neemt niet deel aan de IPCEI Waterstof,\nmaar volgt de tweede golf."
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.op != Op.DELETE) == new
    assert "".join(s.text for s in segments if s.op != Op.INSERT).split() == old.split()
    assert Segment(Op.INSERT, "niet ") in segments


def test_accents_and_numbers_are_words():
    assert ops(word_diff("België € 230", "Belgie € 230")) == [
        ("delete", "België "),
        ("insert", "Belgie "),
        ("equal", "€ 230"),
    ]


def test_very_long_texts_are_compared_per_line(monkeypatch):
    monkeypatch.setattr(diff, "MAX_TOKENS", 5)
    old = "regel een blijft\nregel twee gaat weg\nregel drie blijft\n"
    new = "regel een blijft\nregel drie blijft\nregel vier is nieuw\n"
    assert ops(word_diff(old, new)) == [
        ("equal", "regel een blijft\n"), ("delete", "regel twee gaat weg\n"),
        ("equal", "regel drie blijft\n"), ("insert", "regel vier is nieuw\n"),
    ]  # fmt: skip
