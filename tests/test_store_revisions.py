"""Reading one revision back: its document and the framework version it was checked against, or a clear error."""

from __future__ import annotations

import pytest
from store_support import edited, make_assessment

from framework.store import NotFoundError


def test_each_revision_reads_back_with_its_framework(store):
    record = store.create(make_assessment(1), "Anna")
    second = store.save(record.id, edited(record.assessment, "Tweede versie."), "Anna", based_on=1)
    assert second.revision == 2
    assert store.revision(record.id, 1) == record.assessment
    assert store.revision(record.id, 2) == second.assessment
    assert store.framework_of_revision(record.id, 1).key == store.framework_for(record).key


@pytest.mark.parametrize("number", [0, 3])
def test_a_revision_that_is_not_there_is_named(store, number):
    record = store.create(make_assessment(2), "Anna")
    store.save(record.id, edited(record.assessment, "Tweede versie."), "Anna", based_on=1)
    for read in (store.revision, store.framework_of_revision):
        with pytest.raises(NotFoundError, match=f"assessment {record.id} has no revision {number}"):
            read(record.id, number)


def test_a_revision_of_an_unknown_assessment_is_named(store):
    with pytest.raises(NotFoundError, match="assessment nope has no revision 1"):
        store.revision("nope", 1)
