"""Builds Kiesraad EML_NL 230b candidate-list files the way the Kiesraad writes them (namespaces, xNL names,
xAL localities), so that tests read a real file format."""

from xml.sax.saxutils import escape

GROENLINKS = [
    ("A.B.C.", "Annemieke", "", "Oorschot", "Amsterdam"),
    ("K.", "Krisje", "de", "Blikkert", "Amsterdam"),
    ("G.H.O.", "George", "van", "Jaspers-Gezen", "Amsterdam"),
    ("T.M.", "Teun", "", "Meulenkolk", "Amsterdam"),
    ("L.", "Luc", "", "Katsma", "Amsterdam"),
    ("M.", "Christine", "", "Blankenvoorde", "Diemen"),
    ("S.", "Salomon", "den", "Mateman", "Amsterdam"),
    ("F.G.P.", "Fabio", "", "Oudenalder", "Amsterdam"),
    ("I.", "Ishana", "den", "Wolbert", "Amsterdam"),
    ("P.A.", "Patrik", "", "Hoven", "Amsterdam"),
    ("J.M.H.", "Jorian", "", "Vredeveld", "Amsterdam"),
    ("A.", "Arendina", "", "Cornelis", "Amsterdam"),
]
PVDA = [
    ("C.P.M.", "Charèl", "van der", "Spek", "Amsterdam"),
    ("W.P.", "Tjeu", "", "Arets", "Amsterdam"),
    ("F.M.", "Frédérique", "van den", "Eijnden", "Amsterdam"),
]
DIEREN = [
    ("M.O.", "Marcela", "", "Gopal", "Amsterdam"),
    ("G.W.", "Giovani", "", "Wolfswinkel", "Zaandam"),
]
PARTIES = [
    (1, "GROENLINKS", GROENLINKS),
    (2, "Partij van de Arbeid (P.v.d.A.)", PVDA),
    (3, "Partij voor de Dieren", DIEREN),
]


def _candidate(position: int, initials: str, first: str, prefix: str, last: str, locality: str) -> str:
    prefix_xml = f"<xnl:NamePrefix>{escape(prefix)}</xnl:NamePrefix>" if prefix else ""
    return f"""
          <Candidate>
            <CandidateIdentifier Id="{position}"/>
            <CandidateFullName>
              <xnl:PersonName>
                <xnl:NameLine NameType="Initials">{escape(initials)}</xnl:NameLine>
                <xnl:FirstName>{escape(first)}</xnl:FirstName>
                {prefix_xml}
                <xnl:LastName>{escape(last)}</xnl:LastName>
              </xnl:PersonName>
            </CandidateFullName>
            <Gender>female</Gender>
            <QualifyingAddress>
              <xal:Locality>
                <xal:LocalityName>{escape(locality)}</xal:LocalityName>
              </xal:Locality>
            </QualifyingAddress>
          </Candidate>"""


def eml_230b(
    parties=PARTIES,
    *,
    election_id: str = "GR2026_Amsterdam",
    name: str = "Gemeenteraad Amsterdam 2026",
    date: str = "2026-03-18",
    root_id: str = "230b",
    doctype: str = "",
) -> bytes:
    affiliations = "".join(
        f"""
        <Affiliation>
          <AffiliationIdentifier Id="{number}">
            <RegisteredName>{escape(party)}</RegisteredName>
          </AffiliationIdentifier>
          <Type>op zichzelf staande lijst</Type>
          <kr:ListData PublicationLanguage="nl" PublishGender="true"/>
          {"".join(_candidate(position, *person) for position, person in enumerate(people, start=1))}
        </Affiliation>"""
        for number, party, people in parties
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>{doctype}
<EML xmlns="urn:oasis:names:tc:evs:schema:eml" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:kr="http://www.kiesraad.nl/extensions" xmlns:xal="urn:oasis:names:tc:ciq:xsdschema:xAL:2.0" xmlns:xnl="urn:oasis:names:tc:ciq:xsdschema:xNL:2.0" Id="{root_id}" SchemaVersion="5">
  <kr:Schema Version="1.3.1"/>
  <TransactionId>1</TransactionId>
  <ManagingAuthority>
    <AuthorityIdentifier Id="0363">Amsterdam</AuthorityIdentifier>
    <AuthorityAddress/>
  </ManagingAuthority>
  <IssueDate>2026-02-04</IssueDate>
  <kr:CreationDateTime>2026-02-04T11:16:26.827</kr:CreationDateTime>
  <CandidateList>
    <Election>
      <ElectionIdentifier Id="{election_id}">
        <ElectionName>{escape(name)}</ElectionName>
        <ElectionCategory>GR</ElectionCategory>
        <kr:ElectionSubcategory>GR2</kr:ElectionSubcategory>
        <kr:ElectionDomain Id="0363">Amsterdam</kr:ElectionDomain>
        <kr:ElectionDate>{date}</kr:ElectionDate>
      </ElectionIdentifier>
      <Contest>
        <ContestIdentifier Id="geen"/>{affiliations}
      </Contest>
    </Election>
  </CandidateList>
</EML>
""".encode()
