"""Import problems in the user's language: the app shows ``Problem.text(lang)``, the command line English."""

from __future__ import annotations

import pytest

from framework.imports import import_bytes
from framework.store import open_store


def test_import_problems_carry_their_dutch_text(tmp_path):
    """The import page shows ``Problem.text(lang)``: Dutch for the common problems, English on the command line."""
    from framework.errors import InputError

    store = open_store(f"sqlite:///{tmp_path / 'import.db'}")
    found = {}
    for content, name in ((b" ", "leeg.yaml"), (b"a: [", "kapot.yaml"), (b'{"x": 1}', "vreemd.json"), (b"x", "n.pdf")):
        with pytest.raises(InputError) as caught:
            import_bytes(store, content, name, "Anna")
        found[name] = [(p.message, p.text("nl")) for p in caught.value.problems]
    assert found["leeg.yaml"] == [("the file is empty", "het bestand is leeg")]
    assert found["kapot.yaml"][0][1].startswith("geen geldige YAML")
    unknown = ("unknown field (not part of the format)", "onbekend veld (hoort niet bij het formaat)")
    assert unknown in found["vreemd.json"]
    assert ("required field is missing", "verplicht veld ontbreekt") in found["vreemd.json"]
    assert found["n.pdf"][0][1] == "de naam zegt PDF maar het bestand is geen PDF"
    assert all(p.text("en") == p.message for p in caught.value.problems)
    store.close()
