"""Line numbers for a TOML text: tomllib parses values but keeps no positions, and a fleet-file
error must name the line."""

from __future__ import annotations

import bisect
import contextlib
import re
import tomllib


class TomlPositions:
    """Where each table, key and array element of a TOML text starts (tomllib keeps none).

    Runs only on text tomllib accepted, so it can skip values loosely. Paths are tuples of keys
    and array indices, as in ("nodes", 3, "sector"); `line` falls back to the nearest parent.
    """

    _SCALAR = re.compile(r"[^,\]}\n#]*")
    _BARE = re.compile(r"[A-Za-z0-9_-]+")

    def __init__(self, text: str) -> None:
        self._text = text
        self._i = 0
        self._last = -1
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._offsets: dict[tuple, int] = {}
        # a construct this scanner skips wrongly costs positions, never the load
        with contextlib.suppress(IndexError, ValueError, AttributeError):
            self._scan()

    def line(self, path: tuple) -> int | None:
        while path:
            offset = self._offsets.get(path)
            if offset is not None:
                return bisect.bisect_left(self._newlines, offset) + 1
            path = path[:-1]
        return None

    def _scan(self) -> None:
        t = self._text
        table: tuple = ()
        arrays: dict[tuple, int] = {}  # array-of-tables path → index of its latest table
        while True:
            self._skip(newlines=True)
            if self._i >= len(t):
                return
            start = self._i
            self._progress(start)
            if t.startswith("[[", start):
                self._i += 2
                keys = self._key()
                path = (*self._resolve(keys[:-1], arrays), keys[-1])
                arrays[path] = arrays.get(path, -1) + 1
                table = (*path, arrays[path])
                self._mark(table, start)
                self._i = t.index("]]", self._i) + 2
            elif t[start] == "[":
                self._i += 1
                table = self._resolve(self._key(), arrays)
                self._mark(table, start)
                self._i = t.index("]", self._i) + 1
            else:
                self._key_value(table)

    def _progress(self, position: int) -> None:
        """Stop rather than spin if text this scanner misreads leaves it stuck in one place."""
        if position == self._last:
            raise ValueError("the position scanner is stuck")
        self._last = position

    def _resolve(self, keys: list[str], arrays: dict[tuple, int]) -> tuple:
        path: tuple = ()
        for k in keys:
            path = (*path, k)
            if path in arrays:
                path = (*path, arrays[path])
        return path

    def _mark(self, path: tuple, offset: int) -> None:
        """Remember where `path` and each of its parents first appear."""
        for n in range(1, len(path) + 1):
            self._offsets.setdefault(path[:n], offset)

    def _key_value(self, table: tuple) -> None:
        start = self._i
        keys = self._key()
        self._mark((*table, *keys), start)
        self._skip()
        self._i += 1  # "="
        self._value((*table, *keys))

    def _skip(self, newlines: bool = False) -> None:
        t, blanks = self._text, " \t\r\n" if newlines else " \t"
        while self._i < len(t):
            if t[self._i] in blanks:
                self._i += 1
            elif t[self._i] == "#":
                end = t.find("\n", self._i)
                self._i = len(t) if end < 0 else end
            else:
                return

    def _key(self) -> list[str]:
        keys: list[str] = []
        while True:
            self._skip()
            if self._text[self._i] in "\"'":
                keys.append(self._string())
            else:
                m = self._BARE.match(self._text, self._i)
                keys.append(m.group())
                self._i = m.end()
            self._skip()
            if self._text[self._i] != ".":
                return keys
            self._i += 1

    def _string(self) -> str:
        t, quote = self._text, self._text[self._i]
        if t.startswith(quote * 3, self._i):
            return self._multiline_string(quote)
        j = self._i + 1
        while t[j] != quote:
            j += 2 if quote == '"' and t[j] == "\\" else 1
        raw, self._i = t[self._i + 1 : j], j + 1
        if quote == '"' and "\\" in raw:
            try:
                return tomllib.loads(f'k = "{raw}"')["k"]
            except tomllib.TOMLDecodeError:
                return raw
        return raw

    def _multiline_string(self, quote: str) -> str:
        t, j = self._text, self._i + 3
        while True:
            k = t.index(quote * 3, j)
            backslashes = 0
            while quote == '"' and t[k - 1 - backslashes] == "\\":
                backslashes += 1
            if backslashes % 2:
                j = k + 1
                continue
            end = k + 3
            while end < len(t) and t[end] == quote and end - k < 5:  # """a"""" ends in a quote
                end += 1
            self._i = end
            return ""

    def _value(self, path: tuple) -> None:
        t = self._text
        self._skip()
        c = t[self._i]
        if c in "\"'":
            self._string()
        elif c in "[{":
            self._i += 1
            n = 0
            while True:
                self._skip(newlines=True)
                self._progress(self._i)
                if t[self._i] in "]}":
                    self._i += 1
                    return
                if c == "[":
                    self._mark((*path, n), self._i)
                    self._value((*path, n))
                    n += 1
                else:
                    self._key_value(path)
                self._skip(newlines=True)
                if t[self._i] == ",":
                    self._i += 1
        else:
            self._i = self._SCALAR.match(t, self._i).end()
