"""One verdict on an advice PDF (framework.verification), through ``ipcei verify`` and ``ipcei extract``.

Every headline, and the attacks of issue 12: the forged advice (a self-made RSA key copying the demo key's name,
the content hash in the reason), two signatures, a trusted chain over another assessment, 100 random byte flips
in a signed and in an unsigned advice. Real PDFs from a real SQLite store, real keys, real pyHanko.
"""

from __future__ import annotations

import dataclasses
import json
import random
import time
from collections import Counter
from pathlib import Path

import pytest
from gate_support import REVIEWER, all_acceptable
from verify_support import (
    PASSWORD,
    add_signature,
    altered,
    flip_in_object,
    forged,
    make_ca,
    make_world,
    page_content_marker,
    replace_embedded,
)

from framework import workflow as wf
from framework.cli import main
from framework.loading import default_framework
from framework.report.render import render_pdf
from framework.report.signing import load_certificate, sign_pdf
from framework.verification import Damage, Headline, verify_advice

FLIPS = 100


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return make_world(tmp_path_factory.mktemp("verify"))


@pytest.fixture(scope="module")
def forgery(world, tmp_path_factory):
    return forged(world.signed, tmp_path_factory.mktemp("forger"))


def verdict(pdf: bytes, world, *, store: bool = True, trust=None):
    if not store:
        return verify_advice(pdf, trust=trust)
    with world.store() as opened:
        return verify_advice(pdf, store=opened, trust=trust)


