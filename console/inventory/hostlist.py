"""Slurm host lists: "gpu[1-2],dgx[01-02]" → gpu1 gpu2 dgx01 dgx02, as `scontrol show hostnames`.

Follows Slurm's hostlist.c (tests/unit/inventory/test_hostlist.py checks a corpus against the real
scontrol):
- commas and whitespace outside brackets separate names; empty items are dropped;
- a bracket holds a comma list of numbers and lo-hi ranges; the width of `lo` sets zero padding
  (`[001-3]` → 001 002 003, `[1-003]` → 1 2 3); `lo-` means lo alone, as in Slurm;
- several brackets in one name multiply in Slurm's order: the last bracket varies fastest, then
  the first, second, … (`n[1-2]m[1-2]o[1-2]` → n1m1o1 n1m1o2 n2m1o1 …); text may sit before and
  between brackets but not after the last one (Slurm refuses `n[1-2].ib`);
- refused like Slurm: steps (`1-10:2`), boxes (`1x2`), backwards or negative ranges, empty items
  inside brackets, more than 65,536 names in one range.
Stricter than Slurm, which accepts these and prints odd names: unbalanced or nested brackets
(Slurm prints `n]` for `n[1-2`), bounds that are not plain digits (`[ 1-2]`, `[+1-2]` and
`[1a-2]` give n01 n02 there), numbers beyond 64 bits (Slurm clamps them), and more than
MAX_NAMES names in all (a typo must not eat the memory).
"""

from __future__ import annotations

from math import prod

MAX_NAMES = 100_000  # far above any centre; stops "a[1-60000]b[1-60000]" eating memory
MAX_RANGE = 65_536  # Slurm's MAX_RANGE: names in one lo-hi range
_SEPARATORS = ", \t\n\r"
_ULONG_MAX = 2**64 - 1


class HostlistError(ValueError):
    """A host list Slurm would not expand the same way; the message quotes the expression."""


def expand_hostlist(expr: str) -> list[str]:
    """Every host name in `expr`, in Slurm's order, duplicates kept. Raises HostlistError."""
    names: list[str] = []
    for token in _tokens(expr):
        literals, groups = _parse_token(token, expr)
        count = prod(len(g) for g in groups)
        if len(names) + count > MAX_NAMES:
            raise HostlistError(f"{expr!r} expands to more than {MAX_NAMES:,} names")
        if not groups:
            names.append(token)
        else:
            names.extend(_ordered(literals[:-1], groups[:-1], groups[-1]))
    return names


def _tokens(expr: str) -> list[str]:
    """Split on separators outside brackets, checking that brackets pair up and do not nest."""
    tokens: list[str] = []
    start, depth = 0, 0
    for i, char in enumerate(expr):
        if char == "[":
            if depth:
                raise HostlistError(f"brackets inside brackets in {expr!r} (column {i + 1})")
            depth = 1
        elif char == "]":
            if not depth:
                raise HostlistError(f"']' without '[' in {expr!r} (column {i + 1})")
            depth = 0
        elif char in _SEPARATORS and not depth:
            tokens.append(expr[start:i])
            start = i + 1
    if depth:
        raise HostlistError(f"'[' is never closed in {expr!r}")
    tokens.append(expr[start:])
    return [t for t in tokens if t]


def _parse_token(token: str, expr: str) -> tuple[list[str], list[list[str]]]:
    """`a[1-2]b[3]` → literals ["a", "b", ""], groups [["1", "2"], ["3"]]."""
    literals: list[str] = []
    groups: list[list[str]] = []
    rest = token
    while "[" in rest:
        head, _, rest = rest.partition("[")
        spec, _, rest = rest.partition("]")
        literals.append(head)
        groups.append(_expand_group(spec, expr))
    literals.append(rest)
    if groups and rest:
        raise HostlistError(
            f"text {rest!r} after the last ']' in {expr!r}: Slurm allows text only before "
            "and between brackets"
        )
    return literals, groups


def _expand_group(spec: str, expr: str) -> list[str]:
    values: list[str] = []
    for item in spec.split(","):
        low_text, _, high_text = item.partition("-")
        where = f"[{spec}] in {expr!r}"
        if not item:
            raise HostlistError(f"empty item in {where}")
        if ":" in item:
            raise HostlistError(f"{item!r} in {where}: Slurm host lists have no step (':')")
        if "x" in item.lower():
            raise HostlistError(f"{item!r} in {where}: boxes (AxB) are not host ranges")
        if not low_text.isdecimal() or not (high_text.isdecimal() or not high_text):
            raise HostlistError(f"bad range {item!r} in {where}: expected numbers like 001-128")
        # isdecimal() admits other scripts' digits; Slurm reads ASCII only
        if not (low_text + high_text).isascii():
            raise HostlistError(f"bad range {item!r} in {where}: expected ASCII digits")
        low = int(low_text)
        high = int(high_text) if high_text else low
        if high > _ULONG_MAX:
            raise HostlistError(f"{item!r} in {where}: number too large")
        if high < low:
            raise HostlistError(f"range {item!r} in {where} goes backwards")
        if high - low + 1 > MAX_RANGE:
            raise HostlistError(f"range {item!r} in {where} has more than {MAX_RANGE:,} names")
        width = len(low_text)
        values.extend(f"{n:0{width}d}" for n in range(low, high + 1))
    return values


def _ordered(literals: list[str], groups: list[list[str]], last: list[str]) -> list[str]:
    """Slurm's hostlist.c order: the last bracket fastest, then the others from the left.

    `literals` surround `groups` (one more literal than groups); `last` is the final bracket.
    Slurm substitutes the rightmost of the other brackets first and recurses leftwards, so the
    leftmost varies fastest after `last`.
    """
    if not groups:
        return [literals[0] + value for value in last]
    out: list[str] = []
    for value in groups[-1]:
        merged = [*literals[:-2], literals[-2] + value + literals[-1]]
        out.extend(_ordered(merged, groups[:-1], last))
    return out
