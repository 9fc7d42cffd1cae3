"""`hangang-console accounts show|reconcile`: Slurm's association tree, and the accounts and QOS
the fleet file implies made real.

`show` prints the tree sacctmgr holds (accounts under their parents, QOS allowed, limits, users)
and the QOS. `reconcile` prints the diff against the fleet file as the sacctmgr commands that
would close it; `--apply --reason R` runs them (operators only), recorded in the audit log.
Accounts the console did not create are left alone and listed; `--remove-unmanaged` removes them,
listed first.

Exit status: 0 shown, no diff, or applied; 1 a diff in a dry run, or an apply that failed part
way; 2 Slurm's accounting unreadable (slurmdbd down), a bad argument or fleet file; 3 not
allowed (viewer).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from console.access import AccessDenied, Action
from console.i18n.catalogue import reason_of, say, translate
from console.inventory.model import Inventory
from console.scheduler.associations import AssocError, AssocTree
from console.scheduler.reconcile import Diff
from console.scheduler.reconcile_apply import ReasonRequired, ReconcileResult


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hangang-console accounts",
        description="Slurm's accounts, QOS and limits; reconcile them with the fleet file.")
    p.add_argument("what", choices=("show", "reconcile"))
    p.add_argument("--inventory", type=Path, metavar="FILE",
                   help="the fleet file: its accounts, [slurm] controller and quota mode")
    p.add_argument("--slurm-local", action="store_true",
                   help="run sacctmgr on this machine whatever the fleet file says")
    p.add_argument("--cluster", help="the cluster's associations (when slurmdbd holds several)")
    p.add_argument("--apply", action="store_true", help="run the diff's commands (operators)")
    p.add_argument("--reason", default="", help="why (required with --apply; kept in the audit)")
    p.add_argument("--remove-unmanaged", action="store_true",
                   help="also remove accounts the fleet file does not name and the console did "
                   "not create")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--data-dir", type=Path, help="where the audit log lives")
    p.add_argument("--settings", type=Path, help="settings file (roles)")
    p.add_argument("--lang", choices=("ko", "en"), default="en")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    lang = args.lang
    if args.what == "reconcile" and args.inventory is None:
        return _fail(translate("AccountsCommand", "reconcile needs --inventory FILE"), lang, 2)
    if args.apply and args.what != "reconcile":
        return _fail(translate("AccountsCommand", "--apply goes with reconcile"), lang, 2)
    try:
        inventory = _inventory(args.inventory)
        reconciler = _open(args, inventory)
    except (OSError, ValueError) as exc:
        return _fail(reason_of(exc), lang, 2)
    try:
        if args.what == "show":
            tree = reconciler.tree()
            _out(args, tree_json(tree) if args.format == "json" else
                 tree_lines(tree, reconciler.reader.how().into(lang), lang))
            return 0
        if not args.apply:
            found = reconciler.diff(args.remove_unmanaged)
            _out(args, found.as_dict() if args.format == "json" else diff_lines(found, lang))
            return 0 if found.empty else 1
        reconciler.policy.require(Action.ACCOUNTS_RECONCILE)  # before listing what it would do
        if args.remove_unmanaged and args.format == "table":
            shown = reconciler.diff(True)  # the list first, as the operator asked to remove
            _out(args, diff_lines(shown, lang))
        result = reconciler.apply(args.reason, args.remove_unmanaged)
        _out(args, result_json(result) if args.format == "json" else result_lines(result, lang))
        return 0 if result.ok and result.after.empty else 1
    except AccessDenied as exc:
        return _fail(reason_of(exc), lang, 3)
    except ReasonRequired as exc:
        return _fail(reason_of(exc), lang, 2)
    except AssocError as exc:
        return _fail(reason_of(exc), lang, 2)
    finally:
        reconciler.runner.close()


def _fail(text, lang: str, code: int) -> int:
    sys.stderr.write(f"hangang-console accounts: {say(text, lang)}\n")
    return code


def _out(args, payload) -> None:
    if args.format == "json":
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("".join(line + "\n" for line in payload))


def _inventory(path: Path | None) -> Inventory | None:
    if path is None:
        return None
    from console.inventory.loader import InventoryError, load_inventory

    try:
        return load_inventory(path)
    except InventoryError as exc:
        raise ValueError(str(exc)) from None


def _open(args, inventory: Inventory | None):
    from console.access import AccessPolicy
    from console.capacity.audit import AuditLog, audit_path
    from console.capacity.backends.slurm_setup import slurm_options_for, slurm_runner
    from console.commands.capacity_args import store_dir
    from console.scheduler.reconcile_apply import AccountsReconciler
    from console.settings import SettingsError, load_settings

    try:
        settings = load_settings(args.settings)
    except SettingsError as exc:
        raise ValueError(str(exc)) from None
    policy = AccessPolicy.for_session(settings.roles)
    runner = slurm_runner(slurm_options_for(inventory, args.slurm_local))
    empty = inventory or _no_fleet()
    return AccountsReconciler(runner, empty, policy, AuditLog(audit_path(store_dir(args))),
                              args.cluster)


def _no_fleet() -> Inventory:
    from console.fleet.model import SECTORS

    return Inventory(nodes=(), entitlements={s: 1 / len(SECTORS) for s in SECTORS})


# -- what is printed --------------------------------------------------------------------------


def _limits(limits) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(limits.items()))


def tree_json(tree: AssocTree) -> dict:
    return {
        "cluster": tree.cluster,
        "accounts": [{"name": a.name, "parent": a.parent, "depth": d, "qos": list(a.qos),
                      "default_qos": a.default_qos, "limits": dict(a.limits),
                      "fairshare": a.fairshare, "users": list(a.users),
                      "description": a.description, "managed": a.managed}
                     for d, a in tree.walk()],
        "qos": [{"name": q.name, "priority": q.priority, "preempt": list(q.preempt),
                 "preempt_mode": q.preempt_mode, "grace_time_s": q.grace_time_s,
                 "grp_tres": dict(q.grp_tres), "description": q.description,
                 "managed": q.managed} for q in tree.qos.values()],
    }


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


ACCOUNT_HEADERS = (translate("AccountsCommand", "Account"), translate("AccountsCommand", "QOS"),
                   translate("AccountsCommand", "Limits"), translate("AccountsCommand", "Users"))
QOS_HEADERS = (translate("AccountsCommand", "QOS"), translate("AccountsCommand", "Priority"),
               translate("AccountsCommand", "Preempt mode"),
               translate("AccountsCommand", "Grace time"), translate("AccountsCommand", "Preempts"),
               translate("AccountsCommand", "Group TRES"))
MANAGED_NOTE = translate("AccountsCommand", "* created by the console")


def tree_lines(tree: AssocTree, how: str, lang: str) -> list[str]:
    lines = [translate("AccountsCommand", "{how}; cluster {cluster}").into(
        lang, how=how, cluster=tree.cluster), ""]
    rows = [[h.into(lang) for h in ACCOUNT_HEADERS]]
    for depth, a in tree.walk():
        rows.append(["  " * depth + a.name + (" *" if a.managed else ""), ",".join(a.qos),
                     _limits(a.limits), ",".join(a.users)])
    lines += _columns(rows)
    lines += ["", MANAGED_NOTE.into(lang), ""]
    rows = [[h.into(lang) for h in QOS_HEADERS]]
    for q in sorted(tree.qos.values(), key=lambda q: q.name):
        rows.append([q.name + (" *" if q.managed else ""), str(q.priority), q.preempt_mode,
                     f"{q.grace_time_s} s", ",".join(q.preempt), _limits(q.grp_tres)])
    return lines + _columns(rows)


def diff_lines(found: Diff, lang: str) -> list[str]:
    if found.empty:
        lines = [translate("AccountsCommand", "Cluster {cluster}: Slurm holds what the fleet "
                           "file implies; nothing to change.").into(lang, cluster=found.cluster)]
    else:
        lines = [translate("AccountsCommand", "Cluster {cluster}: {n} change(s)").into(
            lang, cluster=found.cluster, n=len(found.changes))]
    foreign = [c for c in found.changes if not c.managed]
    if foreign:
        lines.append(translate("AccountsCommand", "Removed although the console did not create "
                               "them (--remove-unmanaged): {names}").into(
            lang, names=", ".join(c.name for c in foreign)))
    for i, c in enumerate(found.changes, 1):
        lines.append(f"  {i}. {say(c.text(), lang)}")
        lines.append("     " + " ".join(c.argv))
    if found.unmanaged:
        lines.append(translate("AccountsCommand", "Left alone (in Slurm, not in the fleet file, "
                               "not created by the console): {names}").into(
            lang, names=", ".join(found.unmanaged)))
    return lines


def result_json(result: ReconcileResult) -> dict:
    return {"applied": result.diff.as_dict(), "steps": [s.as_dict() for s in result.steps],
            "ok": result.ok, "audit_entry": result.entry.id if result.entry else None,
            "left": result.after.as_dict()}


def result_lines(result: ReconcileResult, lang: str) -> list[str]:
    if result.entry is None:
        return diff_lines(result.diff, lang)
    lines = []
    for step in result.steps:
        mark = "✓" if step.ok else "✗"
        lines.append(f"  {mark} {' '.join(step.argv)}")
        if not step.ok:
            lines.append(f"    {step.output}")
    lines.append(translate("AccountsCommand", "{done} of {total} command(s) run; audit entry "
                           "{entry}").into(lang, done=sum(s.ok for s in result.steps),
                                           total=len(result.diff.changes),
                                           entry=result.entry.id))
    if not result.after.empty:
        lines += diff_lines(result.after, lang)
    return lines
