#!/usr/bin/env python3
"""Fails when the engine's modules import each other in a circle (src/, `use crate::<module>`).

A module is a top-level file or folder of src/ (src/wire/ is one module). The C ABI (src/ffi/)
sits on top of the engine and may use any of it; nothing in the engine may use it back, except
the test-only `fuzzing` module.
"""
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parents[2] / "src"
USE = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")


def module_of(path: pathlib.Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def graph() -> dict:
    edges: dict = {}
    for path in sorted(SRC.rglob("*.rs")):
        module = module_of(path)
        if module in ("lib", "main"):
            continue
        # Tests may reach anywhere: drop everything from the first test module on.
        text = path.read_text().split("#[cfg(test)]", 1)[0]
        # Comments may name modules without using them.
        code = "\n".join(line.split("//", 1)[0] for line in text.splitlines())
        for used in USE.findall(code):
            if used != module:
                edges.setdefault(module, set()).add(used)
    return edges


def cycle(edges: dict):
    """A cycle as a list of modules, or None (depth-first search)."""
    state: dict = {}
    stack: list = []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for n in sorted(edges.get(m, ())):
            if state.get(n) == "open":
                return stack[stack.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        state[m] = "done"
        return None

    for m in sorted(edges):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def main() -> int:
    edges = graph()
    found = cycle(edges)
    if found:
        print("module-cycles: circular imports in src/: " + " -> ".join(found), file=sys.stderr)
        return 1
    upward = sorted(m for m, used in edges.items() if "ffi" in used and m not in ("ffi", "fuzzing"))
    if upward:
        print(f"module-cycles: engine modules use the C ABI: {upward}", file=sys.stderr)
        return 1
    print(f"module-cycles: {len(edges)} modules of src/, no circular imports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
