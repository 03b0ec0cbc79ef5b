"""DQDL sanity checks shared by the stand-in (EvaluateDataQuality refuses a
ruleset Glue's parser would refuse) and tests/tools/check_artifacts.py.

Not a full DQDL grammar (awslabs/dqdl); it catches what generated rulesets get
wrong in practice: no `Rules = [ ... ]`, `==`, unbalanced quotes/brackets,
unknown rule types, Python-style comparisons, empty rules."""
import re

RULE_TYPES = {
    "RowCount", "RowCountMatch", "ColumnCount", "Completeness", "IsComplete",
    "ColumnDataType", "ColumnNamesMatchPattern", "ColumnExists", "ColumnCorrelation",
    "Uniqueness", "IsUnique", "IsPrimaryKey", "Mean", "Sum", "StandardDeviation", "Variance",
    "Entropy", "DistinctValuesCount", "UniqueValueRatio", "ColumnLength", "ColumnValues",
    "DataFreshness", "CustomSql", "ReferentialIntegrity", "DatasetMatch", "SchemaMatch",
    "AggregateMatch", "DetectAnomalies", "FileMatch", "FileUniqueness", "FileFreshness",
    "FileSize", "AllStatistics",
}


def _scan(text):
    """Yields (index, char, in_quote) with string literals tracked."""
    q = False
    i = 0
    while i < len(text):
        c = text[i]
        if q:
            if c == "\\" and i + 1 < len(text):
                yield i, c, True
                i += 1
                yield i, text[i], True
                i += 1
                continue
            if c == '"':
                q = False
            yield i, c, True if q or c == '"' else False
        else:
            if c == '"':
                q = True
                yield i, c, True
            else:
                yield i, c, False
        i += 1


def strip_comments(text):
    out = []
    for line in text.splitlines():
        buf, q, esc = [], False, False
        for ch in line:
            if q and esc:
                esc = False
            elif q and ch == "\\":
                esc = True
            elif ch == '"':
                q = not q
            if ch == "#" and not q:
                break
            buf.append(ch)
        out.append("".join(buf))
    return "\n".join(out)


def rules_block(text):
    """Returns the text inside Rules = [ ... ] or None."""
    t = strip_comments(text)
    m = re.search(r"\bRules\s*=\s*\[", t)
    if not m:
        return None
    depth, start = 0, m.end() - 1
    for i, c, inq in _scan(t[start:]):
        if inq:
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return t[start + 1:start + i]
    return None


def split_rules(text):
    block = rules_block(text)
    if block is None:
        return []
    rules, depth, cur = [], 0, []
    for _, c, inq in _scan(block):
        if not inq:
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif c == "," and depth == 0:
                rules.append("".join(cur).strip())
                cur = []
                continue
        cur.append(c)
    if "".join(cur).strip():
        rules.append("".join(cur).strip())
    return rules


def check(text):
    """Returns a list of problems (empty when the ruleset looks valid)."""
    problems = []
    if not isinstance(text, str) or not text.strip():
        return ["ruleset is empty"]
    t = strip_comments(text)
    # QUOTED_STRING is '"' (ESC | .)*? '"' with ESC = \" or \\ (awslabs/dqdl
    # CommonLexerRules.g4): a quote left after removing the strings is unpaired.
    if '"' in re.sub(r'"(?:\\["\\]|[^"\\])*"', "", t):
        problems.append("unbalanced double quotes")
    depth = {"[": 0, "(": 0}
    pairs = {"]": "[", ")": "("}
    for _, c, inq in _scan(t):
        if inq:
            continue
        if c in depth:
            depth[c] += 1
        elif c in pairs:
            depth[pairs[c]] -= 1
            if depth[pairs[c]] < 0:
                problems.append("unbalanced '%s'" % c)
                depth[pairs[c]] = 0
    for k, v in depth.items():
        if v:
            problems.append("unbalanced '%s'" % k)
    outside = "".join(c for _, c, inq in _scan(t) if not inq)
    if "==" in outside:
        problems.append("'==' is not a DQDL operator (use '=')")
    if re.search(r"(?<![<>!])=>|&&|\|\|", outside):
        problems.append("Python/C-style operator in DQDL")
    if not re.search(r"\bRules\s*=\s*\[", t):
        problems.append("missing 'Rules = [ ... ]'")
        return problems
    if rules_block(text) is None:
        problems.append("'Rules = [' is not closed")
        return problems
    for r in split_rules(text):
        for part in re.split(r"\)\s*(?:and|or|AND|OR)\s*\(", r.strip().strip("()")):
            m = re.match(r"^\(?\s*([A-Za-z]+)", part.strip())
            if not m:
                problems.append("rule does not start with a rule type: %r" % r)
            elif m.group(1) not in RULE_TYPES:
                problems.append("unknown rule type %r in %r" % (m.group(1), r))
        if re.match(r"^ColumnValues\s+\"[^\"]*\"\s+(Completeness|IsComplete)\b", r):
            problems.append("malformed rule %r" % r)
    return problems
