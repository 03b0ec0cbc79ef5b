"""Request validation against botocore's Glue service model, shared by
check_artifacts.py and moto_plus.py.

validate(operation, params) returns a list of problems:
  1. botocore's own ParamValidator (required members, types, min constraints);
  2. what botocore skips but the Glue service enforces: max (length/size/count),
     pattern (Java regex, full match) and enum, walked over the whole input
     shape. The WorkerType enum is widened with the worker types the service
     accepts but botocore 1.43's model lacks (G.12X, G.16X, R.1X..R.8X)."""
import re

import botocore.session
from botocore.validate import ParamValidator

EXTRA_ENUM = {"WorkerType": {"G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X"}}

_MODEL = []
_PATTERNS = {}


def model():
    if not _MODEL:
        _MODEL.append(botocore.session.get_session().get_service_model("glue"))
    return _MODEL[0]


def _pattern(p):
    if p not in _PATTERNS:
        py = p.replace(r"\uD800\uDC00-\uDBFF\uDFFF", r"\U00010000-\U0010FFFF")
        try:
            _PATTERNS[p] = re.compile(py, re.S)
        except re.error:
            _PATTERNS[p] = None
    return _PATTERNS[p]


def _walk(shape, value, path, out):
    meta = shape.metadata
    t = shape.type_name
    if value is None:
        return
    if t == "structure":
        if not isinstance(value, dict):
            return
        for name, member in shape.members.items():
            if name in value:
                _walk(member, value[name], "%s.%s" % (path, name) if path else name, out)
        return
    if t == "list":
        if not isinstance(value, list):
            return
        if "max" in meta and len(value) > meta["max"]:
            out.append("%s: %d items, at most %d allowed" % (path, len(value), meta["max"]))
        for i, v in enumerate(value):
            _walk(shape.member, v, "%s[%d]" % (path, i), out)
        return
    if t == "map":
        if not isinstance(value, dict):
            return
        if "max" in meta and len(value) > meta["max"]:
            out.append("%s: %d entries, at most %d allowed" % (path, len(value), meta["max"]))
        for k, v in value.items():
            _walk(shape.key, k, "%s(key %r)" % (path, k), out)
            _walk(shape.value, v, "%s[%r]" % (path, k), out)
        return
    if t == "string":
        if not isinstance(value, str):
            return
        if "max" in meta and len(value) > meta["max"]:
            out.append("%s: length %d, at most %d allowed" % (path, len(value), meta["max"]))
        if shape.enum:
            allowed = set(shape.enum) | EXTRA_ENUM.get(shape.name, set())
            if value not in allowed:
                out.append("%s: %r is not one of %s" % (path, value, "|".join(sorted(allowed))))
        p = meta.get("pattern")
        if p:
            rx = _pattern(p)
            if rx is not None and not rx.fullmatch(value):
                out.append("%s: %r does not match pattern %s" % (path, value[:80], p))
        return
    if t in ("integer", "long", "double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return
        if "max" in meta and value > meta["max"]:
            out.append("%s: %s is above the maximum %s" % (path, value, meta["max"]))
        return


def constraint_problems(operation, params):
    out = []
    _walk(model().operation_model(operation).input_shape, params, "", out)
    return out


def shape_problems(operation, params):
    shape = model().operation_model(operation).input_shape
    report = ParamValidator().validate(params, shape)
    if not report.has_errors():
        return []
    text = report.generate_report()
    return [line.strip() for line in text.splitlines() if line.strip()] or [text]


def validate(operation, params):
    if not isinstance(params, dict):
        return ["request body must be a JSON object"]
    return shape_problems(operation, params) + constraint_problems(operation, params)
