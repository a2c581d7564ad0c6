"""Rewriting one section of the benchmark report (BENCHMARKS.md) in place: what each part's
`--only` run does (P8 launch.py, P9 signing.py, P10 signin.py)."""

from pathlib import Path


def splice(path, heading, lines):
    """Replaces the section of the report at `path` whose title starts with `heading` with
    `lines` (or inserts it before "## Goals", or at the end), leaving every other section as it
    is."""
    path = Path(path)
    text = path.read_text().splitlines() if path.exists() else ["# Benchmarks", ""]
    start = next((i for i, l in enumerate(text) if l.startswith(heading)), None)
    if start is not None:
        end = next((i for i in range(start + 1, len(text)) if text[i].startswith("## ")), len(text))
    else:
        start = end = next((i for i, l in enumerate(text) if l.startswith("## Goals")), len(text))
    block = list(lines)
    if block and block[-1] != "":
        block.append("")
    path.write_text("\n".join(text[:start] + block + text[end:]).rstrip("\n") + "\n")
