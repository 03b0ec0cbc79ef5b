#!/usr/bin/env python3
"""Functions of pipec's C sources longer than the house limit.

Usage: func_length.py [--max N] [ROOT]
       func_length.py --self-test

A function is a top-level definition: its first line starts at column 0,
its head ends in `)` (no `=` outside parentheses, so a table's initializer
is none) and its body runs from that `{` to the matching `}`, which the
house style puts at column 0.  Its length counts every line from the first
line of the head to the closing `}`.  Comments, string and character
literals and preprocessor lines are blanked before braces are counted, so a
`}` inside one of them ends nothing.

Every function of compiler/*.c and runtime/*.c longer than N lines (150
unless told) is printed as `file:line name length`.  Exit status 1 when
there is one, 2 when no C file was found, else 0.

--self-test runs the scanner on small inline C samples with known answers
and prints `ok NAME` / `not ok NAME`, exit status 1 on any failure, so the
real check cannot pass only because the scanner stopped seeing functions.
"""

import os
import re
import sys

DIRS = ("compiler", "runtime")
MAX_LINES = 150

IDENT = re.compile(r"([A-Za-z_]\w*)\s*\(")
# identifiers that may stand before a `(` in a head without naming it
NOT_NAMES = frozenset((
    "__attribute__", "__declspec", "void", "char", "short", "int", "long",
    "float", "double", "signed", "unsigned", "const", "volatile", "static",
    "inline", "extern", "struct", "union", "enum", "_Noreturn",
))


def blank_code(text):
    """text with comments, literals and preprocessor lines blanked.

    Every character that is not code becomes a space and every newline is
    kept, so line numbers and columns of what is left do not move."""
    out = []
    i, n = 0, len(text)
    at_line_start = True    # only whitespace so far on this line
    while i < n:
        ch = text[i]
        if ch == "\n":
            out.append(ch)
            at_line_start = True
            i += 1
            continue
        if at_line_start and ch == "#":
            # a directive runs to an unescaped newline; comments inside it
            # cannot hide that newline in practice, so they are not parsed
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                out.append(" ")
                i += 1
            continue
        if ch.isspace():
            out.append(ch)
            i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif ch in "\"'":
            j = i + 1
            while j < n and text[j] != ch and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(ch + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + ch)
            i = j
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def head_is_function(head):
    """Whether the text before a top-level `{` is a function's head."""
    head = head.strip()
    if not head.endswith(")"):
        return False
    depth = 0
    for ch in head:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "=" and depth == 0:
            return False
    return True


def head_name(head):
    """The declared name: the first identifier a `(` follows that is not a
    type word or an attribute."""
    for m in IDENT.finditer(head):
        if m.group(1) not in NOT_NAMES:
            return m.group(1)
    return "?"


def functions(text):
    """[(line, name, length)] of the top-level function definitions."""
    code = blank_code(text)
    found = []
    depth = 0
    head_start = 0          # offset where the current top-level head begins
    open_at = None          # (first line, name) of the function being read
    line = 1
    for i, ch in enumerate(code):
        if ch == "\n":
            line += 1
        elif ch == "{":
            if depth == 0:
                head = code[head_start:i]
                if head_is_function(head):
                    lead = len(head) - len(head.lstrip())
                    first = line - head[lead:].count("\n")
                    open_at = (first, head_name(head))
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                if open_at is not None:
                    found.append((open_at[0], open_at[1],
                                  line - open_at[0] + 1))
                    open_at = None
                head_start = i + 1
            elif depth < 0:
                depth = 0   # unbalanced text: resynchronise at top level
                head_start = i + 1
        elif ch == ";" and depth == 0:
            head_start = i + 1
    return found


def too_long(root, limit):
    """[(path, line, name, length)] over limit, and how many files were read."""
    over = []
    files = 0
    for d in DIRS:
        top = os.path.join(root, d)
        if not os.path.isdir(top):
            continue
        for name in sorted(os.listdir(top)):
            if not name.endswith(".c"):
                continue
            path = os.path.join(top, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            files += 1
            for line, fn, length in functions(text):
                if length > limit:
                    over.append((os.path.join(d, name), line, fn, length))
    return over, files


def sample_function(name, body_lines):
    """A function whose definition spans body_lines + 4 lines."""
    body = "".join("\tx += %d;\n" % i for i in range(body_lines))
    return "static int %s(int x)\n{\n%s\treturn x;\n}\n" % (name, body)


# A body whose braces in literals, comments and directives must not count:
# 16 lines from `int` to the last `}`.
TRICKY = r'''int
tricky(const char *s)
{
    /* } a closing brace in a block comment
       and { an opening one } */
    const char *a = "}}}", *b = "\"}\\";   // } in a line comment
    char c = '}', d = '{', e = '\'';
#define OPEN {
    if (s[0] == '{') {
        return a[0] + b[0];
    }
    struct { int v; } t = { c + d + e };
    return t.v;
    /* "} */
    /* '} */
}
'''

TABLE = """static const struct entry table[] = {
    { "a", f },
    { "b", g },
};
struct pair { int a, b; };
"""


def self_test():
    """Check the scanner on inline samples; 0 when every case passes."""
    cases = []

    def case(name, got, want):
        cases.append((name, got == want, got, want))

    under = sample_function("under", MAX_LINES - 4)      # exactly the limit
    over = sample_function("over", MAX_LINES - 3)        # one line more
    text = "/* file */\n#include <x.h>\n\n" + under + "\n" + over
    found = functions(text)
    case("finds both sample functions", [f[1] for f in found],
         ["under", "over"])
    case("measures the function at the limit as 150 lines",
         [f[2] for f in found if f[1] == "under"], [MAX_LINES])
    case("measures the function past the limit as 151 lines",
         [f[2] for f in found if f[1] == "over"], [MAX_LINES + 1])
    case("starts a function at its first line",
         [f[0] for f in found], [4, 4 + MAX_LINES + 1])
    case("reports only the function past the limit",
         [f[1] for f in found if f[2] > MAX_LINES], ["over"])
    found = functions(TABLE + TRICKY + "\n" + TABLE)
    case("braces in strings, comments and directives do not count",
         found, [(6, "tricky", 16)])
    case("a table initializer or struct is no function",
         functions(TABLE), [])
    case("a prototype is no function",
         functions("int f(int);\nstatic void g(void);\n"), [])
    case("an attribute is not the name",
         [f[1] for f in functions(
             "__attribute__((noreturn)) void die(void)\n{\n\tfor (;;) ;\n}\n")],
         ["die"])

    bad = 0
    for name, good, got, want in cases:
        if good:
            print("ok func_length self-test: %s" % name)
        else:
            bad += 1
            print("not ok func_length self-test: %s" % name)
            print("# got %r, expected %r" % (got, want))
    return 1 if bad else 0


def main(argv):
    args = argv[1:]
    if args == ["--self-test"]:
        return self_test()
    limit = MAX_LINES
    if len(args) >= 2 and args[0] == "--max":
        limit = int(args[1])
        args = args[2:]
    if len(args) > 1 or (args and args[0].startswith("-")):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root = args[0] if args else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    over, files = too_long(root, limit)
    if not files:
        print("func_length: no C file under %s" % root, file=sys.stderr)
        return 2
    for path, line, name, length in over:
        print("%s:%d %s %d" % (path, line, name, length))
    print("%d files, %d functions over %d lines" % (files, len(over), limit))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
