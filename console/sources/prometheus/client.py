"""The Prometheus HTTP API v1 (instant and range queries), as Prometheus and VictoriaMetrics
speak it.

Standard library only (urllib): one short-lived request per query, a timeout on each, a cap on the
answer's size, and JSON that is checked before it is believed. Every failure is one
PrometheusError whose message is a Phrase (shown later in the reader's language): a server that
is down, slow or answers garbage must give the operator one clear reason, never a traceback.
"""

from __future__ import annotations

import ipaddress
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from operator import itemgetter

from console.i18n.catalogue import Phrase, translate

DEFAULT_TIMEOUT_S = 5.0
MAX_ANSWER_BYTES = 256 * 1024 * 1024  # 80,000 GPUs × a few series is far below this


_VECTOR_HEAD = '{"status":"success","data":{"resultType":"vector","result":['
_NUMBER = r"[-+0-9.eE]+"


def _layouts(second: str) -> tuple[re.Pattern, re.Pattern, bool]:
    """The compact cell of a vector grouped by (host, `second`) in each host spelling, and
    whether the lower-case one names `second` first. Labels come sorted ("Hostname" < "gpu" <
    "hostname" < "instance"), and a fixed layout reads ~4x faster than optional groups."""
    value = r'\},"value":\[' + _NUMBER + r',"([^"\\]*)"\]\}'
    head, pair = r'\{"metric":\{', r'"{}":"([^"\\]*)"'
    upper = re.compile(head + pair.format("Hostname") + "," + pair.format(second) + value)
    swapped = second < "hostname"
    lower = (pair.format(second) + "," + pair.format("hostname") if swapped
             else pair.format("hostname") + "," + pair.format(second))
    return upper, re.compile(head + lower + value), swapped


_LAYOUTS = {label: _layouts(label) for label in ("gpu", "instance")}
# a cell's end, its value captured: splitting an answer on it leaves the labels (the skeleton)
_VALUE_TAIL = re.compile(r'\},"value":\[' + _NUMBER + r',"([^"\\]*)"\]\}')
SKELETONS_KEPT = 64  # answers whose layout is remembered (the source asks about a dozen)
_CELL = re.compile(
    r'\{"metric":\{(?:"Hostname":"([^"\\]*)",?)?(?:"gpu":"([^"\\]*)",?)?'
    r'(?:"hostname":"([^"\\]*)")?\},"value":\[' + _NUMBER + r',"([^"\\]*)"\]\}'
)
Columns = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # hosts, GPUs, value texts


def as_columns(found: list[tuple[str, str, str]]) -> Columns:
    """Triples → columns; itemgetter maps in C, ~8x faster than zip(*found) at 16,000."""
    return tuple(tuple(map(itemgetter(k), found)) for k in range(3))  # type: ignore[return-value]


class PrometheusError(Exception):
    """The server could not be asked or its answer could not be used; args[0] is a Phrase."""


@dataclass(frozen=True, slots=True)
class Series:
    """One series of an instant vector: its labels (with __name__ when kept), time and value."""

    labels: dict[str, str]
    t: float
    value: float


