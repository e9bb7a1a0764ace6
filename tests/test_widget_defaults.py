"""A field drawn afresh in the browser shows what is stored, never an empty default (AppTest, every step).

Streamlit sends a seeded widget value to the browser only with the run that seeds it. When that run is cut short
by a newer one, or the field was read-only until a name and a role were stated, the browser can draw the widget
afresh and fall back to the element's *default*. That default was empty: the answer looked erased, and the next
run took the empty field for the user's edit and saved it. The load test (tests/test_browser_load.py) lost a
stored answer that way about one run in three on two cores. Now every answer and metadata field carries the value
the server holds as its default; this test reads the element the browser receives on a later run (no value sent
with it) and checks that its default is that value, for every field of every step of a complete assessment.
"""

from __future__ import annotations

import pytest
from app_support import full_assessment, open_in_wizard, person_app, stored

from framework.draft import META_STEP, steps
from framework.loading import DEFAULT_FRAMEWORK, load_framework

PREFIXES = ("a|", "m|")  # the answer and metadata widgets of the open draft (ui.state.field_key, meta keys)
KINDS = ("text_area", "text_input", "radio", "selectbox", "multiselect", "number_input", "date_input", "checkbox")


def fallback(widget) -> object:
    """What the browser shows when it draws the widget without a value from the server: its default."""
    proto = widget.proto
    match widget.type:
        case "text_area" | "text_input":
            return proto.default if proto.HasField("default") else ""
        case "radio" | "selectbox":
            return proto.default if proto.HasField("default") else None
        case "number_input":
            return proto.default if proto.HasField("default") else None
        case "multiselect" | "date_input":
            return list(proto.default)
        case _:
            return proto.default


def held(widget) -> object:
    """The value the server holds for the widget, in the form of :func:`fallback`."""
    match widget.type:
        case "text_area" | "text_input":
            return widget.value or ""
        case "radio" | "selectbox":
            return widget.index
        case "multiselect":
            return [widget.options.index(widget.format_func(v)) for v in widget.value]
        case "date_input":
            return [widget.value.strftime("%Y/%m/%d")] if widget.value else []
        case _:
            return widget.value


def fields(at) -> list:
    return [w for kind in KINDS for w in getattr(at, kind) if (w.key or "").startswith(PREFIXES)]


@pytest.mark.parametrize("step", [s.id for s in steps(load_framework(DEFAULT_FRAMEWORK))])
def test_every_field_is_drawn_with_the_stored_value_as_its_default(step):
    record = stored(full_assessment())
    at = open_in_wizard(person_app(), record.id, step)
    at.run()  # a later run: the value is no longer sent with the element, only the default is
    drawn = fields(at)
    assert drawn, f"step {step} drew no answer fields"
    wrong = {w.key.split("|", 4)[-1]: (fallback(w), held(w)) for w in drawn if fallback(w) != held(w)}
    assert not wrong, f"step {step}: default differs from the stored value {wrong}"
    filled = [w for w in drawn if held(w) not in ("", None, [], False)]
    assert filled or step == META_STEP, f"step {step} has no stored value to check"  # the example fills each step
