"""Builders for the candidate-list and commitment tests: a 230b file imported, candidates with addresses, a
document version sent to them."""

import io
import itertools

import pytest
from django.core.management import call_command

from .eml230b import eml_230b

_counter = itertools.count(1)


@pytest.fixture
def import_eml(tmp_path, db):
    """import_eml(data=eml_230b(), election="") → (stdout, stderr, exit error or None) of `import_candidates`."""
    from django.core.management.base import CommandError

    def run(data: bytes | None = None, *, election: str = ""):
        path = tmp_path / f"lijsten-{next(_counter)}.eml.xml"
        path.write_bytes(eml_230b() if data is None else data)
        out, err = io.StringIO(), io.StringIO()
        args = [str(path), *(["--election", election] if election else [])]
        try:
            call_command("import_candidates", *args, stdout=out, stderr=err)
        except CommandError as error:
            return out.getvalue(), err.getvalue(), error
        return out.getvalue(), err.getvalue(), None

    return run


ADDRESSES = """partij,positie,naam,email,rol
GROENLINKS,1,Annemieke Oorschot,annemieke@example.org,party_leader
GROENLINKS,2,Krisje de Blikkert,krisje@example.org,candidate
GROENLINKS,3,George van Jaspers-Gezen,george@example.org,candidate
Partij van de Arbeid (P.v.d.A.),1,Charèl van der Spek,charel@example.org,candidate
"""


@pytest.fixture
def candidates_sent(import_eml, import_list, make_document, publish, outbox):
    """The lists imported from the Kiesraad's file, four candidates' addresses from a CSV, and version 1 of a
    three-call document sent to candidates and party leaders. Returns (document, version)."""
    import_eml()
    import_list(ADDRESSES)
    document = make_document(calls=3, activities_per_call=1)
    version = publish(document, note="Eerste versie.", audiences=["candidates", "party_leaders"])
    return document, version


@pytest.fixture
def commitment_links(candidates_sent, read_outbox):
    """links()[address][call number] → the path of that candidate's commitment link in their real email."""
    from urllib.parse import urlsplit

    def links() -> dict[str, dict[int, str]]:
        found = {}
        for address, (_message, soup, _text) in read_outbox().items():
            found[address] = {
                int(a["data-call"]): urlsplit(a["href"]).path for a in soup.select("a.commitment-link")
            }
        return found

    return links


def change_call_text(document, number: int, text: str):
    """An editor rewrites call `number` and publishes the page (a version is cut separately)."""
    from pages.models import CallPage

    call = CallPage.objects.child_of(document).get(number=number)
    call.body = [{"type": "paragraph", "value": f"<p>{text}</p>"}]
    call.save_revision().publish()
    return call


@pytest.fixture
def overview_world(import_eml, import_list, make_document, publish):
    """The lists imported, four addresses, version 1 of a three-call document (sent to nobody).
    Returns (document, version, answer) with answer(last_name, call_number, stance, explanation="", publish=False)."""
    from newsletter.outreach.commitment_links import CommitmentLink
    from newsletter.outreach.commitments import commitment_record
    from newsletter.outreach.models import Candidate

    import_eml()
    import_list(ADDRESSES)
    document = make_document(calls=3, activities_per_call=1)
    version = publish(document, note="Eerste versie.")

    def answer(last_name: str, call_number: int, stance: str, explanation: str = "", publish: bool = False):
        candidate = Candidate.objects.get(last_name=last_name)
        call_id = version.snapshot["calls"][call_number - 1]["id"]
        link = CommitmentLink(candidate_id=candidate.pk, call_id=call_id, version_id=version.pk)
        return commitment_record(link=link, stance=stance, explanation=explanation, publish_name=publish)

    return document, version, answer
