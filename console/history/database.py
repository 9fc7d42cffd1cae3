"""The history database: SQLite (WAL) rollups at 1 min and 15 min, queried into DataFrames.

Three tables, all additive (a delta adds to a row, never replaces it, so a restarted console or
a frequent flush just accumulates):
- node_rollup(res, t, layout, data): one row per bucket with every node's sums as a float32 blob
  (NODE_FIELDS × nodes); 30 days of 15-min rows for 2,048 nodes are 2,880 rows, read in one go;
- usage(res, t, sector, org, model, alloc_s, live_s, used_s, busy_s, energy_j, energy_est_j,
  cpu_energy_j, used_node_s, used_user_s, used_job_s): per sector, organisation and GPU model,
  what accounting and reports read (a month is a few thousand rows);
- capacity(res, t, sector, entitled_s, span_s): entitlement and the seconds recorded.
Layouts (which node is which column) are stored once each in `layouts`.

Schema 2 added the energy columns, schema 3 the used GPU-seconds per charging rule (node
organisation, user map, job account); an older file is migrated in place when opened for writing
(ALTER TABLE … ADD COLUMN … DEFAULT 0: the old rows read 0), and a read-only reader of an older
file reads 0 for them.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import numpy as np
import pandas as pd

from console.fleet.model import SECTORS
from console.history.rollup import (
    ENERGY_FIELDS,
    MAX_FIELDS,
    NODE_FIELDS,
    RULE_FIELDS,
    USAGE_FIELDS,
    Layout,
    RollupDelta,
)

RESOLUTIONS = (60, 900)
# 1-min node rows for two days (about 75 kB a row at 2,048 nodes); 15-min rows for good
RETENTION_S = {60: 2 * 86400, 900: None}
SCHEMA_VERSION = 3

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS layouts (
    id INTEGER PRIMARY KEY, digest TEXT UNIQUE NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS node_rollup (
    res INTEGER NOT NULL, t INTEGER NOT NULL, layout INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (res, t, layout)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS usage (
    res INTEGER NOT NULL, t INTEGER NOT NULL, sector TEXT NOT NULL, org TEXT NOT NULL,
    model TEXT NOT NULL, alloc_s REAL NOT NULL, live_s REAL NOT NULL, used_s REAL NOT NULL,
    busy_s REAL NOT NULL, energy_j REAL NOT NULL DEFAULT 0, energy_est_j REAL NOT NULL DEFAULT 0,
    cpu_energy_j REAL NOT NULL DEFAULT 0, used_node_s REAL NOT NULL DEFAULT 0,
    used_user_s REAL NOT NULL DEFAULT 0, used_job_s REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (res, t, sector, org, model)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS organisations (
    id TEXT PRIMARY KEY, sector TEXT NOT NULL, name_ko TEXT NOT NULL, name_en TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS capacity (
    res INTEGER NOT NULL, t INTEGER NOT NULL, sector TEXT NOT NULL, entitled_s REAL NOT NULL,
    span_s REAL NOT NULL, PRIMARY KEY (res, t, sector)) WITHOUT ROWID;
"""


# every usage sum adds to the stored row: deltas for one bucket add up in any order
_USAGE_UPSERT = (
    f"INSERT INTO usage (res, t, sector, org, model, {', '.join(USAGE_FIELDS)}) "
    f"VALUES ({', '.join('?' * (5 + len(USAGE_FIELDS)))}) ON CONFLICT DO UPDATE SET "
    + ", ".join(f"{c} = {c} + excluded.{c}" for c in USAGE_FIELDS)
)


class HistoryError(Exception):
    """The history store cannot be opened or written (read-only dir, full disk, bad file)."""


def default_history_path(data_dir: Path) -> Path:
    return data_dir / "history.sqlite"


def _read_only(path: Path) -> sqlite3.Connection:
    """The file read-only; with no file or no tables yet (the writer's first connect made the
    file, its CREATE TABLEs have not run) an empty history in memory, so a reader sees an empty
    period rather than "no such table"."""
    if path.exists():
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        found = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'usage'").fetchone()
        if found:
            return con
        con.close()
    con = sqlite3.connect(":memory:")
    con.executescript(SCHEMA)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
    return con


def bucket(t: int, res: int) -> int:
    return t // res * res


