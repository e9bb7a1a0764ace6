"""Who acts now: a stated name and role on one machine, or an OpenID Connect login with a roles file.

Single-machine mode (no ``[auth]`` section in ``st.secrets``): the person states a name and a role in the sidebar
(``ui.chrome``); that is not an authentication, and the sidebar says so. Deployment mode (an ``[auth]`` section
in ``.streamlit/secrets.toml``): ``st.login()`` gives the identity (``st.user``), the roles file
(``IPCEI_ROLES_FILE``, :mod:`framework.identity`) the roles; a session unused for ``IPCEI_IDLE_MINUTES`` is signed
out at its next interaction. See ``docs/identity.md``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from framework import identity as rules
from framework.errors import InputError, TransitionError
from framework.store import ListQuery
from framework.workflow import Actor, Role, role_of
from ui.i18n import tr
from ui.state import USER_NAME, USER_ROLE
from ui.text import plain

AUTH_SECTION = "auth"
LAST_ACTIVITY = "identity_last_activity"
ACTIVE_ROLE = "identity_active_role"
# The text of each workflow role: the names the stated mode offers (ui_role_<name>).
ROLE_TEXT = {
    Role.AUTHOR: "beleidsmedewerker",
    Role.REVIEWER: "reviewer",
    Role.APPROVER: "vaststeller",
    Role.RECORDS_OFFICER: "archivaris",
    Role.READER: "management",
}


def role_label(role: Role | str) -> str:
    return tr(f"ui_role_{ROLE_TEXT[role_of(role)]}")


def deployment() -> bool:
    """Whether the app signs people in (an ``[auth]`` section in the secrets) instead of asking who they are."""
    try:
        return AUTH_SECTION in st.secrets
    except StreamlitSecretNotFoundError:  # no secrets file at all: single-machine mode
        return False


def _logged_in() -> bool:
    return bool(st.user.get("is_logged_in", False))


def is_authenticated() -> bool:
    """True only for an OIDC login (deployment mode); a stated name is never authenticated."""
    return deployment() and _logged_in()


def _user_claim(name: str) -> str:
    value = st.user.get(name) if _logged_in() else None
    return " ".join(str(value).split()) if value else ""


def signed_in_email() -> str:
    """The e-mail address the provider gives (Entra ID without the optional ``email`` claim: the user name)."""
    email = _user_claim("email")
    username = _user_claim("preferred_username")
    return email or (username if "@" in username else "")


def _signed_in_roles() -> tuple[Role, ...]:
    """The roles file's roles of the signed-in person (empty when not in it); raises InputError when it is broken."""
    return rules.roles_for(signed_in_email()) if is_authenticated() else ()


def _signed_in_name() -> str:
    """The name from the identity provider, else from the roles file, else the e-mail address."""
    found = rules.current_roles()
    person = found.person(signed_in_email()) if found is not None else None
    return _user_claim("name") or (person.name if person else "") or signed_in_email()


def person_roles() -> tuple[Role, ...]:
    """All roles of who acts now (for what they may see): the roles file's, or the one stated role."""
    if deployment():
        try:
            return _signed_in_roles()
        except InputError:
            return ()
    who = actor()
    return (who.role,) if who else ()


def actor() -> Actor | None:
    """Who acts now: the signed-in person (deployment) or the stated name and role (single machine);
    None when nobody is identified yet (no name or no role stated, or not logged in)."""
    if deployment():
        if not is_authenticated():
            return None
        try:
            roles = _signed_in_roles()
            name = _signed_in_name()
        except InputError:
            return None
        if not roles or not name:
            return None
        active = st.session_state.get(ACTIVE_ROLE)
        return Actor(name, active if active in roles else roles[0])
    name, role = st.session_state.get(USER_NAME), st.session_state.get(USER_ROLE)
    if not name or not role:
        return None
    try:
        return Actor.of(name, role)
    except TransitionError:
        return None