def cli(capsys, tmp_path, pdf: bytes, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "advies.pdf"
    path.write_bytes(pdf)
    code = main(["verify", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- (a) and (b): the two headlines that are in order ----------------------------------------------------


def test_the_signed_advice_is_in_order_with_the_store_that_signed_it(world, capsys, tmp_path):
    found = verdict(world.signed, world)
    assert found.headline == Headline.SIGNED and found.in_order
    assert found.signatures[0].trusted  # the store recorded the certificate it signed with
    assert found.content_hash == found.signed_hash
    code, out, _ = cli(capsys, tmp_path, world.signed, "--database", world.url)
    assert code == 0
    assert out.splitlines()[0].endswith(
        "In orde: digitaal ondertekend door een vertrouwde ondertekenaar en sindsdien ongewijzigd."
    )
    assert "  - Dit is de laatste vastgestelde versie in deze database." in out


def test_without_the_store_the_signed_advice_needs_a_trust_root(world, capsys, tmp_path):
    assert verdict(world.signed, world, store=False).headline == Headline.UNKNOWN_SIGNER
    code, out, _ = cli(capsys, tmp_path, world.signed)
    assert code == 1 and "onbekende ondertekenaar" in out
    code, out, _ = cli(capsys, tmp_path, world.signed, "--trust", str(world.cert), "--lang", "en")
    assert code == 0 and "In order: digitally signed by a trusted signer" in out


def test_a_key_that_chains_to_ipcei_trust_roots_is_trusted(world, tmp_path, monkeypatch, capsys):
    root, p12 = make_ca(tmp_path)
    pdf = sign_pdf(world.unsigned, p12, PASSWORD)
    monkeypatch.setenv("IPCEI_TRUST_ROOTS", str(root))
    code, out, _ = cli(capsys, tmp_path, pdf, "--json")
    report = json.loads(out)
    assert code == 0 and report["headline"] == "signed" and report["signatures"][0]["trusted"]
    monkeypatch.delenv("IPCEI_TRUST_ROOTS")
    assert cli(capsys, tmp_path, pdf)[0] == 1  # the same file, no root: an unknown signer


def test_the_unsigned_advice_this_store_issued_is_in_order_only_with_the_store(world, capsys, tmp_path):
    found = verdict(world.unsigned, world)
    assert found.headline == Headline.VASTGESTELD
    assert any("Precies deze PDF is door deze database uitgegeven" in line for line in found.lines("nl"))
    assert cli(capsys, tmp_path, world.unsigned, "--database", world.url)[0] == 0
    code, out, _ = cli(capsys, tmp_path, world.unsigned)
    assert code == 1 and "Niet bevestigd" in out and "geen database geraadpleegd" in out


# --- (c) the forged advice and other unknown signers ------------------------------------------------------


def test_the_forged_advice_is_never_in_order(world, forgery, capsys, tmp_path):
    """Issue 12: the forger's PDF printed OK, exit 0, also with --trust the real certificate and with --store."""
    store = ["--store", "--database", world.url]
    for args in ([], ["--trust", str(world.cert)], store, ["--trust", str(world.cert), *store]):
        code, out, err = cli(capsys, tmp_path, forgery, *args)
        assert code == 1, (args, out, err)
        assert "onbekende ondertekenaar" in out.splitlines()[0], out
        assert "In orde" not in out
    code, out, _ = cli(capsys, tmp_path, forgery, "--database", world.url, "--json")
    report = json.loads(out)
    assert code == 1 and report["headline"] == "unknown_signer" and report["in_order"] is False
    assert report["content_hash"] == altered(world.signed).content_hash()  # what the forger named in the reason
    assert not report["signatures"][0]["trusted"]


def test_the_forger_name_is_the_same_but_the_certificate_is_not(world, forgery):
    found = verdict(forgery, world, trust=[load_certificate(world.cert.read_bytes())])
    real = verdict(world.signed, world)
    assert found.signatures[0].signer == real.signatures[0].signer  # the subject copies the demo key's
    assert found.signatures[0].certificate != real.signatures[0].certificate
    assert found.headline == Headline.UNKNOWN_SIGNER


def test_a_second_signature_by_an_unknown_signer_is_its_own_headline(world, forgery, tmp_path):
    fake = tmp_path / "fake.p12"
    from framework.report.signing import make_demo_key

    make_demo_key(fake, PASSWORD, name="C. Bakker (demo)")
    twice = add_signature(world.signed, fake)
    found = verdict(twice, world)
    assert len(found.signatures) == 2 and found.signatures[0].trusted and not found.signatures[1].trusted
    assert found.headline == Headline.UNKNOWN_SIGNER
    assert "Het bestand draagt 2 handtekeningen; elke handtekening is gecontroleerd." in found.lines("nl")


def test_two_trusted_signatures_over_the_same_content_are_in_order(world):
    twice = add_signature(world.signed, world.key)
    assert verdict(twice, world).headline == Headline.SIGNED


# --- (e) changed or damaged, with what --------------------------------------------------------------------


def test_another_assessment_put_in_after_signing_is_changed_even_when_signed_again(world):
    other = altered(world.signed)
    replaced = replace_embedded(world.signed, other)
    found = verdict(replaced, world)
    assert found.headline == Headline.CHANGED and Damage.SIGNATURE_BROKEN in found.damage
    resigned = add_signature(replaced, world.key)  # the real key signs the change: still not what was signed off
    found = verdict(resigned, world)
    assert found.headline == Headline.CHANGED
    assert Damage.NOT_SIGNED_CONTENT in found.damage and Damage.SIGNOFF_DIFFERS in found.damage
    assert found.content_hash == other.content_hash() != found.signed_hash


def test_a_valid_chain_over_another_assessment_is_not_the_signed_off_advice(world, tmp_path, capsys):
    root, p12 = make_ca(tmp_path)
    other = altered(world.signed)
    pdf = sign_pdf(render_pdf(other, default_framework()), p12, PASSWORD)
    found = verdict(pdf, world, trust=[load_certificate(root.read_bytes())])
    assert found.headline == Headline.UNKNOWN  # a trusted signer, but not what this database signed off
    code, out, _ = cli(capsys, tmp_path, pdf, "--trust", str(root), "--store", "--database", world.url)
    assert code == 1 and "Niet bevestigd" in out


def test_one_byte_in_the_embedded_data_of_an_unsigned_advice(world):
    found = verdict(flip_in_object(world.unsigned, b"/Type /EmbeddedFile"), world)
    assert found.headline == Headline.CHANGED and found.damage == [Damage.EMBEDDED_UNREADABLE]
    assert "De ingesloten gegevens (assessment.json) ontbreken of zijn onleesbaar." in found.lines("nl")


def test_one_byte_in_a_page_of_an_unsigned_advice(world):
    changed = flip_in_object(world.unsigned, page_content_marker(world.unsigned))
    found = verdict(changed, world)
    assert found.headline == Headline.CHANGED and found.damage == [Damage.PAGES_DIFFER]
    assert found.content_hash == verdict(world.unsigned, world).content_hash  # the embedded data is intact


def test_one_byte_in_a_page_of_a_signed_advice(world):
    found = verdict(flip_in_object(world.signed, page_content_marker(world.signed)), world)
    assert found.headline == Headline.CHANGED and found.damage == [Damage.SIGNATURE_BROKEN]


def test_not_a_pdf(world, capsys, tmp_path):
    found = verdict(b"dit is geen PDF", world)
    assert found.headline == Headline.CHANGED and found.damage == [Damage.NOT_A_PDF]
    assert cli(capsys, tmp_path, b"dit is geen PDF", "--store", "--database", world.url)[0] == 1


@pytest.mark.parametrize("kind", ["signed", "unsigned"])
def test_random_byte_flips_are_never_in_order(world, kind):
    original = getattr(world, kind)
    rng = random.Random(12 if kind == "signed" else 21)
    headlines, damage = {}, Counter()
    started = time.perf_counter()
    with world.store() as store:
        for _ in range(FLIPS):
            data = bytearray(original)
            position = rng.randrange(len(data))
            data[position] ^= rng.randrange(1, 256)
            found = verify_advice(bytes(data), store=store)
            headlines[position] = found.headline
            damage.update(found.damage)
    each = (time.perf_counter() - started) / FLIPS
    print(f"\n{kind}: {Counter(h.value for h in headlines.values())}, damage {dict(damage)}, {each * 1000:.0f} ms each")
    allowed = {Headline.UNKNOWN_SIGNER, Headline.CHANGED, Headline.UNKNOWN}
    assert {p: h for p, h in headlines.items() if h not in allowed} == {}
    assert Headline.CHANGED in headlines.values()


# --- (d) a concept, (f) unknown, (g) superseded -----------------------------------------------------------


def test_a_concept_is_not_an_advice(world, capsys, tmp_path):
    found = verdict(world.concept, world)
    assert found.headline == Headline.CONCEPT and "Status volgens de ingesloten beoordeling: Concept." in found.lines()
    for args in ([], ["--database", world.url]):
        code, out, _ = cli(capsys, tmp_path, world.concept, *args)
        assert code == 1 and "Geen advies: dit is een concept, geen vastgesteld advies." in out
        assert "vastgesteld advies met deze inhoud" not in out  # never «unknown vastgesteld advice»


def test_an_advice_from_elsewhere_is_unknown_to_this_database(world, tmp_path, capsys):
    other = altered(world.unsigned)
    pdf = render_pdf(other, default_framework())
    assert verdict(pdf, world).headline == Headline.UNKNOWN
    code, out, _ = cli(capsys, tmp_path, pdf, "--database", world.url, "--json")
    assert code == 1 and json.loads(out)["headline"] == "unknown"


def test_a_replaced_version_is_superseded(world, tmp_path, capsys):
    copy = tmp_path / "kopie.db"
    copy.write_bytes(Path(world.url.removeprefix("sqlite:///")).read_bytes())
    world = dataclasses.replace(world, url=f"sqlite:///{copy}")  # the module's database stays as it is
    author = wf.Actor.of("A. de Vries", "beleidsmedewerker")
    with world.store() as store:
        newer = wf.new_version(store, world.record_id, author)
    # a new version in the making replaces nothing yet: the signed-off advice is still the one in force
    for pdf in (world.signed, world.unsigned):
        found = verdict(pdf, world)
        assert found.headline.in_order and found.newer_id is None
        assert "Dit is de laatste vastgestelde versie in deze database." in found.lines("nl")
        assert f"Een nieuwe versie ({newer.id}) is in bewerking maar nog niet vastgesteld" in found.lines("nl")[-1]
    assert cli(capsys, tmp_path, world.signed, "--database", world.url)[0] == 0
    with world.store() as store:  # signed off, the new version replaces it
        wf.submit(store, newer.id, author)
        wf.review(store, newer.id, REVIEWER, all_acceptable(store, newer.id))
        wf.sign_off(store, newer.id, wf.Actor.of("C. Bakker", "vaststeller"))
    for pdf in (world.signed, world.unsigned):
        found = verdict(pdf, world)
        assert found.headline == Headline.SUPERSEDED and found.newer_id == newer.id
        assert f"Vervangen door versie {newer.id}." in found.lines("nl")
        assert not any("in bewerking" in line for line in found.lines("nl"))
    assert cli(capsys, tmp_path, world.signed, "--database", world.url)[0] == 1


# --- ipcei extract ----------------------------------------------------------------------------------------


def test_extract_refuses_a_pdf_that_is_not_in_order_unless_forced(world, forgery, tmp_path, capsys):
    path, out_file = tmp_path / "nagemaakt.pdf", tmp_path / "uit.yaml"
    path.write_bytes(forgery)
    assert main(["extract", str(path), "-o", str(out_file)]) == 1
    _, err = capsys.readouterr()
    assert "onbekende ondertekenaar" in err and "Niets uitgepakt" in err and not out_file.exists()
    assert main(["extract", str(path), "-o", str(out_file), "--force"]) == 0
    _, err = capsys.readouterr()
    assert "Let op: uitgepakt uit een PDF die niet in orde is (--force)." in err and out_file.exists()


def test_extract_of_an_advice_in_order(world, tmp_path, capsys):
    path = tmp_path / "advies.pdf"
    path.write_bytes(world.unsigned)
    assert main(["extract", str(path), "--database", world.url, "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["meta"]["status"] == "vastgesteld" and err == ""
    path.write_bytes(world.signed)
    assert main(["extract", str(path), "--trust", str(world.cert)]) == 0
