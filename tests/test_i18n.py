"""Fixed texts in Dutch and English, Dutch dates and amounts."""

from __future__ import annotations

import re
import string
from datetime import date, datetime

import pytest

from framework import i18n
from framework.errors import InputError
from framework.i18n import LANGUAGES, catalog, format_date, format_datetime, format_eur, t


@pytest.fixture
def texts_dir(tmp_path, monkeypatch):
    """A texts folder of our own, with the catalog's cache cleared before and after."""
    monkeypatch.setattr(i18n, "TEXTS_DIR", tmp_path)
    catalog.cache_clear()
    yield tmp_path
    catalog.cache_clear()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalog_loads_and_every_key_has_both_languages():
    texts = catalog()
    assert len(texts) > 20
    for key, value in texts.items():
        assert set(value) == set(LANGUAGES), key
        assert value["nl"].strip() and value["en"].strip(), key


def test_placeholders_are_the_same_in_both_languages():
    for key, value in catalog().items():
        assert placeholders(value["nl"]) == placeholders(value["en"]), key


def test_t_picks_the_language(monkeypatch):
    assert t("app_name", "nl") == "IPCEI-afwegingskader"
    assert t("app_name", "en") == "IPCEI assessment framework"
    assert t("app_name") == "IPCEI-afwegingskader"  # Dutch by default
    monkeypatch.setenv("IPCEI_LANG", "en")
    assert t("app_name") == "IPCEI assessment framework"
    assert t("app_name", "fr") == "IPCEI assessment framework"  # an unknown language falls back to the default
    monkeypatch.setenv("IPCEI_LANG", "de")
    assert t("app_name") == "IPCEI-afwegingskader"


def test_t_fills_placeholders():
    key, value = next((k, v) for k, v in catalog().items() if placeholders(v["nl"]))
    params = {name: f"<{name}>" for name in placeholders(value["nl"])}
    filled = t(key, "nl", **params)
    assert all(f"<{name}>" in filled for name in params)
    assert not re.search(r"\{\w+\}", filled)


def test_unknown_key_is_a_key_error():
    with pytest.raises(KeyError):
        t("no_such_text")


def test_a_text_without_its_translation_names_file_and_line(texts_dir):
    (texts_dir / "a.yaml").write_text("ok:\n  nl: Ja\n  en: 'Yes'\nhalf:\n  nl: Alleen Nederlands\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        catalog()
    problem = caught.value.problems[0]
    assert (problem.source, problem.line, problem.field) == (str(texts_dir / "a.yaml"), 4, "half")
    assert "nl and en" in problem.message


def test_a_key_in_two_files_and_an_empty_text(texts_dir):
    (texts_dir / "a.yaml").write_text("same:\n  nl: Een\n  en: One\n", encoding="utf-8")
    (texts_dir / "b.yaml").write_text("other:\n  nl: x\n  en: y\nsame:\n  nl: Twee\n  en: Two\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"b\.yaml:4: same: text key defined in another file too"):
        catalog()
    catalog.cache_clear()
    (texts_dir / "b.yaml").write_text("empty:\n  nl: ''\n  en: Empty\n", encoding="utf-8")
    with pytest.raises(InputError, match="both texts must be non-empty"):
        catalog()


def test_format_date():
    assert format_date(date(2022, 7, 8)) == "08-07-2022"
    assert format_date(datetime(2022, 7, 8, 14, 30)) == "08-07-2022"
    assert format_date("2022-07-08") == "08-07-2022"
    assert format_date("2022-07-08T14:30:00") == "08-07-2022"
    assert format_date(date(2022, 7, 8), "en") == "08-07-2022"
    assert format_date(None) == "" and format_date("") == ""
    assert format_datetime(datetime(2022, 7, 8, 9, 5)) == "08-07-2022 09:05"
    assert format_datetime(None) == ""


@pytest.mark.parametrize(
    ("amount", "nl", "en"),
    [
        (230_000_000, "€ 230.000.000", "€230,000,000"),
        (70_000_000, "€ 70.000.000", "€70,000,000"),
        (35_000_000, "€ 35.000.000", "€35,000,000"),
        (999, "€ 999", "€999"),
        (0, "€ 0", "€0"),
    ],
)
def test_format_eur(amount, nl, en):
    assert format_eur(amount) == nl
    assert format_eur(amount, "en") == en


def test_format_eur_of_nothing():
    assert format_eur(None) == "" and format_eur(None, "en") == ""