def normalise_url(url: str) -> str:
    """'localhost:9090' and 'http://host:9090/' both become 'http://host:9090'."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return url.rstrip("/")


def is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class PrometheusClient:
    def __init__(
        self, url: str, timeout_s: float = DEFAULT_TIMEOUT_S, max_bytes: int = MAX_ANSWER_BYTES,
        compress: bool | None = None,
    ) -> None:
        self.url = normalise_url(url)
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        # gzip: a per-GPU answer shrinks ~30x (1.2 MB → 40 kB at 16,000 GPUs), which a real
        # network needs; on loopback it only costs both sides CPU (measured slower), so not there
        self.compress = not is_loopback(self.url) if compress is None else compress
        # (query, second) → (skeleton, parts, hosts, seconds) of its last fully read answer
        self._skeletons: dict[tuple[str, str], tuple[str, int, tuple, tuple]] = {}

    # -- queries ------------------------------------------------------------------------------

    def instant_cells(self, query: str) -> list[tuple[str, str, str]]:
        """instant_columns as (host, gpu, value text) triples."""
        return list(zip(*self.instant_columns(query), strict=True))

    def instant_columns(self, query: str, second: str = "gpu") -> Columns:
        """A vector grouped by (Hostname, hostname, `second`) as three columns: hosts,
        `second`'s values, value texts. The hot path of a refresh (16,000 series a metric at
        2,000 nodes): Prometheus and VictoriaMetrics write these answers compactly with sorted
        labels, so regular expressions read them, and columns (zip, in C) leave the decoder no
        loop per GPU; any answer they do not fully account for (escapes, other labels, another
        server's layout) goes through the JSON decoder instead."""
        body = self._body("/api/v1/query", {"query": query})
        text = body.decode("utf-8", "replace")
        if text.startswith(_VECTOR_HEAD):
            # refresh after refresh the server names the same series in the same order: then
            # the text less its values is the last answer's, and only the values are new
            # (one split in C, ~2.5x less CPU than reading every cell's labels again)
            parts = _VALUE_TAIL.split(text)
            skeleton, key = "".join(parts[0::2]), (query, second)
            known = self._skeletons.get(key)
            if known is not None and known[1] == len(parts) and known[0] == skeleton:
                return known[2], known[3], tuple(parts[1::2])
            columns, in_order = _read_cells(text, second)
            if columns is not None:
                if in_order:  # the values of a split come in the text's order
                    if len(self._skeletons) >= SKELETONS_KEPT:
                        self._skeletons.clear()
                    self._skeletons[key] = (skeleton, len(parts), columns[0], columns[1])
                return columns
        data = self._decode(body)
        if data.get("resultType") != "vector" or not isinstance(data.get("result"), list):
            raise PrometheusError(
                translate("Prometheus", "{url} answered a {kind} where a vector was expected")
                .fill(url=self.url, kind=str(data.get("resultType"))[:40])
            )
        out = []
        for item in data["result"]:
            try:
                labels, value = item["metric"], item["value"][1]
                out.append((labels.get("Hostname") or labels["hostname"], labels[second], value))
            except (KeyError, TypeError, IndexError, AttributeError):
                continue
        return as_columns(out)

    def instant(self, query: str, at: float | None = None) -> list[Series]:
        params = {"query": query}
        if at is not None:
            params["time"] = f"{at:.3f}"
        data = self._get("/api/v1/query", params)
        kind, result = data.get("resultType"), data.get("result")
        if kind == "scalar" and isinstance(result, list):
            value = _value(result)
            return [] if value is None else [Series({}, *value)]
        if kind != "vector" or not isinstance(result, list):
            raise PrometheusError(
                translate("Prometheus", "{url} answered a {kind} where a vector was expected")
                .fill(url=self.url, kind=str(kind)[:40])
            )
        out = []
        for item in result:
            if not isinstance(item, dict):
                continue
            labels, value = item.get("metric"), _value(item.get("value"))
            if isinstance(labels, dict) and value is not None:
                out.append(Series({str(k): str(v) for k, v in labels.items()}, *value))
        return out

    def range(
        self, query: str, start: float, end: float, step_s: float
    ) -> list[tuple[dict[str, str], list[tuple[float, float]]]]:
        """A range query: per series its labels and (t, value) points, garbage points dropped."""
        params = {"query": query, "start": f"{start:.3f}", "end": f"{end:.3f}",
                  "step": f"{max(step_s, 0.001):g}"}
        data = self._decode(self._body("/api/v1/query_range", params, post=True))
        if data.get("resultType") != "matrix" or not isinstance(data.get("result"), list):
            raise PrometheusError(
                translate("Prometheus", "{url} answered a {kind} where a matrix was expected")
                .fill(url=self.url, kind=str(data.get("resultType"))[:40])
            )
        out = []
        for item in data["result"]:
            if not isinstance(item, dict) or not isinstance(item.get("values"), list):
                continue
            points = [p for p in map(_value, item["values"]) if p is not None]
            labels = item.get("metric")
            if isinstance(labels, dict):
                out.append(({str(k): str(v) for k, v in labels.items()}, points))
        return out

    # -- transport ----------------------------------------------------------------------------

    def _get(self, path: str, params: dict[str, str]) -> dict:
        return self._decode(self._body(path, params))

    def _body(self, path: str, params: dict[str, str], post: bool = False) -> bytes:
        """The answer's bytes. `post`: the query in a form body (the API takes both), for
        queries that name a sector's nodes and would not fit in a URL."""
        form = urllib.parse.urlencode(params)
        headers = {"Accept": "application/json"}
        if self.compress:
            headers["Accept-Encoding"] = "gzip"
        if post:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            request = urllib.request.Request(f"{self.url}{path}", data=form.encode(),
                                             headers=headers, method="POST")
        else:
            request = urllib.request.Request(f"{self.url}{path}?{form}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as answer:
                body = answer.read(self.max_bytes + 1)
                if answer.headers.get("Content-Encoding", "").lower() == "gzip":
                    body = self._gunzip(body)
        except urllib.error.HTTPError as exc:
            body = _read_error_body(exc)
            if body is None:
                raise PrometheusError(self._phrase_http(exc.code)) from None
        except TimeoutError:
            raise PrometheusError(
                translate("Prometheus", "{url} did not answer within {seconds:g} s")
                .fill(url=self.url, seconds=self.timeout_s)
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise PrometheusError(
                    translate("Prometheus", "{url} did not answer within {seconds:g} s")
                    .fill(url=self.url, seconds=self.timeout_s)
                ) from None
            raise PrometheusError(
                translate("Prometheus", "cannot reach Prometheus at {url}: {reason}")
                .fill(url=self.url, reason=str(reason)[:200])
            ) from None
        if len(body) > self.max_bytes:
            raise PrometheusError(
                translate("Prometheus", "{url} answered more than {mib} MiB; refusing it")
                .fill(url=self.url, mib=self.max_bytes // (1024 * 1024))
            )
        return body

    def _gunzip(self, body: bytes) -> bytes:
        """A gzip answer, inflated no further than the size cap (a small answer must not
        become gigabytes)."""
        inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            return inflate.decompress(body, self.max_bytes + 1)
        except zlib.error:
            raise PrometheusError(
                translate("Prometheus", "{url} answered something that is not JSON (not a "
                          "Prometheus query API?)").fill(url=self.url)
            ) from None

    def _decode(self, body: bytes) -> dict:
        try:
            doc = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise PrometheusError(
                translate("Prometheus", "{url} answered something that is not JSON (not a "
                          "Prometheus query API?)").fill(url=self.url)
            ) from None
        if not isinstance(doc, dict):
            raise PrometheusError(self._phrase_shape())
        if doc.get("status") != "success":
            error = str(doc.get("error") or doc.get("errorType") or "?")[:300]
            raise PrometheusError(
                translate("Prometheus", "{url} refused the query: {error}")
                .fill(url=self.url, error=error)
            )
        data = doc.get("data")
        if not isinstance(data, dict):
            raise PrometheusError(self._phrase_shape())
        return data

    def _phrase_shape(self) -> Phrase:
        return translate("Prometheus", "{url} answered JSON of an unknown shape").fill(
            url=self.url
        )

    def _phrase_http(self, code: int) -> Phrase:
        return translate("Prometheus", "{url} answered HTTP {code}").fill(url=self.url, code=code)


def _read_cells(text: str, second: str) -> tuple[Columns | None, bool]:
    """Every cell of a compact vector answer by the layouts' regular expressions (None when
    they do not account for every cell: the JSON decoder reads it then), and whether the
    columns are in the text's order."""
    total = text.count('"metric":')
    upper, lower, swapped = _LAYOUTS[second]
    found = upper.findall(text)
    if len(found) == total:
        return as_columns(found), True
    more = lower.findall(text)
    if swapped:
        more = [(h, g, v) for g, h, v in more]
    if not found and len(more) == total:
        return as_columns(more), True
    if second == "gpu":  # both spellings: one pass, in order
        cells = _CELL.findall(text)
        if len(cells) == total:
            return as_columns([(h or low, g, v) for h, g, low, v in cells]), True
    if len(found) + len(more) == total:
        return as_columns(found + more), False
    return None, False


def _read_error_body(exc: urllib.error.HTTPError) -> bytes | None:
    """Prometheus answers a bad query with 400 and a JSON error: keep that body to say why."""
    if exc.code not in (400, 422, 503):
        return None
    try:
        body = exc.read(64 * 1024)
        if (exc.headers or {}).get("Content-Encoding", "").lower() == "gzip":
            body = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(body, 64 * 1024)
    except (OSError, zlib.error):
        return None
    return body if body.lstrip().startswith(b"{") else None


def _value(pair: object) -> tuple[float, float] | None:
    """[t, "value"] → (t, value); None for anything else (NaN values stay NaN)."""
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        return None
    try:
        return float(pair[0]), float(pair[1])
    except (TypeError, ValueError):
        return None
