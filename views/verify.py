"""Check an advice PDF: is the signature intact and by whom, does the embedded assessment match what was signed
off, and is it the latest version in this store? Works offline; the checks are :func:`framework.advice.check_advice`.
"""

from __future__ import annotations

import streamlit as st

from framework.advice import check_advice
from framework.errors import IpceiError
from framework.i18n import format_datetime
from framework.report.signing import configured_trust
from ui import guard, identity
from ui.i18n import lang, tr
from ui.text import local_time, plain

MAX_UPLOAD_MB = 5  # the server takes no more (server.maxUploadSize); an advice PDF is well under 1 MB

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
        result = guard.use(lambda s: check_advice(upload.getvalue(), store=s, trust=configured_trust() or None))
except IpceiError as exc:
    st.error(tr("ui_verify_failed", detail=plain(exc)), icon=":material/error:")
    st.stop()
if result is None:  # the database is down: the guard said so
    st.stop()

sig = result.signature
if result.ok:
    st.success(tr("ui_verify_ok"), icon=":material/verified:")
elif not sig.readable:
    st.error(tr("ui_verify_unreadable"), icon=":material/broken_image:")
elif not sig.signed:
    st.error(tr("ui_verify_unsigned"), icon=":material/gpp_bad:")
else:
    st.error(tr("ui_verify_not_ok"), icon=":material/gpp_bad:")


def _yes_no(value: bool) -> str:
    return tr("ui_yes") if value else tr("ui_no")


rows = [
    (tr("ui_verify_signed"), _yes_no(sig.signed)),
    (tr("ui_verify_intact"), _yes_no(sig.intact and sig.covers_whole_file and not sig.modified_after_signing)),
    (tr("ui_verify_signer"), plain(sig.signer) if sig.signer else "–"),
    (tr("ui_verify_signed_at"), format_datetime(local_time(sig.signed_at), lang()) if sig.signed_at else "–"),
    (tr("ui_verify_trusted"), _yes_no(sig.trusted) if sig.signed else "–"),
    (tr("ui_verify_content"), f"`{result.embedded_hash}`" if result.embedded_hash else "–"),
    (tr("ui_verify_matches"), _yes_no(result.embedded_hash is not None and result.embedded_hash == result.signed_hash)),
]
with st.container(border=True):
    for label, value in rows:
        left, right = st.columns([1, 3])
        left.markdown(f"**{label}**")
        right.markdown(value)
if sig.signed and not sig.trusted:
    st.caption(tr("ui_verify_trust_note"))

# --- the store: is this the latest version? ---
if result.newer_id:
    st.warning(tr("ui_verify_superseded"), icon=":material/history:")
elif result.stored == "latest":
    st.info(tr("ui_verify_latest"), icon=":material/check_circle:")
elif result.stored:
    st.info(tr("ui_verify_not_stored"), icon=":material/help:")
for key, record_id in (("ui_verify_open_signed", result.stored_id), ("ui_verify_open_newer", result.newer_id)):
    found = guard.use(lambda s, rid=record_id: s.get(rid)) if record_id else None
    if found is not None and identity.may_open(found):
        st.page_link("views/review.py", label=tr(key), icon=":material/open_in_new:", query_params={"id": record_id})

problems = [*sig.problems, *result.problems]
if problems:
    with st.expander(tr("ui_verify_problems", n=len(problems)), expanded=not result.ok):
        for problem in problems:
            st.markdown(f"- {plain(problem)}")
