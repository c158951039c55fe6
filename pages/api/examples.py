"""Example answers of the documents API, shown in the schema and the interactive docs.

Each is checked against its operation's schema (`tests/api/test_contract.py`), so an example cannot drift from
what the API answers.
"""

CHANGE = {
    "kind": "status",
    "type": "activity",
    "id": 41,
    "title": "Buurtconferentie Oost",
    "text": "Activiteit ‘Buurtconferentie Oost’: van gepland naar loopt.",
    "old_status": "planned",
    "new_status": "running",
    "call_id": 12,
}

VERSION_SUMMARY = {
    "number": 2,
    "published_at": "2026-11-28T14:05:00+01:00",
    "is_major": False,
    "note": "De buurtconferentie is begonnen.",
    "url": "https://krachtvanmokum.nl/oproep/versies/2/",
    "changes": [CHANGE],
}

COUNTS = {"endorsements": 57, "organisers": 3, "helpers": 11}

DOCUMENT_LIST = {
    "count": 1,
    "items": [
        {
            "id": 3,
            "title": "Oproep tot actie",
            "url": "https://krachtvanmokum.nl/oproep/",
            "latest_version": 2,
            "counts": COUNTS,
        }
    ],
}

ACTIVITY = {
    "id": 41,
    "title": "Buurtconferentie Oost",
    "slug": "buurtconferentie-oost",
    "url": "https://krachtvanmokum.nl/oproep/buurtdemocratie/buurtconferentie-oost/",
    "status": "running",
    "status_label": "Loopt",
    "description": "<p>Een dag waarop bewoners samen de agenda van hun buurt maken.</p>",
    "needs_people": "Gespreksleiders",
    "needs_means": "Een zaal voor 80 mensen",
    "starts_on": "2027-03-14",
    "ends_on": None,
    "when": "Zaterdag 14 maart 2027, 10.00–16.00 uur",
    "where": "Buurthuis De Meeuw",
    "district": "Oost",
    "location": "Javaplein 21",
    "organiser_capacity": 4,
    "helper_capacity": 20,
    "counts": {"endorsements": 9, "organisers": 2, "helpers": 11},
}

DOCUMENT = {
    "id": 3,
    "title": "Oproep tot actie",
    "url": "https://krachtvanmokum.nl/oproep/",
    "intro": "<p>Vijf oproepen om Amsterdam democratischer te maken.</p>",
    "closing_title": "Doe mee",
    "closing": "<p>Steun een oproep, of meld u aan voor een activiteit.</p>",
    "contact_text": "Vragen of ideeën? Mail de redactie.",
    "contact_email": "redactie@krachtvanmokum.nl",
    "counts": COUNTS,
    "latest_version": VERSION_SUMMARY,
    "calls": [
        {
            "id": 12,
            "number": 1,
            "title": "Buurtdemocratie",
            "slug": "buurtdemocratie",
            "url": "https://krachtvanmokum.nl/oproep/buurtdemocratie/",
            "body": "<p>Bewoners beslissen mee over hun buurt.</p>",
            "counts": {"endorsements": 21, "organisers": 2, "helpers": 11},
            "activities": [ACTIVITY],
        }
    ],
}

VERSION_LIST = {
    "count": 2,
    "items": [
        VERSION_SUMMARY,
        {
            "number": 1,
            "published_at": "2026-11-01T09:00:00+01:00",
            "is_major": True,
            "note": "Eerste versie.",
            "url": "https://krachtvanmokum.nl/oproep/versies/1/",
            "changes": [],
        },
    ],
}

VERSION = {
    **VERSION_SUMMARY,
    "format": 1,
    "document": {
        "id": 3,
        "title": "Oproep tot actie",
        "intro": "<p>Vijf oproepen om Amsterdam democratischer te maken.</p>",
        "closing_title": "Doe mee",
        "closing": "<p>Steun een oproep, of meld u aan voor een activiteit.</p>",
        "contact_text": "Vragen of ideeën? Mail de redactie.",
        "contact_email": "redactie@krachtvanmokum.nl",
    },
    "calls": [
        {
            "id": 12,
            "number": 1,
            "title": "Buurtdemocratie",
            "slug": "buurtdemocratie",
            "path": "/oproep/buurtdemocratie/",
            "body": "<p>Bewoners beslissen mee over hun buurt.</p>",
            "activities": [
                {
                    "id": 41,
                    "title": "Buurtconferentie Oost",
                    "slug": "buurtconferentie-oost",
                    "path": "/oproep/buurtdemocratie/buurtconferentie-oost/",
                    "status": "running",
                    "description": "<p>Een dag waarop bewoners samen de agenda van hun buurt maken.</p>",
                    "needs_people": "Gespreksleiders",
                    "needs_means": "Een zaal voor 80 mensen",
                    "when": "Zaterdag 14 maart 2027, 10.00–16.00 uur",
                    "where": "Buurthuis De Meeuw",
                }
            ],
        }
    ],
}

COMPARISON = {
    "old": 1,
    "new": 2,
    "identical": False,
    "changes": [CHANGE],
    "document": {
        "type": "document",
        "id": 3,
        "title": "Calls to Action",
        "summary": "Calls to Action",
        "state": "changed",
        "anchor": "document-3",
        "notes": [],
        "fields": [
            {
                "name": "title",
                "label": "Titel",
                "rich": False,
                "anchor": "document-3-title",
                "in_summary": True,
                "changed": False,
                "value": "Calls to Action",
            }
        ],
        "children": [
            {
                "type": "call",
                "items": [
                    {
                        "type": "call",
                        "id": 12,
                        "title": "Democratisering",
                        "summary": "1. Democratisering",
                        "state": "changed",
                        "anchor": "call-12",
                        "notes": [],
                        "fields": [
                            {
                                "name": "body",
                                "label": "Tekst",
                                "rich": True,
                                "anchor": "call-12-body",
                                "changed": True,
                                "blocks": [
                                    {"tag": "p", "op": "equal", "text": "Wij vragen de gemeente om…"},
                                    {
                                        "tag": "p",
                                        "op": "change",
                                        "words": [
                                            {"op": "equal", "text": "Buurtconferentie Oost: "},
                                            {"op": "change", "removed": "gepland", "added": "loopt"},
                                        ],
                                    },
                                    {"tag": "p", "op": "insert", "text": "Een nieuwe alinea."},
                                ],
                            }
                        ],
                        "children": [],
                    }
                ],
            }
        ],
    },
}