def visible(query: ListQuery) -> ListQuery | None:
    """The overview's query narrowed to what the signed-in person may see (None: nothing).

    On one machine the stated role is no check (anyone may state any role), so everyone sees all.
    """
    if not is_authenticated():
        return query
    who = actor()
    return rules.visible_query(query, person_roles(), who.name) if who else None


def may_open(record: object) -> bool:
    """Whether who acts now may open this stored assessment (a record of the store)."""
    if not is_authenticated():
        return True
    who = actor()
    author = record.assessment.meta.author  # type: ignore[attr-defined]
    return who is not None and rules.may_view(person_roles(), who.name, author, record.created_by)  # type: ignore[attr-defined]


def _minutes_text(minutes: float) -> str:
    return f"{minutes:g}"


def _login_buttons() -> None:
    auth = st.secrets[AUTH_SECTION]
    # One provider: its keys in [auth] itself; several: one [auth.<name>] section each.
    providers = [name for name, value in auth.items() if isinstance(value, Mapping)] if "client_id" not in auth else []
    if not providers:
        if st.button(tr("ui_login"), type="primary", icon=":material/login:", key="identity_login"):
            st.login()
        return
    for name in providers:
        if st.button(tr("ui_login_with", provider=name), type="primary", key=f"identity_login|{name}"):
            st.login(name)


def _logout_button() -> None:
    if st.button(tr("ui_logout"), icon=":material/logout:", key="identity_logout"):
        st.logout()


def gate() -> None:
    """Deployment mode: sign-in, idle time-out and roles, before any page draws; stops the run when needed.

    Draws in the sidebar who is signed in, the choice of the active role when there are several, and sign-out.
    Does nothing on one machine (the sidebar's stated identity is drawn by ``ui.chrome``).
    """
    if not deployment():
        return
    try:
        minutes = rules.idle_minutes()
        roles_file = rules.current_roles()  # read (and checked) before anyone signs in
    except InputError as exc:
        st.error(tr("ui_identity_config_error", detail=plain(exc)), icon=":material/error:")
        st.stop()
    if not _logged_in():
        st.session_state.pop(LAST_ACTIVITY, None)
        st.title(tr("ui_login_title"))
        st.write(tr("ui_login_intro", minutes=_minutes_text(minutes)))
        _login_buttons()
        st.stop()
    now = time.monotonic()
    if rules.idle_expired(st.session_state.get(LAST_ACTIVITY), now, minutes):
        # Idle too long: sign out now (the cookie goes, and the provider's session where it offers an end point).
        st.session_state.pop(LAST_ACTIVITY, None)
        st.warning(tr("ui_idle_signed_out", minutes=_minutes_text(minutes)), icon=":material/timer_off:")
        st.logout()
        st.stop()
    st.session_state[LAST_ACTIVITY] = now
    roles = roles_file.roles_for(signed_in_email()) if roles_file is not None else ()
    name = _signed_in_name()
    with st.sidebar:
        st.markdown(tr("ui_signed_in_as", name=plain(name)))
        st.caption(plain(signed_in_email()))
        if len(roles) > 1:
            if st.session_state.get(ACTIVE_ROLE) not in roles:
                st.session_state[ACTIVE_ROLE] = roles[0]
            st.selectbox(tr("ui_active_role"), roles, key=ACTIVE_ROLE, format_func=role_label)
        elif roles:
            st.caption(tr("ui_your_role") + ": " + role_label(roles[0]))
        st.caption(tr("ui_signed_in_note", minutes=_minutes_text(minutes)))
        _logout_button()
    if not roles:
        missing = rules.roles_file_path() is None
        text = tr("ui_roles_file_missing") if missing else tr("ui_no_roles", email=plain(signed_in_email()))
        st.warning(text, icon=":material/block:")
        st.stop()
    # Saves and the new-assessment form take the name from here, as they do from the stated name.
    st.session_state[USER_NAME] = name
    st.session_state[USER_ROLE] = actor().role.value  # type: ignore[union-attr]
