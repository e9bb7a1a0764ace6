"""Full-text search over everything written: folding, query words, snippets, and the store on both backends."""

from __future__ import annotations

import pytest
from store_support import make_assessment

from framework import search
from framework.assessment import Assessment
from framework.store import ListQuery


def test_fold_removes_case_diacritics_and_ligatures():
    assert search.fold("Technologieën") == "technologieen"
    assert search.fold("wezenlĳk") == "wezenlijk"  # the ĳ ligature (U+0133)
    assert search.fold("ÉNERGIE Straße") == "energie strasse"
    assert search.fold("a\x00b") == "ab"


def test_terms_are_plain_words_whatever_the_syntax():
    assert search.terms('"waterstof" NEAR(a b) -cloud * OR') == ["waterstof", "near", "a", "b", "cloud", "or"]
    assert search.terms('"*-') == []
    assert search.terms("Hy2Infra  waterstof hy2infra") == ["hy2infra", "waterstof"]
    many = search.terms(" ".join(f"w{i}" for i in range(100)) + " " + "x" * 10_000)
    assert len(many) == search.MAX_TERMS and all(len(w) <= search.MAX_TERM_LENGTH for w in many)


def test_snippet_maps_back_to_the_original_text():
    text = "Het probleem is wezenlĳk: de technologieën " + "voor waterstof " * 30 + "zijn nog duur."
    piece = search.snippet(text, ["technologieen"])
    assert piece is not None and "technologieën" in piece and piece.startswith("Het")
    assert search.snippet(text, ["duur"]).endswith("duur.")
    assert search.snippet(text, ["kernenergie"]) is None
    assert search.snippet("in 2024 en 2", ["2"]) == "in 2024 en 2"  # a short word matches whole, not «2024»


def test_parts_take_every_string_of_meta_answers_and_additions():
    data = {
        "framework": {"id": "x", "version": "1"},
        "meta": {"title": "Titel", "author": "A. Auteur"},
        "answers": {"q1": {"answer": "Aanleiding", "sources": [{"title": "Bron A"}]}, "q2": {"severity": None}},
        "evidence": [{"id": "B1", "title": "Rapport"}],
    }
    assert search.parts(data) == [
        ("meta", "Titel\nA. Auteur"),
        ("q1", "Aanleiding\nBron A"),
        ("other", "B1\nRapport"),
    ]


def _with_answers(n: int, answers: dict, **meta) -> Assessment:
    base = make_assessment(n, **meta)
    return base.model_copy(update={"answers": {**base.answers, **answers}})


@pytest.fixture
def seeded(store):
    a = store.create(
        _with_answers(
            1,
            {"q2": {"answer": "Het probleem is wezenlĳk voor de energietransitie."}},
            title="Hy2Infra waterstofnetwerk",
            author="Émile van den Berg",
        ),
        "Émile van den Berg",
    )
    b = store.create(
        _with_answers(
            2, {"q8": {"answer": "Nieuwe technologieën voor chips."}}, title="Micro-elektronica", author="B. Jansen"
        ),
        "B. Jansen",
    )
    c = store.create(_with_answers(3, {"q9": {"answer": "Geen staatssteun nodig."}}, title="Cloud"), "C. Chen")
    return a, b, c


def _ids(store, **query) -> set[str]:
    return {s.id for s in store.list(ListQuery(**query)).items}


def test_search_finds_answers_folded_and_combines_words(store, seeded):
    a, b, c = seeded
    assert _ids(store, text="wezenlijk") == {a.id}  # in an answer, across the ĳ ligature
    assert _ids(store, text="technologieen") == {b.id}  # across the diaeresis
    assert _ids(store, text="Hy2Infra waterstof") == {a.id}  # both words in the title (prefix)
    assert _ids(store, text="waterstof staatssteun") == set()  # AND: no assessment has both
    assert _ids(store, text="staatssteun cloud") == {c.id}  # AND across parts: answer and title
    assert _ids(store, text="STAATSSTEUN") == {c.id}


