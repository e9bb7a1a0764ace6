"""Check an advice PDF: one verdict from :func:`framework.verification.verify_advice`, its details in the user's
language, and links to the assessment in this database. Works offline; the file is read, never stored.
"""

from __future__ import annotations

import streamlit as st

from framework.errors import IpceiError
from framework.i18n import t
from framework.report.signing import configured_trust
from framework.verification import Headline, verify_advice
from ui import guard, identity
from ui.i18n import lang, tr
from ui.text import plain

MAX_UPLOAD_MB = 5  # the server takes no more (server.maxUploadSize); an advice PDF is well under 1 MB

# One colour per headline: green only for an advice that is in order.
SHOW = {
    Headline.SIGNED: (st.success, ":material/verified:"),
    Headline.VASTGESTELD: (st.success, ":material/check_circle:"),
    Headline.UNKNOWN_SIGNER: (st.error, ":material/gpp_bad:"),
    Headline.CONCEPT: (st.warning, ":material/edit_note:"),
    Headline.CHANGED: (st.error, ":material/broken_image:"),
    Headline.UNKNOWN: (st.warning, ":material/help:"),
    Headline.SUPERSEDED: (st.warning, ":material/history:"),
}

st.title(tr("ui_verify_title"))
st.caption(tr("ui_verify_intro"))
upload = st.file_uploader(
    tr("ui_verify_label"), type=["pdf"], key="verify_upload", max_upload_size=MAX_UPLOAD_MB,
    help=tr("ui_verify_help", mb=MAX_UPLOAD_MB),
)  # fmt: skip
if upload is None:
    st.stop()

try:
    with st.spinner(tr("ui_verify_checking")):
        verdict = guard.use(lambda s: verify_advice(upload.getvalue(), store=s, trust=configured_trust() or None))
except IpceiError as exc:
    st.error(tr("ui_verify_failed", detail=plain(exc)), icon=":material/error:")
    st.stop()
if verdict is None:  # the database is down: the guard said so
    st.stop()

show, icon = SHOW[verdict.headline]
show(verdict.headline.text(lang()), icon=icon)
with st.container(border=True):
    st.markdown(f"**{t('verify_details', lang())}**")
    for line in verdict.lines(lang()):
        st.markdown(f"- {plain(line)}")
for key, record_id in (("verify_open_signed", verdict.stored_id), ("verify_open_newer", verdict.newer_id)):
    found = guard.use(lambda s, rid=record_id: s.get(rid)) if record_id else None
    if found is not None and identity.may_open(found):
        st.page_link(
            "views/review.py", label=t(key, lang()), icon=":material/open_in_new:", query_params={"id": record_id}
        )
