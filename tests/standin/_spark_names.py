"""Spark's printing of names and partition transforms, shared by the
schema-level (tests/standin/pyspark) and row-level (tests/standin/rows)
stand-ins. No state, no side effects on import."""
import re

_SINGULAR = {"year": "years", "month": "months", "day": "days", "date": "days",
             "hour": "hours", "date_hour": "hours"}


def split_args(text):
    """Comma-separated arguments at depth 0, back-quoted names kept whole."""
    parts, depth, cur, q = [], 0, [], False
    for ch in text:
        if ch == "`":
            q = not q
        elif not q and ch == "(":
            depth += 1
        elif not q and ch == ")":
            depth -= 1
        if ch == "," and not q and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return parts


def quote_if_needed(name):
    """DOC: Spark's QuotingUtils.quoteIfNeeded: a name part of letters,
      digits and '_' (not all digits) is printed bare, any other in
      back-quotes with '`' doubled."""
    name = name.strip()
    if len(name) > 1 and name[0] == name[-1] == "`":
        name = name[1:-1].replace("``", "`")
    if re.match(r"^[A-Za-z0-9_]+$", name) and not name.isdigit():
        return name
    return "`%s`" % name.replace("`", "``")


def describe_field(p):
    """Transform.describe() of a partition field: "days(ts)", "bucket(16, id)"."""
    fm = re.match(r"(?s)^\s*(\w+)\s*\((.*)\)\s*$", p)
    if not fm:
        return quote_if_needed(p)
    args = [a if a.isdigit() else quote_if_needed(a) for a in split_args(fm.group(2))]
    return "%s(%s)" % (fm.group(1), ", ".join(args))


def field_key(text):
    """A partition field as Iceberg identifies it: its transform (singular
    names folded to plural ones), parameter and source column, unquoted
    and folded; truncate's width first whichever order it was written in."""
    t = text.strip()
    fm = re.match(r"(?s)^(\w+)\s*\((.*)\)$", t)
    if not fm:
        return quote_if_needed(t).strip("`").lower()
    fn = _SINGULAR.get(fm.group(1).lower(), fm.group(1).lower())
    args = [quote_if_needed(a).strip("`").lower() if not a.isdigit() else a
            for a in split_args(fm.group(2))]
    if len(args) == 2 and args[1].isdigit() and not args[0].isdigit():
        args.reverse()
    return "%s(%s)" % (fn, ",".join(args))
