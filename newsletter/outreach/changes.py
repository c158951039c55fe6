"""Which calls a version changed, in the change list's own words.

The only code that reads a version's stored change list for the outreach: an adapter keyed by the call's page id,
so that a change to how change lists are stored (pages/versioning.py) means changing this one function.
"""

from pages.models import DocumentVersion


def changed_calls(version: DocumentVersion) -> dict[int, list[str]]:
    """call page id → the texts of the changes the version names for that call or one of its activities, for the
    calls that are still in the version (a removed call asks nobody anything)."""
    snapshot = version.snapshot or {}
    calls = {call["id"] for call in snapshot.get("calls", [])}
    call_of_activity = {
        activity["id"]: call["id"]
        for call in snapshot.get("calls", [])
        for activity in call.get("activities", [])
    }
    found: dict[int, list[str]] = {}
    for change in version.changes or []:
        kind, text = change.get("type"), change.get("text", "")
        if kind == "call":
            targets = [change.get("id")]
        elif kind == "activity":
            targets = [change.get("call_id"), change.get("from_call"), change.get("to_call")]
            targets.append(call_of_activity.get(change.get("id")))
        else:
            continue
        for call_id in dict.fromkeys(target for target in targets if target in calls):
            found.setdefault(call_id, []).append(text)
    return found
