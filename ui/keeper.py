"""A small browser component of the app's own (``st.components.v2``, inline, served by the app itself, no host):

- warns before a reload or close while there is typing the server has not received yet, or a draft that could not
  be saved (``beforeunload``);
- writes the stated name, role and language into a cookie of this site (``ipcei_identity``), which the server reads
  back with ``st.context.cookies`` on the next visit (:mod:`ui.persist`);
- keeps a draft that could not be saved in the browser's local storage and hands it back to the server after a
  reload, so that it is saved (or merged) as soon as the database is back.

The JavaScript is trusted code of the app; it receives only JSON data, never markup.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

KEY = "keeper"

_JS = r"""
export default function (component) {
  const { data, setStateValue } = component;
  const w = window;
  const s = w.__ipceiKeeper || (w.__ipceiKeeper = { typing: null, unsaved: false, installed: false, told: false });
  const d = data || {};
  s.unsaved = !!d.unsaved;
  // A rerun after a blur means the server has what was typed: forget it unless the field still has the focus.
  if (s.typing && s.typing !== document.activeElement) s.typing = null;
  if (!s.told) {  // once per page load, before this run's data: what this browser kept
    s.told = true;
    const kept = {};
    try {
      for (let i = 0; i < w.localStorage.length; i++) {
        const k = w.localStorage.key(i);
        if (k && k.startsWith("ipcei.unsaved.")) kept[k.slice(14)] = JSON.parse(w.localStorage.getItem(k));
      }
    } catch (e) { /* nothing kept */ }
    // Only a browser that kept something speaks: a message reruns the script, which must not interrupt the first
    // run of every page load for nothing.
    if (Object.keys(kept).length) setStateValue("kept", kept);
  }
  if (d.identity) {
    document.cookie = "ipcei_identity=" + encodeURIComponent(JSON.stringify(d.identity)) +
      "; path=/; max-age=31536000; SameSite=Strict";
  }
  try {
    if (d.keep) w.localStorage.setItem("ipcei.unsaved." + d.keep.id, JSON.stringify(d.keep));
    if (d.drop) w.localStorage.removeItem("ipcei.unsaved." + d.drop);
  } catch (e) { /* storage full or disabled: the beforeunload warning still stands */ }
  if (!s.installed) {
    s.installed = true;
    document.addEventListener("input", (e) => {
      const t = e.target;
      if (t && (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && !["radio", "checkbox"].includes(t.type)))) {
        s.typing = t;
      }
    }, true);
    // A text field sends its value to the server when it loses the focus (Streamlit's commit): typed, then sent.
    document.addEventListener("focusout", (e) => { if (e.target === s.typing) s.typing = null; }, true);
    w.addEventListener("beforeunload", (e) => {
      if (s.typing || s.unsaved) { e.preventDefault(); e.returnValue = ""; return ""; }
    });
  }
}
"""

_component = st.components.v2.component("ipcei_keeper", js=_JS, html="<span></span>")


def mount(data: dict[str, Any]) -> dict[str, Any]:
    """Mount the keeper with this run's data; returns the drafts the browser kept (``{id: {...}}``)."""
    result = _component(key=KEY, data=data, default={"kept": {}}, height=0, on_kept_change=lambda: None)
    kept = result.get("kept") if result is not None else None
    return kept if isinstance(kept, dict) else {}
