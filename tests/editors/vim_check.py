#!/usr/bin/env python3
"""vim_check.py PIPEC VIMDIR FILE...

Opens each .pipe FILE in Vim (headless, no user configuration) with VIMDIR
(editors/vim) first on 'runtimepath', checks that ftdetect made it a `pipe`
buffer, and compares every token pipec's scanner reads (`PIPEC debug tokens
--format json`) with the syntax group Vim gives each of its bytes:
keyword -> pipeKeyword/pipeOperatorWord/pipeConstant, string ->
pipeString/pipeSingleQuoted (or an interpolation or escape inside it),
number -> pipeNumber/pipeDuration, duration -> pipeDuration, comment ->
pipeComment/pipeTodo, quoted-name -> pipeQuotedName; a name or punctuation
gets none of those.  Prints ok/not ok per file.
"""
import bisect
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
KEYWORD = {"pipeKeyword", "pipeOperatorWord", "pipeConstant"}
STRING = {"pipeString", "pipeSingleQuoted", "pipeInterpolation", "pipeEscape"}
NUMBER = {"pipeNumber", "pipeDuration"}
COMMENT = {"pipeComment", "pipeTodo"}
WANT = {
    "keyword": lambda g: g in KEYWORD,
    "string": lambda g: g in STRING,
    "number": lambda g: g in NUMBER,
    "duration": lambda g: g == "pipeDuration",
    "comment": lambda g: g in COMMENT,
    "quoted-name": lambda g: g == "pipeQuotedName",
    "name": lambda g: g not in KEYWORD | STRING | NUMBER | COMMENT | {"pipeQuotedName"},
    "punct": lambda g: g not in KEYWORD | STRING | NUMBER | COMMENT | {"pipeQuotedName"},
}


def vim_groups(vimdir, path, tmp):
    dump = os.path.join(tmp, "dump")
    env = dict(os.environ, VIM_DUMP=dump, HOME=tmp)
    subprocess.run(["vim", "-Es", "-N", "-u", "NONE", "-i", "NONE",
                    "--cmd", "set rtp^=" + vimdir,
                    "-c", "filetype on", "-c", "syntax on", "-c", "edit " + path,
                    "-S", os.path.join(HERE, "vim_dump.vim"), "-c", "qa!"],
                   env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120, check=False)
    with open(dump, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    groups = {}
    for line in lines[1:]:
        l, c, g = line.split(" ", 2)
        groups[(int(l), int(c))] = g
    return lines[0].split(" ", 1)[1] if lines else "", groups


def main():
    pipec, vimdir, files = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3:]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            data = open(path, "rb").read()
            starts = [0] + [i + 1 for i, b in enumerate(data) if b == 10]
            r = subprocess.run([pipec, "debug", "tokens", "--format", "json", path],
                               capture_output=True, check=False)
            if r.returncode not in (0, 1):
                print(f"not ok {path}\n# pipec debug tokens failed")
                failed += 1
                continue
            tokens = json.loads(r.stdout)[0]["tokens"]
            ft, groups = vim_groups(vimdir, os.path.abspath(path), tmp)
            bad = [] if ft == "pipe" else [f"filetype is '{ft}', not 'pipe'"]
            for t in tokens:
                for off in range(t["start"], t["end"]):
                    line = bisect.bisect_right(starts, off) - 1
                    g = groups.get((line + 1, off - starts[line] + 1), "-")
                    if not WANT[t["kind"]](g):
                        text = data[t["start"]:t["end"]].decode("utf-8", "replace")
                        bad.append(f"{t['line']}:{t['column']} {t['kind']} {text!r}: "
                                   f"byte {off - t['start']} is {g}")
                        break
            if bad:
                failed += 1
                print(f"not ok {path}")
                for b in bad[:8]:
                    print(f"# {b}")
            else:
                print(f"ok {path} ({len(tokens)} tokens)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
