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
from console.capacity.text import pick, result_name, sector_name, state_name
from console.commands.capacity_args import add_fleet_args, open_capacity
from console.commands.rebalance_recover import recover, say_interrupted
from console.fleet.model import SECTORS, Sector


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
        svc = open_capacity(args, kiosk=False)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"hangang-console rebalance: {exc}\n")
        return 2
    try:
        return _run(args, svc, lang)
    except AccessDenied as exc:
        sys.stderr.write(f"hangang-console rebalance: {exc}\n")
        return 3
    except UnfinishedApply:  # said above, with what to do
        return 1
    except Conflict as exc:
        sys.stderr.write(pick(lang, "Conflict: ", "충돌: ") + f"{exc}\n")
        return 1
    except PlanRejected as exc:
        for problem in exc.problems:
            sys.stderr.write(f"  ✗ {problem.text(lang)}\n")
        return 1
    except BackendError as exc:
        sys.stderr.write(f"hangang-console rebalance: {exc}\n")
        return 1


def _run(args, svc: CapacityService, lang: str) -> int:
    if args.recover:
        return recover(args, svc, lang)
    say_interrupted(svc, lang)
    state = svc.state()
    out = sys.stdout
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
        for rec in svc.recommendations(state):
            out.write("→ " + rec.text(lang) + "\n")
            moves = " ".join(f"--move {m.node}={m.target.value}" for m in rec.plan.moves)
            out.write(f"  hangang-console rebalance {moves} --reason …\n")
        return 0
    if args.override:
        plan = dataclasses.replace(plan, override=True, justification=args.override)
    preview = svc.preview(plan, state)
    print_plan(preview, draft, lang, out)
    if not preview.ok:
        return 1
    if args.dry_run:
        out.write(pick(lang, "Dry run: nothing changed.\n", "시험 실행: 바뀐 것이 없습니다.\n"))
        return 0
    refusal = svc.policy.refusal(svc.policy_action(plan))
    if refusal:
        raise AccessDenied(svc.policy_action(plan), refusal)
    if not args.yes and not _confirm(lang):
        out.write(pick(lang, "Not applied.\n", "적용하지 않았습니다.\n"))
        return 1
    if not args.reason.strip():
        sys.stderr.write(pick(lang, "A --reason is required to apply.\n",
                              "적용하려면 --reason 이 필요합니다.\n"))
        return 2

    def progress(event) -> None:
        out.write(f"  {event.node:<16} {state_name(event.state, lang)}"
                  f"{'  ' + event.message if event.message else ''}\n")
        out.flush()

    result = svc.apply(plan, args.reason, progress=progress)
    outcome = result.outcome
    result_text = result_name(outcome.result, lang)
    out.write(pick(lang, f"Result: {result_text}", f"결과: {result_text}")
              + (f" ({outcome.error})" if outcome.error else "")
              + pick(lang, f"; audit entry {result.entry.id}, plan {plan.plan_id}\n",
                     f"; 감사 기록 {result.entry.id}, 계획 {plan.plan_id}\n"))
    return 0 if outcome.applied else 1


def _confirm(lang: str) -> bool:
    if not sys.stdin.isatty():
        sys.stderr.write(pick(lang, "Not a terminal: add --yes to apply or --dry-run.\n",
                              "터미널이 아닙니다: 적용하려면 --yes, 확인만 하려면 --dry-run.\n"))
        return False
    answer = input(pick(lang, "Apply this plan? [y/N] ", "이 계획을 적용할까요? [y/N] "))
    return answer.strip().lower() in ("y", "yes", "예", "ㅛ")


def print_sectors(svc: CapacityService, state, lang: str, out) -> None:
    figures = svc.figures(state)
    out.write(pick(lang, f"Allocation version {state.version}\n", f"배정 버전 {state.version}\n"))
    head = pick(lang, "sector           allocated  guarantee  max   busy  queued\n",
                "부문             배정       최소보장   상한  사용  대기\n")
    out.write(head)
    for s in SECTORS:
        f = figures[s]
        cap = "-" if f.maximum is None else str(f.maximum)
        out.write(f"{sector_name(s, lang):<16} {f.allocated:>9}  {f.guarantee:>9}  {cap:>4}  "
                  f"{f.busy:>4}  {f.demand:>6}\n")


def print_plan(preview: Preview, draft: PlanDraft | None, lang: str, out) -> None:
    plan: Plan = preview.plan
    out.write(pick(lang, f"Plan {plan.plan_id} against allocation version {plan.base_version}:"
                   f" {len(plan.moves)} move(s)\n",
                   f"계획 {plan.plan_id} (배정 버전 {plan.base_version} 기준): "
                   f"이동 {len(plan.moves)}건\n"))
    busy = {r.name: r for r in preview.drains}
    for m in plan.moves:
        rec = busy.get(m.node)
        note = pick(lang, "idle", "유휴") if rec is None else pick(
            lang, f"drains first: {', '.join(rec.work) or 'running work'}",
            f"먼저 드레인: {', '.join(rec.work) or '실행 중인 작업'}")
        out.write(f"  {m.node:<16} {sector_name(m.source, lang)} → "
                  f"{sector_name(m.target, lang)}  {m.gpus} GPU  ({note})\n")
    for s in SECTORS:
        f = preview.before[s]
        out.write(f"  {sector_name(s, lang):<16} {f.allocated:>5} → {preview.after[s]:<5} "
                  + pick(lang, f"(guarantee {f.guarantee})\n", f"(최소 보장 {f.guarantee})\n"))
    for note in (draft.notes if draft else ()):
        out.write("  ~ " + note.text(lang) + "\n")
    for problem in preview.problems:
        mark = "✗" if problem.severity == "error" else "!"
        out.write(f"  {mark} {problem.text(lang)}\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