class HistoryDB:
    """One connection; use it from one thread (the writer thread, or a query worker)."""

    def __init__(
        self,
        path: Path,
        readonly: bool = False,
        max_pages: int | None = None,
        missing_ok: bool = False,
    ) -> None:
        """`max_pages` caps the file (SQLite's max_page_count): a full disk, made on purpose.
        `missing_ok` (read-only): no file yet reads as an empty history, not an error (the
        console's own store before its writer's first write)."""
        self.path = path
        try:
            if readonly:
                if not path.exists() and not missing_ok:
                    raise HistoryError(f"{path}: no history here (run the console or `simulate`)")
                self.db = _read_only(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(path)
                self.db.execute("PRAGMA journal_mode=WAL")
                # WAL + NORMAL: a crash of the process loses nothing committed; only an OS crash
                # may lose the last commits
                self.db.execute("PRAGMA synchronous=NORMAL")
                if max_pages is not None:
                    self.db.execute(f"PRAGMA max_page_count={int(max_pages)}")
                self.db.executescript(SCHEMA)
                self.db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
                )
                self._migrate()
                self.db.commit()
            self._usage_columns = {
                row[1] for row in self.db.execute("PRAGMA table_info(usage)").fetchall()
            }
        except (sqlite3.Error, OSError) as exc:
            raise HistoryError(f"{path}: {exc}") from exc
        self._layout_ids: dict[str, int] = {}

    def _migrate(self) -> None:
        """Bring an older file up to SCHEMA_VERSION (CREATE IF NOT EXISTS left its tables)."""
        have = {row[1] for row in self.db.execute("PRAGMA table_info(usage)").fetchall()}
        for name in (*ENERGY_FIELDS, *RULE_FIELDS):
            if name not in have:
                self.db.execute(f"ALTER TABLE usage ADD COLUMN {name} REAL NOT NULL DEFAULT 0")
        self.db.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) < ?",
            (SCHEMA_VERSION, SCHEMA_VERSION),
        )

    def schema_version(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        self.db.close()

    # -- writing -----------------------------------------------------------------------------

    def _layout_id(self, layout: Layout) -> int:
        body = json.dumps(
            {
                "nodes": layout.nodes,
                "sectors": layout.sectors,
                "orgs": layout.orgs,
                "models": layout.models,
                "gpu_counts": layout.gpu_counts,
                "org_ids": layout.org_ids,
                "model_names": layout.model_names,
                "entitlements": layout.entitlements,
            },
            separators=(",", ":"),
        )
        known = self._layout_ids.get(body)
        if known is not None:
            return known
        import hashlib

        digest = hashlib.sha256(body.encode()).hexdigest()
        self.db.execute(
            "INSERT OR IGNORE INTO layouts (digest, body) VALUES (?, ?)", (digest, body)
        )
        (lid,) = self.db.execute("SELECT id FROM layouts WHERE digest = ?", (digest,)).fetchone()
        self._layout_ids[body] = lid
        return lid

    def write(self, deltas: list[RollupDelta], resolutions: tuple[int, ...] = RESOLUTIONS) -> None:
        """Add deltas to each resolution, in one transaction."""
        try:
            with self.db:
                for d in deltas:
                    self._write_one(d, resolutions)
        except sqlite3.Error as exc:
            raise HistoryError(f"{self.path}: {exc}") from exc

    def _write_one(self, d: RollupDelta, resolutions: tuple[int, ...]) -> None:
        lid = self._layout_id(d.layout)
        is_max = np.array([f in MAX_FIELDS for f in NODE_FIELDS])
        sector, org, model = d.layout.key_parts(d.usage_key)
        org_names = ("", *d.layout.org_ids)
        for res in resolutions:
            t = bucket(d.minute, res)
            row = self.db.execute(
                "SELECT data FROM node_rollup WHERE res=? AND t=? AND layout=?", (res, t, lid)
            ).fetchone()
            node = d.node.astype(np.float32)
            if row is not None:
                old = np.frombuffer(row[0], dtype=np.float32).reshape(node.shape)
                node = np.where(is_max[:, None], np.fmax(old, node), old + node)
            self.db.execute(
                "INSERT OR REPLACE INTO node_rollup VALUES (?, ?, ?, ?)",
                (res, t, lid, node.astype(np.float32).tobytes()),
            )
            self.db.executemany(
                _USAGE_UPSERT,
                [
                    (
                        res,
                        t,
                        SECTORS[sector[i]].value,
                        org_names[org[i] + 1],
                        d.layout.model_names[model[i]],
                        *map(float, d.usage[:, i]),
                    )
                    for i in range(len(d.usage_key))
                ],
            )
            self.db.executemany(
                "INSERT INTO capacity VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                "entitled_s = entitled_s + excluded.entitled_s, span_s = span_s + excluded.span_s",
                [
                    (res, t, s.value, float(d.entitled_s[i]), d.span_s)
                    for i, s in enumerate(SECTORS)
                ],
            )

    def write_rows(self, res: int, usage: pd.DataFrame, capacity: pd.DataFrame) -> None:
        """Add usage and capacity rows made elsewhere (the room's books read from Prometheus),
        in usage()'s and capacity()'s columns; no node rows."""
        try:
            with self.db:
                self.db.executemany(_USAGE_UPSERT, [
                    (res, int(r.t), r.sector, r.org, r.model,
                     *(float(getattr(r, f)) for f in USAGE_FIELDS))
                    for r in usage.itertuples(index=False)
                ])
                self.db.executemany(
                    "INSERT INTO capacity VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                    "entitled_s = entitled_s + excluded.entitled_s, "
                    "span_s = span_s + excluded.span_s",
                    [(res, int(r.t), r.sector, float(r.entitled_s), float(r.span_s))
                     for r in capacity.itertuples(index=False)],
                )
        except sqlite3.Error as exc:
            raise HistoryError(f"{self.path}: {exc}") from exc

    def prune(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self.db:
            for res, keep in RETENTION_S.items():
                if keep is None:
                    continue
                for table in ("node_rollup", "usage", "capacity"):
                    self.db.execute(f"DELETE FROM {table} WHERE res=? AND t < ?", (res, now - keep))

    def write_organisations(self, organisations) -> None:
        try:
            with self.db:
                self.db.executemany(
                    "INSERT OR REPLACE INTO organisations VALUES (?, ?, ?, ?)",
                    [(o.id, o.sector.value, o.name_ko, o.name_en) for o in organisations],
                )
        except sqlite3.Error as exc:
            raise HistoryError(f"{self.path}: {exc}") from exc

    # -- reading -----------------------------------------------------------------------------

    def span(self) -> tuple[int, int] | None:
        """First and last 15-min bucket stored, or None when empty."""
        row = self.db.execute("SELECT MIN(t), MAX(t) FROM capacity WHERE res=900").fetchone()
        return None if row[0] is None else (row[0], row[1] + 900)

    def usage(self, t0: float, t1: float, res: int = 900) -> pd.DataFrame:
        """Rows of `usage` with t0 <= t < t1 (bucket start times); a column an older file
        lacks reads 0."""
        columns = [c if c in self._usage_columns else f"0.0 AS {c}" for c in USAGE_FIELDS]
        return pd.read_sql_query(
            "SELECT t, sector, org, model, " + ", ".join(columns) + " FROM usage "
            "WHERE res=? AND t>=? AND t<? ORDER BY t",
            self.db,
            params=(res, int(t0), int(t1)),
        )

    def energy_by_sector(self, t0: float, res: int = 60) -> np.ndarray:
        """GPU joules per sector (SECTORS order) in the rows from t0 on."""
        out = np.zeros(len(SECTORS))
        if "energy_j" not in self._usage_columns:
            return out
        index = {s.value: i for i, s in enumerate(SECTORS)}
        rows = self.db.execute(
            "SELECT sector, SUM(energy_j) FROM usage WHERE res=? AND t>=? GROUP BY sector",
            (res, int(t0)),
        ).fetchall()
        for sector, joules in rows:
            if sector in index:
                out[index[sector]] = joules or 0.0
        return out

    def organisations(self) -> pd.DataFrame:
        """id, sector, name_ko, name_en of every organisation the history has seen."""
        return pd.read_sql_query("SELECT id, sector, name_ko, name_en FROM organisations", self.db)

    def capacity(self, t0: float, t1: float, res: int = 900) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT t, sector, entitled_s, span_s FROM capacity WHERE res=? AND t>=? AND t<? "
            "ORDER BY t",
            self.db,
            params=(res, int(t0), int(t1)),
        )

    def _layouts(self) -> dict[int, dict]:
        return {
            lid: json.loads(body) for lid, body in self.db.execute("SELECT id, body FROM layouts")
        }

    def node_sectors(self, t0: float, t1: float, res: int = 900) -> dict[str, str]:
        """Sector of every node with rows in [t0, t1); a node that moved keeps its latest one."""
        layouts = self._layouts()
        rows = self.db.execute(
            "SELECT layout, MAX(t) AS last FROM node_rollup WHERE res=? AND t>=? AND t<? "
            "GROUP BY layout ORDER BY last",
            (res, int(t0), int(t1)),
        ).fetchall()
        out: dict[str, str] = {}
        for lid, _ in rows:
            body = layouts[lid]
            out.update(
                (n, SECTORS[s].value) for n, s in zip(body["nodes"], body["sectors"], strict=True)
            )
        return out

    def node_rollups(
        self, t0: float, t1: float, res: int = 900, nodes: tuple[str, ...] | None = None
    ) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
        """(bucket times, node names, sums[len(NODE_FIELDS), times, nodes]); NaN where a node
        had no row. `nodes` narrows the columns (default: every node ever seen)."""
        layouts = self._layouts()
        rows = self.db.execute(
            "SELECT t, layout, data FROM node_rollup WHERE res=? AND t>=? AND t<? ORDER BY t",
            (res, int(t0), int(t1)),
        ).fetchall()
        if nodes is None:
            seen: dict[str, None] = {}
            for lid in dict.fromkeys(r[1] for r in rows):
                seen.update(dict.fromkeys(layouts[lid]["nodes"]))
            nodes = tuple(seen)
        column = {n: i for i, n in enumerate(nodes)}
        times = np.array(sorted({r[0] for r in rows}), dtype=np.int64)
        out = np.full((len(NODE_FIELDS), len(times), len(nodes)), np.nan, dtype=np.float32)
        at = {t: i for i, t in enumerate(times.tolist())}
        maps: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for t, lid, data in rows:
            if lid not in maps:
                names = layouts[lid]["nodes"]
                src = [i for i, n in enumerate(names) if n in column]
                maps[lid] = (
                    np.array(src, np.intp),
                    np.array([column[names[i]] for i in src], np.intp),
                )
            src, dst = maps[lid]
            block = np.frombuffer(data, dtype=np.float32).reshape(len(NODE_FIELDS), -1)
            out[:, at[t], dst] = block[:, src]
        return times, nodes, out
