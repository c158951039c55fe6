"""Texts compared the way a reader sees them: HTML split into blocks, blocks compared first, then words.

Pure functions, no database; `pages.versioning` uses them for every field it compares.
"""

import difflib
import functools
import re

from bs4 import BeautifulSoup, NavigableString, Tag

_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
_LIST_TAGS = {"ul", "ol"}
_SPACE = re.compile(r"\s+")


def _text(node) -> str:
    return _SPACE.sub(" ", node.get_text(" ") if isinstance(node, Tag) else str(node)).strip()


def _blocks_of(node, out: list[dict], list_tag: str | None = None) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            text = _SPACE.sub(" ", str(child)).strip()
            if text:
                out.append({"tag": "li" if list_tag else "p", "list_tag": list_tag, "text": text})
            continue
        if not isinstance(child, Tag):
            continue
        if child.name in _LIST_TAGS:
            for item in child.find_all("li", recursive=False):
                text = _text(item)
                if text:
                    out.append({"tag": "li", "list_tag": child.name, "text": text})
        elif child.name in _BLOCK_TAGS:
            text = _text(child)
            if text:
                out.append({"tag": child.name, "list_tag": None, "text": text})
        elif child.name == "li":
            text = _text(child)
            if text:
                out.append({"tag": "li", "list_tag": list_tag or "ul", "text": text})
        elif child.name == "br":
            continue
        elif child.find(list(_BLOCK_TAGS | _LIST_TAGS | {"div", "section", "li"})):
            _blocks_of(child, out, list_tag)
        else:
            text = _text(child)
            if text:
                out.append({"tag": "p", "list_tag": None, "text": text})


@functools.lru_cache(maxsize=2048)
def html_blocks(value: str) -> tuple[dict, ...]:
    """The readable blocks of an HTML text in order: headings, paragraphs, list items (with their list type).

    Inline markup is dropped; what a reader sees as one block stays one block. Cached (texts repeat across
    comparisons of one document); callers copy a block before changing it.
    """
    if not value:
        return ()
    out: list[dict] = []
    _blocks_of(BeautifulSoup(value, "html.parser"), out)
    return tuple(out)


_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old_text: str, new_text: str) -> list[dict[str, str]]:
    """Word-level differences: `{"op": "equal", "text"}` and `{"op": "change", "removed", "added"}` runs.

    Whitespace between two changes joins them into one run, so a changed phrase reads as one edit.
    """
    old_tokens, new_tokens = _TOKEN.findall(old_text), _TOKEN.findall(new_text)
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    runs: list[dict[str, str]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[a1:a2]), "".join(new_tokens[b1:b2])
        if op == "equal":
            runs.append({"op": "equal", "text": added})
            continue
        if (
            len(runs) >= 2
            and runs[-1]["op"] == "equal"
            and not runs[-1]["text"].strip()
            and runs[-2]["op"] == "change"
        ):
            space = runs.pop()["text"]
            runs[-1]["removed"] += space + removed
            runs[-1]["added"] += space + added
            continue
        runs.append({"op": "change", "removed": removed, "added": added})
    return _trailing_space_outside(runs)


def _trailing_space_outside(runs: list[dict[str, str]]) -> list[dict[str, str]]:
    """A change's trailing space belongs to the unchanged text after it: `<ins>samen</ins> doen`."""
    out: list[dict[str, str]] = []
    for run in runs:
        if run["op"] == "change":
            removed, added = run["removed"], run["added"]
            space = ""
            if not removed or not added or removed[len(removed.rstrip()) :] == added[len(added.rstrip()) :]:
                space = (added or removed)[len((added or removed).rstrip()) :]
            if space and (removed.strip() or added.strip()):
                run = {
                    "op": "change",
                    "removed": removed[: len(removed) - len(space)] if removed else "",
                    "added": added[: len(added) - len(space)] if added else "",
                }
                out.append(run)
                out.append({"op": "equal", "text": space})
                continue
        if run["op"] == "equal" and out and out[-1]["op"] == "equal":
            out[-1] = {"op": "equal", "text": out[-1]["text"] + run["text"]}
            continue
        out.append(run)
    return out


def block_key(block: dict) -> tuple:
    """What makes two blocks the same for a reader: their kind and their text."""
    return (block["tag"], block["list_tag"], block["text"])


def block_diff(old_blocks, new_blocks) -> list[dict]:
    """Blocks first, words second: each block is unchanged, inserted, deleted, or changed with its word runs.

    A changed block is only ever compared with a block of the same kind, so no text is glued across blocks.
    """
    matcher = difflib.SequenceMatcher(
        a=[block_key(b) for b in old_blocks], b=[block_key(b) for b in new_blocks], autojunk=False
    )
    out: list[dict] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.extend({**block, "op": "equal"} for block in new_blocks[b1:b2])
            continue
        old_part, new_part = list(old_blocks[a1:a2]), list(new_blocks[b1:b2])
        pending_deletes: list[dict] = []
        for index in range(max(len(old_part), len(new_part))):
            before = old_part[index] if index < len(old_part) else None
            after = new_part[index] if index < len(new_part) else None
            if before and after and (before["tag"], before["list_tag"]) == (after["tag"], after["list_tag"]):
                out.extend(pending_deletes)
                pending_deletes = []
                out.append({**after, "op": "change", "words": word_diff(before["text"], after["text"])})
                continue
            if before:
                pending_deletes.append({**before, "op": "delete"})
            if after:
                out.extend(pending_deletes)
                pending_deletes = []
                out.append({**after, "op": "insert"})
        out.extend(pending_deletes)
    return out


def group_lists(blocks: list[dict]) -> list[dict]:
    """Consecutive list items gathered under one `{"tag": "ul"|"ol", "entries": [...]}`, for rendering."""
    grouped: list[dict] = []
    for block in blocks:
        if block["tag"] == "li":
            if grouped and grouped[-1]["tag"] == block["list_tag"] and "entries" in grouped[-1]:
                grouped[-1]["entries"].append(block)
            else:
                grouped.append({"tag": block["list_tag"] or "ul", "entries": [block]})
        else:
            grouped.append(block)
    return grouped
