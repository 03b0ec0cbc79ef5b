#!/usr/bin/env python3
"""input_transformer.py RULE_JSON EVENT_JSON

Renders the InputTransformer of the first target of a rule (the JSON that
suite 86-alerts reads back with boto3: {"targets": [{"InputTransformer":
...}]}) on an event, as EventBridge would, and prints the result.

A small model of EventBridge's input transformation (EventBridge user
guide, "Amazon EventBridge input transformation"; API reference,
InputTransformer):
- InputPathsMap maps a variable to a JSON path of the event; only dot
  notation and array indices are used here ($.detail.jobName, $.region);
- every <variable> of InputTemplate is replaced by its value;
- a template that is not JSON is text: a string value is inserted as it is,
  without quotes (the reference's example "<instance> is in state
  <status>"); other values as their JSON;
- a path that matches nothing gives an empty value (ASSUMPTION: not found
  in the documentation; pipec's templates only name fields Glue's events
  carry).
JSON templates are not modelled: pipec writes text templates only, and this
model refuses a JSON one rather than render it wrongly.
"""
import json
import re
import sys


def lookup(event, path):
    if path == "$":
        return event
    if not path.startswith("$."):
        raise SystemExit("unsupported JSON path %r" % path)
    cur = event
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path[2:]):
        if part.startswith("["):
            i = int(part[1:-1])
            cur = cur[i] if isinstance(cur, list) and i < len(cur) else None
        else:
            cur = cur.get(part) if isinstance(cur, dict) else None
        if cur is None:
            return None
    return cur


def render(transformer, event):
    template = transformer["InputTemplate"]
    try:
        json.loads(template)
        raise SystemExit("JSON input templates are not modelled")
    except ValueError:
        pass
    values = {k: lookup(event, p) for k, p in transformer.get("InputPathsMap", {}).items()}

    def sub(m):
        name = m.group(1)
        if name not in values:
            return m.group(0)
        v = values[name]
        if v is None:
            return ""
        return v if isinstance(v, str) else json.dumps(v)
    return re.sub(r"<([A-Za-z0-9_\-.]+)>", sub, template)


def main():
    rule = json.load(open(sys.argv[1]))
    event = json.load(open(sys.argv[2]))
    sys.stdout.write(render(rule["targets"][0]["InputTransformer"], event))


if __name__ == "__main__":
    main()
