"""The Slurm backend: each sector is one partition; a move drains the node, rewrites both
partitions' node lists, then resumes it (the Applier orders the steps).

- read: `scontrol show partition -o`, `scontrol show node -o`, `squeue --json` (or a fixed
  `squeue -O` format where there is no JSON) → allocation, drain state, running work per node
  and queued GPUs per sector.
- version: a digest of the three partitions' node sets, so any change to them between planning
  and applying (another console, an admin's `scontrol update`) is a Conflict.
- assign: `Nodes+=N` / `Nodes-=N` where Slurm has them (≥ 23.11: an admin's edit of the same
  partitions meanwhile is kept), else `Nodes=<full list>` for both (Debian 12's 22.05); then
  the include file slurm.conf reads is rewritten (atomically, older versions kept), or the move
  is lost at the next `scontrol reconfigure` or restart.
- resume only a node whose drain reason is the plan's own.
- host lists are expanded and compressed by `scontrol show hostnames|hostlist`.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import time
from collections.abc import Callable, Mapping

from console.capacity.backends.base import BackendError, Conflict
from console.capacity.backends.slurm_include import WrittenFile, include_text
from console.capacity.backends.slurm_parse import (
    NodeInfo,
    PartitionInfo,
    hostnames_lines,
    parse_nodes,
    parse_partitions,
    version_tuple,
)
from console.capacity.backends.slurm_recovery import SlurmRecovery
from console.capacity.backends.slurm_runner import CommandFailed, Runner
from console.capacity.backends.slurm_squeue import (
    JobInfo,
)
from console.capacity.backends.squeue_reader import SqueueReader
from console.capacity.model import ClusterState, NodeRecord, Plan, SchedState
from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import Phrase, translate
from console.i18n.names import term

DEFAULT_PARTITIONS: Mapping[Sector, str] = {s: s.value for s in SECTORS}
KEEP_VERSIONS = 5
HOSTLIST_CACHE = 4096
NODES_PLUS_SINCE = (23, 11)  # scontrol update PartitionName=P Nodes+=X

class SlurmBackend(SlurmRecovery):
    name = "slurm"

    def __init__(
        self,
        runner: Runner,
        partitions: Mapping[Sector, str] = DEFAULT_PARTITIONS,
        include_file: str | os.PathLike | None = None,
        keep_versions: int = KEEP_VERSIONS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        missing = [s.value for s in SECTORS if s not in partitions]
        if missing:
            raise ValueError(f"no partition for sector(s) {', '.join(missing)}")
        self.runner = runner
        self.partitions = {s: partitions[s] for s in SECTORS}
        self.include_file = os.fspath(include_file) if include_file else None
        self.keep_versions = keep_versions
        self.clock = clock
        self._hostnames: dict[str, list[str]] = {}
        self._version: tuple[int, int, int] | None = None
        self.squeue = SqueueReader(runner, self.slurm_version)
        self._written: WrittenFile | None = None
        self._lock_dir = f"{self.include_file}.hangang-lock" if self.include_file else None

    # -- commands ----------------------------------------------------------------------------

    def _run(self, *argv: str, stdin: str | None = None) -> str:
        return self.runner.run(argv, stdin=stdin)

    def expand(self, hostlist: str) -> list[str]:
        """Node names of a Slurm host list, asked of `scontrol show hostnames` (cached)."""
        if not hostlist:
            return []
        if "[" not in hostlist:  # a plain comma list needs no interpretation
            return [n for n in hostlist.split(",") if n]
        if hostlist not in self._hostnames:
            if len(self._hostnames) > HOSTLIST_CACHE:  # job node lists come and go
                self._hostnames.clear()
            out = self._run("scontrol", "show", "hostnames", hostlist)
            self._hostnames[hostlist] = hostnames_lines(out)
        return list(self._hostnames[hostlist])

    def compress(self, names: list[str]) -> str:
        """The shortest host list for `names`, from `scontrol show hostlist`; in name order, so
        a node moved back gives the list it came from (n[04-06], not n[05-06,04])."""
        names = sorted(names, key=_name_order)
        if len(names) <= 1:
            return ",".join(names)
        return self._run("scontrol", "show", "hostlist", ",".join(names)).strip()

    def slurm_version(self) -> tuple[int, int, int]:
        if self._version is None:
            self._version = version_tuple(self._run("scontrol", "--version"))
        return self._version

    # -- reading -----------------------------------------------------------------------------

    def _partition_infos(self) -> dict[Sector, PartitionInfo]:
        # -a: a Hidden=YES partition is still a sector's, for users who are not SlurmUser too
        found = {p.name: p for p in parse_partitions(self._run("scontrol", "-a", "show",
                                                               "partition", "-o"))}
        out = {}
        for sector, name in self.partitions.items():
            if name not in found:
                raise BackendError(translate(
                    "Slurm", "Slurm has no partition {partition} (the {sector} sector's); it has: "
                    "{found}").fill(partition=repr(name), sector=term("sector", sector),
                                    found=", ".join(sorted(found)) or "-"))
            out[sector] = found[name]
        return out

    def _members(self, infos: Mapping[Sector, PartitionInfo]) -> dict[Sector, list[str]]:
        return {s: self.expand(p.nodes) for s, p in infos.items()}

    def _node(self, node: str) -> NodeInfo:
        try:
            found = parse_nodes(self._run("scontrol", "show", "node", node, "-o"))
        except CommandFailed as exc:
            raise BackendError(translate("Slurm", "unknown node {node}: {error}").fill(
                node=node, error=exc.stderr or str(exc))) from exc
        match = [n for n in found if n.name == node]
        if not match:
            raise BackendError(translate("Slurm", "unknown node {node}").fill(node=node))
        return match[0]

    def _jobs(self) -> list[JobInfo]:
        return self.squeue.jobs()

    def read(self) -> ClusterState:
        infos = self._partition_infos()
        members = self._members(infos)
        nodes = {n.name: n for n in parse_nodes(self._run("scontrol", "show", "node", "-o"))}
        jobs = self._jobs()
        now = self.clock()
        work: dict[str, dict] = {}
        for job in jobs:
            if not job.running or not job.nodes:
                continue
            names = self.expand(job.nodes)
            for i, name in enumerate(names):
                if len(job.gpus_per_node) == len(names):
                    gpus = job.gpus_per_node[i]
                else:
                    gpus = job.gpus // max(1, len(names))
                w = work.setdefault(name, {"jobs": 0, "gpus": 0, "ends": None, "what": []})
                w["jobs"] += 1
                w["gpus"] += gpus
                if job.end_time is not None:
                    w["ends"] = max(w["ends"] or 0.0, job.end_time)
                w["what"].append(f"job {job.job_id} {job.user} {gpus} GPUs")
        records: dict[str, NodeRecord] = {}
        for sector in SECTORS:  # a node in two of our partitions counts for the first
            for name in members[sector]:
                if name in records or name not in nodes:
                    continue
                records[name] = self._record(nodes[name], sector, work.get(name))
        sector_of = {name: s for s, name in self.partitions.items()}
        demand = {s: 0 for s in SECTORS}
        for job in jobs:
            if job.pending:
                ours = [sector_of[p] for p in job.partitions if p in sector_of]
                if ours:
                    demand[ours[0]] += job.gpus
        return ClusterState(_digest(members), records, demand, now)

    @staticmethod
    def _record(info: NodeInfo, sector: Sector, w: dict | None) -> NodeRecord:
        w = w or {"jobs": 0, "gpus": 0, "ends": None, "what": []}
        busy = info.alloc_gpus if info.alloc_gpus is not None else w["gpus"]
        if info.state.down:
            state = SchedState.DOWN
        elif info.state.drain:
            working = info.state.busy or w["jobs"] > 0
            state = SchedState.DRAINING if working else SchedState.DRAINED
        else:
            state = SchedState.UP
        return NodeRecord(
            info.name,
            sector,
            info.gpus,
            state,
            info.reason if info.state.drain else "",
            w["jobs"],
            min(busy, info.gpus) if info.gpus else busy,
            w["ends"],
            tuple(w["what"]),
        )

    # -- apply steps -------------------------------------------------------------------------

    def claim(self, plan: Plan, who: str) -> None:
        self._written = None
        if self._lock_dir is not None:
            owner = (
                f"plan={plan.plan_id} who={who} at={socket.gethostname()}:{os.getpid()} "
                f"since={time.strftime('%Y-%m-%d %H:%M:%S')}\n"
            )
            try:
                self._run("sh", "-c", 'mkdir "$1" && cat > "$1/owner"', "sh", self._lock_dir,
                          stdin=owner)
            except CommandFailed as exc:
                holder = self._lock_holder()
                raise Conflict(translate(
                    "Slurm", "another apply holds {lock} ({holder}); if none is running, remove "
                    "that directory").fill(lock=self._lock_dir, holder=holder or exc.stderr)
                ) from exc
        try:
            now = _digest(self._members(self._partition_infos()))
            if now != plan.base_version:
                raise Conflict(translate(
                    "Slurm", "Slurm's partitions changed since the plan was made (version "
                    "{planned}, now {now}): plan again").fill(planned=plan.base_version, now=now))
        except BaseException:
            self.release(plan)
            raise

    def _lock_holder(self) -> str:
        try:
            return self._run("cat", f"{self._lock_dir}/owner").strip()
        except CommandFailed:
            return ""

    def release(self, plan: Plan) -> None:
        if self._lock_dir is not None:
            self._run("sh", "-c", 'rm -f "$1/owner"; rmdir "$1" 2>/dev/null || true', "sh",
                      self._lock_dir)

    def drain(self, node: str, reason: str) -> None:
        info = self._node(node)
        if info.state.drain:
            if info.reason != reason:
                raise BackendError(translate("Slurm", "{node} is already drained: {reason}").fill(
                    node=node, reason=info.reason))
            return
        self._run("scontrol", "update", f"NodeName={node}", "State=DRAIN", f"Reason={reason}")

    def is_drained(self, node: str) -> bool:
        info = self._node(node)
        if not info.state.drain or info.state.busy:
            return False
        running = self._run("squeue", "-h", "-w", node, "-t",
                            "RUNNING,COMPLETING,SUSPENDED,CONFIGURING", "-o", "%i")
        return not running.strip()

    def resume(self, node: str, reason: str) -> None:
        info = self._node(node)
        if not info.state.drain:
            return
        if info.reason != reason:
            raise BackendError(translate(
                "Slurm", "{node} was drained by someone else ({reason}); not resuming it"
            ).fill(node=node, reason=info.reason))
        self._run("scontrol", "update", f"NodeName={node}", "State=RESUME")

    def assign(self, node: str, source: Sector, target: Sector) -> None:
        if source == target:
            raise BackendError(translate("Slurm", "{node}: source and target are both {sector}")
                               .fill(node=node, sector=term("sector", source)))
        infos = self._partition_infos()
        members = self._members(infos)
        src, dst = self.partitions[source], self.partitions[target]
        if node not in members[source]:
            raise BackendError(translate("Slurm", "{node} is not in partition {partition}").fill(
                node=node, partition=src))
        if not self._node(node).state.drain:
            raise BackendError(translate("Slurm", "{node} must be drained before it moves").fill(
                node=node))
        before = {s: list(v) for s, v in members.items()}
        after = {**before, source: [n for n in members[source] if n != node]}
        added = node not in after[target]
        after[target] = after[target] + [node] * added
        stepwise = self.slurm_version()[:2] >= NODES_PLUS_SINCE

        def put(partition: str, names: list[str], op: str) -> None:
            if stepwise:
                self._run("scontrol", "update", f"PartitionName={partition}", f"Nodes{op}={node}")
            else:
                self._set_nodes(partition, self.compress(names))

        # add first, then remove: the drained node is never in no partition
        if added:
            put(dst, after[target], "+")
        try:
            put(src, after[source], "-")
        except BaseException:
            if added:
                put(dst, before[target], "-")
            raise
        if self.include_file is None:
            return
        try:
            self._persist(infos, {s: self.compress(v) for s, v in after.items()})
        except BaseException:
            if added:
                put(dst, before[target], "-")
            put(src, before[source], "+")
            raise

    def _set_nodes(self, partition: str, hostlist: str) -> None:
        self._run("scontrol", "update", f"PartitionName={partition}", f"Nodes={hostlist}")

    # -- the include file --------------------------------------------------------------------

    def _persist(self, infos: Mapping[Sector, PartitionInfo], lists: Mapping[Sector, str]) -> None:
        assert self.include_file is not None
        old = self.runner.read_file(self.include_file) or ""
        text = include_text(old, infos, lists, self.partitions, self.clock(), self.keep_versions)
        self.runner.write_file(self.include_file, text, self.keep_versions)
        self._written = WrittenFile(self.include_file, text, self.clock(), self.runner.where)

    def last_written(self) -> WrittenFile | None:
        """The include file as this backend last wrote it since the last claim (None: not)."""
        return self._written

    def read_include(self) -> str | None:
        return self.runner.read_file(self.include_file) if self.include_file else None

    # -- what it can do ----------------------------------------------------------------------

    def feature_lines(self, lang: str = "en") -> tuple[str, ...]:
        return tuple(line.into(lang) for line in self._feature_phrases())

    def _feature_phrases(self) -> list[Phrase]:
        try:
            version = self.slurm_version()
        except BackendError as exc:
            return [translate("Slurm", "Slurm not reachable: {error}").fill(error=exc)]
        v = f"{version[0]}.{version[1]:02d}.{version[2]}"
        out = [translate("Slurm", "Slurm {version} on {where}").fill(
            version=v, where=self.runner.where), self.squeue.phrase()]
        if version[:2] >= NODES_PLUS_SINCE:
            out.append(translate(
                "Slurm", "partitions changed with Nodes+= / Nodes-= (only the moved node)"
            ).fill())
        else:
            out.append(translate(
                "Slurm", "partitions rewritten as full Nodes= lists (Nodes+= needs Slurm 23.11)"
            ).fill())
        if self.include_file:
            out.append(translate(
                "Slurm", "moves kept in {file} (last {versions} versions kept)"
            ).fill(file=self.include_file, versions=self.keep_versions))
        else:
            out.append(translate(
                "Slurm", "no include file: moves are lost on scontrol reconfigure or restart"
            ).fill())
        return out

    def features(self) -> tuple[str, ...]:
        return self.feature_lines("en")


def _name_order(name: str) -> tuple:
    """n2 before n10: digits compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def _digest(members: Mapping[Sector, list[str]]) -> str:
    text = "\n".join(f"{s.value}={','.join(sorted(members[s]))}" for s in SECTORS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
