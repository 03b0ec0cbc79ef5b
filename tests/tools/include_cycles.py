#!/usr/bin/env python3
"""Include cycles between pipec's C modules.

Usage: include_cycles.py [ROOT]

A module is a file stem under compiler/ and runtime/: x.c and x.h are
module x, and so is x_internal.h, the private header of x's own files
(runtime/aws_internal.h is module aws); any other header alone is a module
too.  Module x
depends on y when x.c or x.h has `#include "y.h"` and y is not x.  Every
elementary cycle of that graph is printed, one per line.  Exit status 1
when a cycle is not in ALLOWED (or an entry of ALLOWED no longer is a
cycle, so that the list only shrinks), else 0.
"""

import os
import re
import sys

DIRS = ("compiler", "runtime")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)\.h"', re.M)
# Cycles enumerated at most; past it the output says so and the run fails.
MAX_CYCLES = 1000

# Known cycles, each the set of its modules; a cycle is allowed when all of
# its modules are in one entry.  Empty, and meant to stay so: an entry is a
# debt with the reason it cannot be paid yet.
ALLOWED = [
]


def module_of(stem):
    """The module a file stem belongs to: x_internal is part of x."""
    return stem[:-len("_internal")] if stem.endswith("_internal") else stem


def module_graph(root):
    """{module: set of modules it includes}, over DIRS of root."""
    graph = {}
    for d in DIRS:
        top = os.path.join(root, d)
        if not os.path.isdir(top):
            continue
        for name in sorted(os.listdir(top)):
            stem, ext = os.path.splitext(name)
            if ext not in (".c", ".h"):
                continue
            stem = module_of(stem)
            with open(os.path.join(top, name), encoding="utf-8",
                      errors="replace") as f:
                text = f.read()
            deps = graph.setdefault(stem, set())
            deps.update(m for m in map(module_of, INCLUDE.findall(text))
                        if m != stem)
    # headers from elsewhere (generated, system) cannot close a cycle here
    for deps in graph.values():
        deps.intersection_update(graph)
    return graph


def cycles(graph):
    """Every elementary cycle, each starting at its smallest module, sorted."""
    found = []
    order = sorted(graph)
    rank = {m: i for i, m in enumerate(order)}
    for start in order:
        # paths from start through modules ranked above it, back to start
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        on_path = {start}
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                on_path.discard(path.pop())
                continue
            if nxt == start:
                found.append(list(path))
                if len(found) > MAX_CYCLES:
                    return found
            elif rank[nxt] > rank[start] and nxt not in on_path:
                stack.append((nxt, iter(sorted(graph[nxt]))))
                path.append(nxt)
                on_path.add(nxt)
    return sorted(found)


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    graph = module_graph(root)
    if not graph:
        print("include_cycles: no modules under %s" % root, file=sys.stderr)
        return 2
    found = cycles(graph)
    bad = 0
    used = set()
    for cyc in found[:MAX_CYCLES]:
        allowed = [i for i, a in enumerate(ALLOWED) if set(cyc) <= a]
        used.update(allowed)
        bad += not allowed
        print("%scycle: %s" % ("known " if allowed else "",
                               " -> ".join(cyc + [cyc[0]])))
    if len(found) > MAX_CYCLES:
        print("more than %d cycles; stopped counting" % MAX_CYCLES)
        bad += 1
    for i, a in enumerate(ALLOWED):
        # (a tree without those modules, like a self-test's, says nothing)
        if i not in used and a & set(graph):
            print("allowed cycle %s is gone: remove it from ALLOWED"
                  % " <-> ".join(sorted(a)))
            bad += 1
    print("%d modules, %d cycles, %d not allowed"
          % (len(graph), len(found), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
