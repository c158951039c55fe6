"""`import_candidates`: the Kiesraad's EML_NL 230b lists, in Dutch name order, refused as a whole when wrong,
idempotent, corrected lists reported, and parsed without resolving any entity."""

import pytest

from newsletter.outreach.models import Candidate, Election, PartyList
from supporters.models import Organisation

from .eml230b import DIEREN, GROENLINKS, PARTIES, PVDA, eml_230b

pytestmark = pytest.mark.django_db


def _names(party: str) -> list[tuple[int, str, str]]:
    return [
        (c.position, c.full_name, c.name)
        for c in Candidate.objects.filter(party_list__registered_name=party, on_list=True).order_by(
            "position"
        )
    ]


def test_every_party_and_candidate_is_imported_with_positions_and_dutch_names(import_eml):
    out, _err, error = import_eml()
    assert error is None
    election = Election.objects.get()
    assert (election.identifier, election.name, election.domain, str(election.date)) == (
        "GR2026_Amsterdam",
        "Gemeenteraad Amsterdam 2026",
        "Amsterdam",
        "2026-03-18",
    )
    lists = list(PartyList.objects.order_by("number").values_list("number", "registered_name"))
    assert lists == [(1, "GROENLINKS"), (2, "Partij van de Arbeid (P.v.d.A.)"), (3, "Partij voor de Dieren")]
    groenlinks = _names("GROENLINKS")
    assert len(groenlinks) == 12
    assert groenlinks[0] == (1, "A.B.C. (Annemieke) Oorschot", "Annemieke Oorschot")
    assert groenlinks[1] == (2, "K. (Krisje) de Blikkert", "Krisje de Blikkert")
    assert [p for p, _full, _name in groenlinks] == list(range(1, 13))
    pvda = _names("Partij van de Arbeid (P.v.d.A.)")
    assert pvda[0] == (1, "C.P.M. (Charèl) van der Spek", "Charèl van der Spek")
    assert pvda[2][2] == "Frédérique van den Eijnden"
    spek = Candidate.objects.get(last_name="Spek")
    assert (spek.initials, spek.first_name, spek.prefix, spek.locality, spek.contact) == (
        "C.P.M.",
        "Charèl",
        "van der",
        "Amsterdam",
        None,
    )
    assert Candidate.objects.get(last_name="Wolfswinkel").locality == "Zaandam"
    assert Organisation.objects.filter(kind="political_party").count() == 3
    assert "3 lijsten, 17 kandidaten" in out
    assert "Toegevoegd: GROENLINKS 1. Annemieke Oorschot" in out


def test_the_election_name_can_be_given(import_eml):
    import_eml(election="Gemeenteraadsverkiezing 2026")
    assert Election.objects.get().name == "Gemeenteraadsverkiezing 2026"


def test_a_second_import_of_the_same_file_changes_nothing(import_eml):
    import_eml()
    before = list(Candidate.objects.order_by("pk").values())
    lists_before = list(PartyList.objects.order_by("pk").values())
    out, _err, error = import_eml()
    assert error is None
    assert "Niets veranderd" in out
    assert list(Candidate.objects.order_by("pk").values()) == before
    assert list(PartyList.objects.order_by("pk").values()) == lists_before
    assert Election.objects.count() == 1


def test_a_corrected_list_updates_positions_and_reports_who_was_added_and_removed(import_eml):
    import_eml()
    oorschot = Candidate.objects.get(last_name="Oorschot")
    corrected_gl = [GROENLINKS[1], GROENLINKS[0], *GROENLINKS[2:11]]  # 1 and 2 swapped, Cornelis gone
    corrected_pvda = [*PVDA, ("J.", "Jan", "", "Dijkstra", "Amsterdam")]
    out, _err, error = import_eml(
        eml_230b(
            [
                (1, "GROENLINKS", corrected_gl),
                (2, "Partij van de Arbeid (P.v.d.A.)", corrected_pvda),
                (3, "Partij voor de Dieren", DIEREN),
            ]
        )
    )
    assert error is None
    oorschot.refresh_from_db()
    assert oorschot.position == 2 and oorschot.on_list  # the same person (and her commitments), moved
    assert Candidate.objects.get(last_name="Blikkert").position == 1
    cornelis = Candidate.objects.get(last_name="Cornelis")
    assert (cornelis.on_list, cornelis.position) == (False, None)
    assert Candidate.objects.get(last_name="Dijkstra").position == 4
    assert "Verwijderd: GROENLINKS 12. Arendina Cornelis" in out
    assert "Toegevoegd: Partij van de Arbeid (P.v.d.A.) 4. Jan Dijkstra" in out
    assert "Andere plaats: GROENLINKS: Annemieke Oorschot 1 → 2" in out
    assert len(_names("GROENLINKS")) == 11


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "leeg"),
        (b"dit is geen xml", "geen geldig XML"),
        (eml_230b(root_id="110a"), "geen kandidatenlijst van de Kiesraad"),
        (
            b'<?xml version="1.0"?><Kieslijst xmlns="urn:example"><Partij/></Kieslijst>',
            "geen kandidatenlijst van de Kiesraad",
        ),
        (eml_230b([]), "geen enkele lijst"),
        (eml_230b([*PARTIES, (4, "Lege Lijst", [])]), "Lijst 4 (Lege Lijst) heeft geen kandidaten"),
    ],
)
def test_invalid_documents_are_refused_with_a_dutch_message_and_nothing_is_stored(import_eml, data, message):
    _out, _err, error = import_eml(data)
    assert error is not None and message in str(error)
    assert str(error).startswith("Niet ingelezen")
    assert not Election.objects.exists()
    assert not PartyList.objects.exists()
    assert not Candidate.objects.exists()
    assert not Organisation.objects.exists()


def test_a_refused_correction_leaves_the_earlier_import_as_it_was(import_eml):
    import_eml()
    before = list(Candidate.objects.order_by("pk").values())
    _out, _err, error = import_eml(eml_230b([*PARTIES, (4, "Lege Lijst", [])]))
    assert error is not None
    assert list(Candidate.objects.order_by("pk").values()) == before


def test_an_external_entity_is_not_resolved(import_eml, tmp_path):
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-WACHTWOORD")
    doctype = f'\n<!DOCTYPE EML [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    data = eml_230b(doctype=doctype).replace(
        b"<ElectionName>Gemeenteraad", b"<ElectionName>&xxe; Gemeenteraad"
    )
    out, err, error = import_eml(data)
    assert error is not None and "DTD of entiteiten" in str(error)
    assert "GEHEIM" not in out + err + str(error)
    assert not Election.objects.exists()


def test_billion_laughs_is_refused(import_eml):
    doctype = '\n<!DOCTYPE EML [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    data = eml_230b(doctype=doctype).replace(b"<ElectionName>Gemeenteraad", b"<ElectionName>&c; Gemeenteraad")
    _out, _err, error = import_eml(data)
    assert error is not None and "DTD of entiteiten" in str(error)
    assert not Election.objects.exists()
