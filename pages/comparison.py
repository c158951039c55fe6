"""The comparison of two versions as HTML: the structure of `pages.versioning.compare`, marked up for reading.

Written in Python rather than as nested template includes: a 200-activity document is some 2,000 fields, and
Django's template engine needs half a second for that where this needs a few milliseconds. The markup is plain and
semantic with stable class names (styling belongs to the site's CSS):

- each call and activity is a `<details class="compare-item compare-<type>" id="<anchor>" data-state="…">`,
  open when it changed (or when the reader asked to see everything), its title in `<summary>`;
- short fields in a `<dl class="compare-fields">`, one `<div class="compare-field" id="<anchor>">` each;
- rich texts in `<div class="compare-text" id="<anchor>">`, block by block (`data-diff` equal / insert / delete /
  change), headings and list items kept; removed words in `<del>`, added words in `<ins>`.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_SAFE_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "li", "ul", "ol"}


def _state_labels() -> dict[str, str]:
    return {
        "added": _("nieuw"),
        "removed": _("verwijderd"),
        "changed": _("gewijzigd"),
        "unchanged": _("ongewijzigd"),
    }


def _words(runs: list[dict]) -> str:
    out = []
    for run in runs:
        if run["op"] == "equal":
            out.append(escape(run["text"]))
            continue
        if run["removed"]:
            out.append(f"<del>{escape(run['removed'])}</del>")
        if run["removed"] and run["added"]:
            out.append(" ")
        if run["added"]:
            out.append(f"<ins>{escape(run['added'])}</ins>")
    return "".join(out)


def _block(block: dict) -> str:
    tag = block["tag"] if block["tag"] in _SAFE_TAGS else "p"
    op = block["op"]
    if op == "equal":
        inner = escape(block["text"])
    elif op == "insert":
        inner = f"<ins>{escape(block['text'])}</ins>"
    elif op == "delete":
        inner = f"<del>{escape(block['text'])}</del>"
    else:
        inner = _words(block["words"])
    return f'<{tag} class="diff-block diff-{op}" data-diff="{op}">{inner}</{tag}>'


def _blocks(blocks: list[dict]) -> str:
    out = []
    for block in blocks:
        if "entries" in block:
            tag = block["tag"] if block["tag"] in ("ul", "ol") else "ul"
            out.append(
                f'<{tag} class="diff-list">{"".join(_block(entry) for entry in block["entries"])}</{tag}>'
            )
        else:
            out.append(_block(block))
    return "".join(out)


def _fields(item: dict) -> str:
    state = item.get("state")
    rows, texts = [], []
    for field in item["fields"]:
        anchor = escape(field["anchor"])
        label = escape(field["label"])
        if field["rich"]:
            if field["changed"]:
                body = _blocks(field["blocks"])
            elif field.get("html"):
                # The stored snapshot's own HTML (Wagtail's sanitised rich text), shown as it was published.
                body = field["html"]
                if state in ("removed", "added"):
                    mark = "del" if state == "removed" else "ins"
                    body = f"<{mark}>{body}</{mark}>"
            else:
                continue
            changed = " is-changed" if field["changed"] else ""
            texts.append(
                f'<div class="compare-text{changed}" id="{anchor}" role="group" aria-labelledby="{anchor}-label">'
                f'<p class="compare-label" id="{anchor}-label">{label}</p>{body}</div>'
            )
            continue
        if not field["changed"] and (field.get("in_summary") or field.get("empty")):
            continue
        if field["changed"]:
            value = _words(field["words"])
        elif state == "removed":
            value = f"<del>{escape(field['value'])}</del>"
        elif state == "added":
            value = f"<ins>{escape(field['value'])}</ins>"
        else:
            value = escape(field["value"])
        changed = " is-changed" if field["changed"] else ""
        rows.append(
            f'<div class="compare-field{changed}" id="{anchor}"><dt>{label}</dt><dd>{value}</dd></div>'
        )
    dl = f'<dl class="compare-fields">{"".join(rows)}</dl>' if rows else ""
    return dl + "".join(texts)


def _summary(title: str, state: str, labels: dict[str, str]) -> str:
    return (
        f'<summary><span class="compare-title">{escape(title)}</span> '
        f'<span class="compare-state">({labels[state]})</span></summary>'
    )


def _item(item: dict, show_all: bool, labels: dict[str, str]) -> str:
    state = item["state"]
    is_open = " open" if show_all or state != "unchanged" else ""
    notes = "".join(
        f'<p class="compare-note" data-note="{escape(note["kind"])}">{escape(note["text"])}</p>'
        for note in item["notes"]
    )
    return (
        f'<details class="compare-item compare-{escape(item["type"])}" id="{escape(item["anchor"])}" '
        f'data-state="{state}"{is_open}>{_summary(item["summary"], state, labels)}'
        f'<div class="compare-body">{notes}{_fields(item)}{_children(item, show_all, labels)}</div></details>'
    )


def _children(item: dict, show_all: bool, labels: dict[str, str]) -> str:
    return "".join(
        f'<div class="compare-children compare-{escape(group["type"])}-list">'
        f"{''.join(_item(child, show_all, labels) for child in group['items'])}</div>"
        for group in item["children"]
        if group["items"]
    )


def comparison_html(comparison: dict, *, show_all: bool = False) -> SafeString:
    """The whole document part of a comparison: the document's own fields folded like an item, then its calls."""
    labels = _state_labels()
    document = comparison["document"]
    state = "changed" if document.get("fields_changed") else "unchanged"
    is_open = " open" if show_all or state == "changed" else ""
    head = (
        f'<details class="compare-item compare-document" id="{escape(document["anchor"])}" data-state="{state}"'
        f"{is_open}>{_summary(document['summary'], state, labels)}"
        f'<div class="compare-body">{_fields({**document, "state": state})}</div></details>'
    )
    return mark_safe(head + _children(document, show_all, labels))  # noqa: S308 - every value above is escaped
