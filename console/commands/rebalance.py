"""`hangang-console rebalance`: plan, check and apply a capacity move from the shell.

Same core and same checks as the board: the plan comes from the planner (`--set`) or from named
moves (`--move`), is validated, and only an operator's `--yes` applies it, drain first, as one
transaction recorded in the audit log. Without a plan it shows the sectors and recommendations.

Exit status: 0 shown or applied; 1 refused by validation, a conflict, or rolled back;
2 bad input; 3 not allowed (viewer).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from console.access import AccessDenied
from console.capacity.backends.base import BackendError, Conflict
from console.capacity.model import Plan
from console.capacity.planner import PlanDraft
from console.capacity.recovery import CHOICES, UnfinishedApply
from console.capacity.service import CapacityService, PlanRejected, Preview
from console.commands import rebalance_quota
from console.commands.capacity_args import add_fleet_args, open_capacity, open_quota
from console.commands.rebalance_quota import confirm as _confirm
from console.commands.rebalance_recover import recover, say_interrupted
from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import reason_of, say, translate
from console.i18n.names import apply_result_name, move_state_name, sector_name


def parse_targets(text: str) -> dict[Sector, int]:
    targets: dict[Sector, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, eq, value = part.partition("=")
        if not eq:
            raise argparse.ArgumentTypeError(f"expected sector=GPUs, not {part!r}")
        try:
            sector = Sector(name.strip())
        except ValueError:
            known = ", ".join(s.value for s in SECTORS)
            raise argparse.ArgumentTypeError(
                f"unknown sector {name.strip()!r} (expected {known})"
            ) from None
        try:
            gpus = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name}: expected a number of GPUs") from None
        if gpus < 0:
            raise argparse.ArgumentTypeError(f"{name}: GPUs cannot be negative")
        targets[sector] = gpus
    return targets


def parse_move(text: str) -> tuple[str, Sector]:
    node, eq, name = text.partition("=")
    try:
        if not eq or not node:
            raise ValueError
        return node.strip(), Sector(name.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected NODE=SECTOR (e.g. gpu007=private), not {text!r}"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hangang-console rebalance",
        description="Move GPU capacity between the sectors, drain first, with an audit record.",
    )
    add_fleet_args(p)
    p.add_argument("--mode", choices=("nodes", "quota"),
                   help="move whole nodes, or sector GPU caps (QOS GrpTRES) over a shared "
                   "partition (default: the fleet file's [slurm] mode, else nodes)")
    p.add_argument("--move-cap", action="append", type=rebalance_quota.parse_move_cap,
                   default=[], metavar="GPUS:FROM:TO",
                   help="quota mode: move GPUs of cap, e.g. 8:private:public (repeatable)")
    p.add_argument("--set", dest="targets", type=parse_targets, metavar="S=GPUS,…",
                   help="target GPUs per sector, e.g. public=120,interest=144,private=120")
    p.add_argument("--move", action="append", type=parse_move, default=[], metavar="NODE=S",
                   help="move one node (repeatable); instead of --set")
    p.add_argument("--reason", default="", help="why (required to apply; kept in the audit)")
    p.add_argument("--override", metavar="JUSTIFICATION",
                   help="allow a sector below its guarantee, with this written justification")
    p.add_argument("--undo", metavar="PLAN_ID", help="apply the inverse of an applied plan")
    p.add_argument("--recover", choices=CHOICES,
                   help="finish or roll back an apply that a crash interrupted (the console "
                   "says when there is one)")
    act = p.add_mutually_exclusive_group()
    act.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    act.add_argument("--yes", action="store_true", help="apply without asking")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    lang = args.lang
    if args.targets is not None and args.move:
        sys.stderr.write("hangang-console rebalance: use --set or --move, not both\n")
        return 2
    try:
        quota = rebalance_quota.mode_of(args) == "quota"
        if args.move_cap and not quota:
            raise ValueError("--move-cap moves quota caps: add --mode quota")
        svc = open_quota(args) if quota else open_capacity(args, kiosk=False)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"hangang-console rebalance: {exc}\n")
        return 2
    try:
        return (rebalance_quota.run if quota else _run)(args, svc, lang)
    except AccessDenied as exc:
        sys.stderr.write(f"hangang-console rebalance: {say(reason_of(exc), lang)}\n")
        return 3
    except UnfinishedApply:  # said above, with what to do
        return 1
    except Conflict as exc:
        conflict = translate("RebalanceCommand", "Conflict: {error}").into(
            lang, error=reason_of(exc))
        sys.stderr.write(conflict + "\n")
        return 1
    except PlanRejected as exc:
        for problem in exc.problems:
            sys.stderr.write(f"  ✗ {problem.text(lang)}\n")
        return 1
    except BackendError as exc:
        sys.stderr.write(f"hangang-console rebalance: {say(reason_of(exc), lang)}\n")
        return 1


def _run(args, svc: CapacityService, lang: str) -> int:
    if args.recover:
        return recover(args, svc, lang)
    say_interrupted(svc, lang)
    state = svc.state()
    out = sys.stdout
    # which scheduler, where, and what it can do (Slurm: version, JSON, Nodes+=)
    for line in getattr(svc.backend, "feature_lines", lambda _lang: ())(lang):
        out.write(line + "\n")
    if args.undo:
        plan = svc.inverse_of(args.undo, state)
        draft = None
    elif args.targets is not None:
        draft = svc.plan_targets(args.targets, state)
        plan = draft.plan
    elif args.move:
        plan, draft = svc.plan_moves(args.move, state), None
    else:
        print_sectors(svc, state, lang, out)
        for rec, saved in ranked_recommendations(svc, state, lang):
            out.write("→ " + rec.text(lang) + (f" ({saved})" if saved else "") + "\n")
            moves = " ".join(f"--move {m.node}={m.target.value}" for m in rec.plan.moves)
            out.write(f"  hangang-console rebalance {moves} --reason …\n")
        return 0
    if args.override:
        plan = dataclasses.replace(plan, override=True, justification=args.override)
    preview = svc.preview(plan, state)
    print_plan(preview, draft, lang, out)
    if not preview.ok:
        return 1
    print_wait_effect(svc, preview, lang, out)
    if args.dry_run:
        out.write(translate("RebalanceCommand", "Dry run: nothing changed.").into(lang) + "\n")
        return 0
    refusal = svc.policy.refusal(svc.policy_action(plan))
    if refusal:
        raise AccessDenied(svc.policy_action(plan), refusal)
    if not args.yes and not _confirm(lang):
        out.write(translate("RebalanceCommand", "Not applied.").into(lang) + "\n")
        return 1
    if not args.reason.strip():
        sys.stderr.write(
            translate("RebalanceCommand", "A --reason is required to apply.").into(lang) + "\n"
        )
        return 2

    def progress(event) -> None:
        out.write(f"  {event.node:<16} {move_state_name(event.state, lang)}"
                  f"{'  ' + event.message if event.message else ''}\n")
        out.flush()

    result = svc.apply(plan, args.reason, progress=progress)
    outcome = result.outcome
    out.write(translate(
        "RebalanceCommand", "Result: {result}{error}; audit entry {entry}, plan {plan}"
    ).into(lang, result=apply_result_name(outcome.result, lang),
           error=f" ({outcome.error})" if outcome.error else "",
           entry=result.entry.id, plan=plan.plan_id) + "\n")
    return 0 if outcome.applied else 1


def print_sectors(svc: CapacityService, state, lang: str, out) -> None:
    figures = svc.figures(state)
    out.write(translate("RebalanceCommand", "Allocation version {version}").into(
        lang, version=state.version) + "\n")
    out.write(translate(
        "RebalanceCommand", "sector           allocated  guarantee  max   busy  queued"
    ).into(lang) + "\n")
    for s in SECTORS:
        f = figures[s]
        cap = "-" if f.maximum is None else str(f.maximum)
        out.write(f"{sector_name(s, lang):<16} {f.allocated:>9}  {f.guarantee:>9}  {cap:>4}  "
                  f"{f.busy:>4}  {f.demand:>6}\n")


def print_plan(preview: Preview, draft: PlanDraft | None, lang: str, out) -> None:
    plan: Plan = preview.plan
    out.write(translate(
        "RebalanceCommand", "Plan {plan} against allocation version {version}: {count} move(s)"
    ).into(lang, plan=plan.plan_id, version=plan.base_version, count=len(plan.moves)) + "\n")
    busy = {r.name: r for r in preview.drains}
    for m in plan.moves:
        rec = busy.get(m.node)
        running = translate("RebalanceCommand", "running work").into(lang)
        if rec is None:
            note = translate("RebalanceCommand", "idle").into(lang)
        else:
            note = translate("RebalanceCommand", "drains first: {work}").into(
                lang, work=", ".join(rec.work) or running)
        out.write(f"  {m.node:<16} {sector_name(m.source, lang)} → "
                  f"{sector_name(m.target, lang)}  {m.gpus} GPU  ({note})\n")
    for s in SECTORS:
        f = preview.before[s]
        out.write(f"  {sector_name(s, lang):<16} {f.allocated:>5} → {preview.after[s]:<5} "
                  + translate("RebalanceCommand", "(guarantee {guarantee})").into(
                      lang, guarantee=f.guarantee) + "\n")
    for note in (draft.notes if draft else ()):
        out.write("  ~ " + note.text(lang) + "\n")
    for problem in preview.problems:
        mark = "✗" if problem.severity == "error" else "!"
        out.write(f"  {mark} {problem.text(lang)}\n")


def ranked_recommendations(svc: CapacityService, state, lang: str) -> list[tuple]:
    """The planner's recommendations, most wait saved first when there is a job history, each
    with the p90 wait it saves per sector in words ("" without a history: planner's order)."""
    from console.whatif.effect import HistoryUnavailable, hours
    from console.whatif.rank import rank_by_wait, sectors_changed

    recs = svc.recommendations(state)
    try:
        history = svc.job_history() if svc.job_history is not None and recs else None
    except HistoryUnavailable:
        history = None  # said once, under the plan's predicted waits
    if history is None:
        return [(rec, "") for rec in recs]
    figures = svc.figures(state)
    before = {s: figures[s].allocated for s in SECTORS}
    guarantees = {s: figures[s].guarantee for s in SECTORS}
    ranked = rank_by_wait(recs, history, before, lambda r: svc.preview(r.plan, state).after,
                          guarantees=guarantees)
    out = []
    for r in ranked:
        parts = ", ".join(
            f"{sector_name(s, lang)} {hours(r.effect[s].before.p90_wait_s, lang)} → "
            f"{hours(r.effect[s].after.p90_wait_s, lang)}"
            for s in sectors_changed(r.effect)
        )
        out.append((r.recommendation, translate(
            "RebalanceCommand", "predicted p90 wait: {changes}").into(lang, changes=parts)))
    return out


def print_wait_effect(svc: CapacityService, preview: Preview, lang: str, out) -> None:
    """The plan's predicted effect on each sector's wait (console/whatif), or why there is none."""
    from console.whatif.effect import HistoryUnavailable, effect_lines, plan_effect

    try:
        history = svc.job_history() if svc.job_history is not None else None
    except HistoryUnavailable as exc:
        out.write(exc.text(lang) + "\n")
        return
    if history is None:
        out.write(translate(
            "RebalanceCommand", "Predicted waits: no job history for this fleet."
        ).into(lang) + "\n")
        return
    before = {s: preview.before[s].allocated for s in SECTORS}
    effect = plan_effect(history, before, dict(preview.after))
    out.write(translate(
        "RebalanceCommand", "Predicted waits (from {jobs} jobs over {days} days):"
    ).into(lang, jobs=len(history.jobs), days=history.days) + "\n")
    for line in effect_lines(effect, lang):
        out.write(f"  {line}\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
