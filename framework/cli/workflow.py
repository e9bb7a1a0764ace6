"""``ipcei submit | withdraw | review | signoff | new-version | file | sign | verify | demo-key``: review, sign-off.

Every status change goes through :func:`framework.workflow.transition`, so the command line obeys the same
transition table and four-eyes rule as the app. Who acts is ``--by NAME`` (default ``IPCEI_USER``, else the login
name) in the role ``--role`` (author, reviewer, approver, records_officer; Dutch names such as beleidsmedewerker
and vaststeller are accepted). Like the app's stated identity this is not an authentication: on a shared server
the CLI runs under an account that only the records office holds (see docs/signoff.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from framework.assessment import terminal_text
from framework.cli.db import default_user
from framework.errors import InputError, IpceiError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _actor(args: argparse.Namespace):
    from framework.workflow import Actor

    return Actor.of(args.by or default_user(), args.role)


def _done(record) -> int:
    print(f"{record.id}: {record.status} (revision {record.revision})")
    return EXIT_OK


def _parse_verdicts(items: list[str]) -> dict[str, tuple[str, str]]:
    """``q3=to_improve:Motiveer de ernst`` → ``{"q3": ("to_improve", "Motiveer de ernst")}``."""
    verdicts: dict[str, tuple[str, str]] = {}
    problems = []
    for item in items:
        question, sep, rest = item.partition("=")
        verdict, _, comment = rest.partition(":")
        if not sep or not question.strip() or not verdict.strip():
            problems.append(f"--verdict {item!r}: write QUESTION=VERDICT[:COMMENT], e.g. q3=to_improve:why")
            continue
        verdicts[question.strip()] = (verdict.strip(), comment.strip())
    if problems:
        raise InputError(problems)
    return verdicts


def _parse_accepted(items: list[str]) -> dict[str, str]:
    """``advice-without-funding-gap=Funding gap volgt in fase 2`` → ``{finding: reason}``."""
    accepted: dict[str, str] = {}
    problems = []
    for item in items:
        key, sep, reason = item.partition("=")
        if not sep or not key.strip():
            problems.append(f"--accept {item!r}: write FINDING=REASON, e.g. too-few-member-states='coalitie groeit'")
            continue
        accepted[key.strip()] = reason
    if problems:
        raise InputError(problems)
    return accepted


def cmd_submit(args: argparse.Namespace) -> int:
    from framework import workflow
    from framework.store import open_store

    actor = _actor(args)
    with open_store(args.database) as store:
        return _done(workflow.submit(store, store.resolve(args.id), actor, reason=args.reason))


def cmd_withdraw(args: argparse.Namespace) -> int:
    from framework import workflow
    from framework.store import open_store

    actor = _actor(args)
    with open_store(args.database) as store:
        return _done(workflow.withdraw(store, store.resolve(args.id), actor))


def cmd_review(args: argparse.Namespace) -> int:
    from framework import workflow
    from framework.store import open_store

    verdicts = _parse_verdicts(args.verdict or [])
    if not verdicts and not args.send_back and not args.rest:
        print("ipcei review: give --verdict per question (or --rest VERDICT), or --return", file=sys.stderr)
        return EXIT_USAGE
    actor = _actor(args)
    with open_store(args.database) as store:
        assessment_id = store.resolve(args.id)
        if args.rest:  # every question not named by --verdict gets this verdict (a complete review in one call)
            record = store.get(assessment_id)
            for question in store.framework_for(record).questions():
                verdicts.setdefault(question.id, (args.rest, ""))
        record = workflow.review(store, assessment_id, actor, verdicts, send_back=args.send_back)
        return _done(record)


def cmd_signoff(args: argparse.Namespace) -> int:
    from framework import workflow
    from framework.advice import advice_pdf
    from framework.store import open_store

    accepted = _parse_accepted(args.accept or [])
    actor = _actor(args)
    with open_store(args.database) as store:
        assessment_id = store.resolve(args.id)
        record = workflow.sign_off(store, assessment_id, actor, accepted=accepted)
        _done(record)
        signed = store.signoff(assessment_id)
        if signed is not None:
            print(f"signed off by {terminal_text(signed.by)} ({signed.role}); content sha256:{signed.content_hash}")
        if args.output:
            Path(args.output).write_bytes(advice_pdf(store, assessment_id, lang=args.lang, by=args.by))
            store.record_event(assessment_id, "exported", signed.by if signed else args.by, {"file": args.output})
            print(f"wrote {args.output}")
    return EXIT_OK


def cmd_new_version(args: argparse.Namespace) -> int:
    from framework import workflow
    from framework.store import open_store

    with open_store(args.database) as store:
        record = workflow.new_version(store, store.resolve(args.id), _actor(args))
        print(f"new version {record.id} replaces {args.id} (status {record.status})")
    return EXIT_OK


def cmd_file(args: argparse.Namespace) -> int:
    from framework import workflow
    from framework.store import open_store

    with open_store(args.database) as store:
        return _done(workflow.transition(store, store.resolve(args.id), workflow.Step.ARCHIVE, _actor(args)))


def cmd_sign(args: argparse.Namespace) -> int:
    """Sign an advice PDF of a signed-off assessment: the hash inside must be one the store signed off."""
    from framework.advice import REASON, issue_advice
    from framework.report.render import extract_assessment
    from framework.report.signing import SigningError, configured_key, sign_pdf
    from framework.store import open_store

    if configured_key() is None:
        raise SigningError("no signing key: set IPCEI_SIGNING_KEY (a PKCS#12 file) and IPCEI_SIGNING_PASSWORD")
    data = _read_pdf(args.file)
    with open_store(args.database) as store:
        content_hash = extract_assessment(data, source=args.file).content_hash()
        signed = store.signoff_by_hash(content_hash)
        if signed is None:
            raise IpceiError(f"{args.file}: this assessment (sha256:{content_hash[:12]}) was not signed off")
        pdf = sign_pdf(data, reason=REASON.format(hash=content_hash))
        Path(args.output).write_bytes(pdf)
        issue_advice(store, signed.assessment_id, signed.revision, content_hash, pdf, args.by or default_user())
    print(f"wrote {args.output}")
    return EXIT_OK


def verdict_of(name: str, *, trust: list[str] | None, use_store: bool, database: str | None) -> Any:
    """The :class:`~framework.verification.Verdict` on a PDF file, for ``verify`` and ``extract``."""
    from framework.report.signing import configured_trust, load_certificate
    from framework.verification import verify_advice

    data = _read_pdf(name)
    roots = []
    for cert in trust or []:
        try:
            roots.append(load_certificate(Path(cert).read_bytes()))
        except (OSError, ValueError) as exc:
            raise InputError.single(cert, f"not a readable certificate (--trust): {exc}") from None
    roots = roots or configured_trust()
    if not (use_store or database):
        return verify_advice(data, trust=roots)
    from framework.store import open_store

    with open_store(database) as store:
        return verify_advice(data, store=store, trust=roots)


def cmd_verify(args: argparse.Namespace) -> int:
    from framework.cli.output import json_text
    from framework.i18n import default_language

    lang = args.lang or default_language()
    verdict = verdict_of(args.file, trust=args.trust, use_store=args.store, database=args.database)
    if args.json:
        print(json_text({"file": args.file, **verdict.as_dict(lang)}))
    else:
        print(f"{terminal_text(args.file)}: {verdict.headline.text(lang)}")
        for line in verdict.lines(lang):
            print(f"  - {line}")
    return EXIT_OK if verdict.in_order else EXIT_INVALID


def cmd_demo_key(args: argparse.Namespace) -> int:
    from framework.report.signing import make_demo_key

    path = make_demo_key(args.output, args.password, name=args.name)
    print(f"wrote {path} (self-signed demo key, NOT for production)")
    return EXIT_OK


def _read_pdf(name: str) -> bytes:
    from framework.report.signing import MAX_PDF_BYTES

    path = Path(name)
    try:
        if path.stat().st_size > MAX_PDF_BYTES:
            raise InputError.single(name, "larger than 50 MB; not an advice PDF")
        return path.read_bytes()
    except OSError as exc:
        raise InputError.single(name, exc.strerror or str(exc)) from None


def _who(p: argparse.ArgumentParser, role: str | None = None) -> None:
    p.add_argument("id", metavar="ID", help="assessment id (or its first characters)")
    p.add_argument("--by", metavar="NAME", help="who acts (default: IPCEI_USER, else the login name)")
    p.add_argument("--role", default=role, required=role is None, help=f"the role acted in (default: {role})")
    p.add_argument("--database", metavar="URL", help="database URL (default: IPCEI_DATABASE_URL or SQLite)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("submit", help="send a concept (or a returned assessment) for review")
    _who(p, "author")
    p.add_argument(
        "--reason",
        metavar="TEXT",
        help="submit anyway with open errors or empty required fields, because … (audit log, parafenlijst)",
    )
    p.set_defaults(func=cmd_submit)

    p = sub.add_parser("withdraw", help="take a submission back (ter review to concept) to edit it again")
    _who(p, "author")
    p.set_defaults(func=cmd_withdraw)

    p = sub.add_parser("review", help="record verdicts per answer; --return sends it back to the author")
    _who(p, "reviewer")
    p.add_argument(
        "--verdict",
        action="append",
        metavar="Q=VERDICT[:COMMENT]",
        help="e.g. q3=to_improve:'Motiveer de ernst' (acceptable, to_improve, to_correct); repeatable",
    )
    p.add_argument("--rest", metavar="VERDICT", help="this verdict for every question not given by --verdict")
    p.add_argument("--return", dest="send_back", action="store_true", help="return it to the author")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("signoff", help="sign off (vaststellen) an assessment under review: four eyes")
    _who(p, "approver")
    p.add_argument(
        "--accept",
        action="append",
        metavar="FINDING=REASON",
        help="acknowledge an open warning with a reason (repeatable); every open warning needs one",
    )
    p.add_argument("-o", "--output", metavar="OUT.pdf", help="also write the advice PDF (signed if a key is set)")
    p.add_argument("--lang", choices=["nl", "en"], help="language of the PDF (default: the assessment's)")
    p.set_defaults(func=cmd_signoff)

    p = sub.add_parser("new-version", help="a new concept replacing a signed-off assessment")
    _who(p, "author")
    p.set_defaults(func=cmd_new_version)

    p = sub.add_parser("file", help="file a signed-off assessment in the archive (status gearchiveerd)")
    _who(p, "records_officer")
    p.set_defaults(func=cmd_file)

    p = sub.add_parser("sign", help="sign an advice PDF of a signed-off assessment (IPCEI_SIGNING_KEY)")
    p.add_argument("file", metavar="ADVICE.pdf")
    p.add_argument("-o", "--output", metavar="SIGNED.pdf", required=True)
    p.add_argument("--by", metavar="NAME", help="who the signed PDF is issued to (default: IPCEI_USER, login name)")
    p.add_argument("--database", metavar="URL", help="database URL (default: IPCEI_DATABASE_URL or SQLite)")
    p.set_defaults(func=cmd_sign)

    p = sub.add_parser(
        "verify", help="one verdict on an advice PDF: signer trusted, unchanged, signed off, latest (exit 0: in order)"
    )
    p.add_argument("file", metavar="ADVICE.pdf")
    p.add_argument("--trust", action="append", metavar="CERT", help="a certificate (PEM/DER) to trust; repeatable")
    p.add_argument("--store", action="store_true", help="also look the assessment up in the store")
    p.add_argument("--database", metavar="URL", help="database URL (implies --store)")
    p.add_argument("--json", action="store_true", help="machine-readable output: the headline id and the details")
    p.add_argument("--lang", choices=["nl", "en"], help="language of the verdict (default: IPCEI_LANG or nl)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("demo-key", help="write a self-signed RSA demo signing key (PKCS#12), not for production")
    p.add_argument("-o", "--output", metavar="KEY.p12", required=True)
    p.add_argument("--password", default="", help="password of the file (default: none)")
    p.add_argument("--name", default="IPCEI demo", help="the signer's name in the certificate")
    p.set_defaults(func=cmd_demo_key)