def test_author_filter_matches_part_of_the_name_in_any_case(store, seeded):
    a, b, _ = seeded
    assert _ids(store, author="emile") == {a.id}
    assert _ids(store, author="VAN DEN") == {a.id}
    assert _ids(store, author="jans") == {b.id}
    assert _ids(store, author="%") == set()  # no wildcard


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "NEAR",
        "-",
        "NEAR(wezenlijk probleem)",
        '"wezenlijk',
        "wezenlijk*",
        "-wezenlijk",
        "a OR b",
        "x" * 10_000,
    ],
)
def test_full_text_operators_and_huge_queries_never_raise(store, seeded, query):
    page = store.list(ListQuery(text=query))
    assert page.total == len(page.items) <= 3


def test_the_index_follows_every_save(store, seeded):
    a, _, _ = seeded
    changed = _with_answers(1, {"q2": {"answer": "Een ander probleem."}}, title="Hy2Infra waterstofnetwerk")
    store.save(a.id, changed, "Émile van den Berg", based_on=1)
    assert _ids(store, text="wezenlijk") == set()
    assert _ids(store, text="ander probleem") == {a.id}


def test_hits_show_the_snippet_and_the_question(store, seeded):
    a, b, _ = seeded
    found = store.search_hits([a.id, b.id], "wezenlijk")
    assert list(found) == [a.id]
    (hit,) = found[a.id]
    assert hit.part == "q2" and "wezenlĳk" in hit.snippet
    assert store.search_hits([a.id], '"*') == {}


def _rows(store, assessment_id):
    from sqlalchemy import select

    from framework.store.tables import search_parts

    with store.engine.connect() as conn:
        query = select(search_parts.c.id, search_parts.c.part, search_parts.c.body, search_parts.c.folded)
        return conn.execute(
            query.where(search_parts.c.assessment_id == assessment_id).order_by(search_parts.c.id)
        ).all()


def test_a_save_rewrites_only_the_rows_whose_text_changed_and_the_index_follows(store, seeded):
    a, _, _ = seeded
    before = _rows(store, a.id)
    changed = _with_answers(
        1, {"q2": {"answer": "Een ander probleem."}}, title="Hy2Infra waterstofnetwerk", author="Émile van den Berg"
    )
    store.save(a.id, changed, "Émile van den Berg", based_on=1)
    after = _rows(store, a.id)
    assert [(r.id, r.part) for r in after] == [(r.id, r.part) for r in before]  # same rows, same order
    assert [r for r in after if r.part != "q2"] == [r for r in before if r.part != "q2"]  # untouched
    (q2,) = [r for r in after if r.part == "q2"]
    assert q2.body == "Een ander probleem." and q2.folded == "een ander probleem"
    # both indexes (whole words and substrings) follow the rewritten row, and forget the old text
    assert _ids(store, text="wezenlijk") == _ids(store, text="wezen") == set()
    assert _ids(store, text="ander") == _ids(store, text="proble") == {a.id}
    assert store.search_hits([a.id], "ander")[a.id][0].part == "q2"
    # a save that changes no text leaves every row as it was
    store.save(a.id, changed, "Émile van den Berg", based_on=2)
    assert _rows(store, a.id) == after


def test_a_save_that_adds_or_drops_a_part_rewrites_them_in_the_order_of_the_parts(store, seeded):
    a, _, _ = seeded
    more = _with_answers(
        1,
        {"q1": {"answer": "Aanleiding met kernfusie."}, "q2": {"answer": "Het probleem is wezenlĳk."}},
        title="Hy2Infra waterstofnetwerk",
        author="Émile van den Berg",
    )
    store.save(a.id, more, "Émile van den Berg", based_on=1)
    rows = _rows(store, a.id)
    assert [r.part for r in rows] == [part for part, _body in search.parts(more.model_dump(mode="json"))]
    assert _ids(store, text="kernfusie") == {a.id} and _ids(store, text="wezenlijk") == {a.id}
    fewer = _with_answers(
        1, {"q2": {"answer": "Alleen dit."}}, title="Hy2Infra waterstofnetwerk", author="Émile van den Berg"
    )
    fewer = fewer.model_copy(update={"answers": {k: v for k, v in fewer.answers.items() if k != "q1"}})
    store.save(a.id, fewer, "Émile van den Berg", based_on=2)
    assert "q1" not in [r.part for r in _rows(store, a.id)]
    assert _ids(store, text="kernfusie") == set() and _ids(store, text="alleen") == {a.id}
