"""Hidden characters: the ranges in framework.assessment are exactly Unicode's format characters but the soft hyphen."""

from __future__ import annotations

import sys
import unicodedata

from framework.assessment import hidden_characters, reveal_hidden


def test_the_ranges_are_every_format_and_control_character_but_soft_hyphen_tab_and_line_feed():
    expected = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cf", "Cc")}
    expected -= {"\u00ad", "\t", "\n"}
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert set(hidden_characters(everything)) == expected


def test_each_hidden_character_is_named_once_in_order_and_revealed():
    text = "Advies\u202e: niet\u200b deelnemen\u202e, zacht\u00adafbreken"
    assert hidden_characters(text) == ["\u202e", "\u200b"]
    assert reveal_hidden(text) == "Advies[U+202E]: niet[U+200B] deelnemen[U+202E], zacht\u00adafbreken"
    assert reveal_hidden("Geen verborgen tekens: é, ë, €") == "Geen verborgen tekens: é, ë, €"
    assert reveal_hidden("\U000e0041") == "[U+E0041]"
