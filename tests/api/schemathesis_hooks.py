"""Schemathesis hooks for the contract gate (`SCHEMATHESIS_HOOKS=tests.api.schemathesis_hooks`).

Generated ids and audience keys rarely name anything that exists, so nearly every valid request would only be
"not found" (or, for an audience key, refused). In schema-valid cases three in four ids, and every audience key,
are pointed at the real objects the test created (`KVM_REAL_IDS`, JSON), and an event's part ids at its real
parts: the successful answers, and the
submissions behind them, are checked too. Schema-invalid cases are left exactly as generated.
"""

import json
import os
import re

import schemathesis

REAL = json.loads(os.environ.get("KVM_REAL_IDS", "{}"))
KEY = re.compile(r"^[-a-zA-Z0-9_]+$")


def _is_positive(case) -> bool:
    meta = getattr(case, "meta", None)
    return meta is not None and meta.generation.mode.is_positive


@schemathesis.hook
def map_case(context, case):
    if not _is_positive(case):
        return case
    parameters = case.path_parameters or {}
    for name, ids in REAL.get("path", {}).items():
        value = parameters.get(name)
        if type(value) is int and value >= 1 and value % 4:
            parameters[name] = ids[value % len(ids)]
    keys = REAL.get("audiences")
    body = case.body
    if keys and isinstance(body, dict) and isinstance(body.get("audiences"), list):
        body["audiences"] = [
            keys[len(item) % len(keys)] if isinstance(item, str) and KEY.match(item) else item
            for item in body["audiences"]
        ]
    parts = REAL.get("parts")
    if parts and isinstance(body, dict) and isinstance(body.get("parts"), list):
        body["parts"] = sorted({parts[item % len(parts)] for item in body["parts"] if type(item) is int})
    return case
