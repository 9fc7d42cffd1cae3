"""`hangang-console rebalance --mode quota`: the sectors' GPU caps (QOS GrpTRES) from the shell.

The same plan → preview → validate → apply → audit → undo as node moves, through QuotaService:
`--set public=40,interest=…` sets caps, `--move-cap 8:private:public` moves cap, `--dry-run`
shows the caps before and after with the problems, `--yes --reason R` applies, `--undo PLAN`
puts the old caps back, `--recover finish|rollback` deals with an apply a crash cut short.
Without a plan it shows each sector's cap, use, borrowing and waiting GPUs.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys

from console.access import AccessDenied, Action
from console.capacity.quota.model import CapacityMode, move_cap
from console.capacity.quota.service import QuotaPreview, QuotaService
from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import translate
from console.i18n.names import apply_result_name, sector_name


def parse_move_cap(text: str) -> tuple[int, Sector, Sector]:
    """GPUS:FROM:TO, e.g. 8:private:public."""
    gpus, _, rest = text.partition(":")
    source, _, target = rest.partition(":")
    try:
        count = int(gpus)
        if count <= 0:
            raise ValueError
        return count, Sector(source.strip()), Sector(target.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected GPUS:FROM:TO (e.g. 8:private:public), not {text!r}"
        ) from None


def mode_of(args) -> CapacityMode:
    """`--mode`, else the fleet file's `[slurm] mode`, else node moves."""
    if args.mode:
        return CapacityMode(args.mode)
    if getattr(args, "inventory", None) is None:
        return CapacityMode.NODES
    from console.capacity.quota.setup import fleet_mode
    from console.inventory.loader import InventoryError, load_inventory

    try:
        return fleet_mode(load_inventory(args.inventory))
    except InventoryError as exc:
        raise ValueError(str(exc)) from None


def _line(out, text: str) -> None:
    out.write(text + "\n")


def run(args, svc: QuotaService, lang: str) -> int:
    out = sys.stdout
    if args.move:
        sys.stderr.write(
            "hangang-console rebalance: --move moves nodes; in quota mode use "
            "--move-cap GPUS:FROM:TO or --set\n"
        )
        return 2
    if args.recover:
        return recover(args, svc, lang)
    say_unfinished(svc, lang)
    state = svc.read()
    justification = args.override or ""
    if args.undo:
        plan = svc.inverse_of(args.undo, state)
    elif args.targets is not None:
        plan = svc.plan(args.targets, state)
    elif args.move_cap:
        caps = state.caps()
        for gpus, source, target in args.move_cap:
            caps.update(move_cap(caps, source, target, gpus))
        plan = svc.plan({s: c for s, c in caps.items() if c is not None}, state)
    else:
        print_sectors(svc, state, lang, out)
        return 0
    if args.override:
        plan = dataclasses.replace(plan, override=True, justification=justification.strip())
    preview = svc.preview(plan, state)
    print_plan(preview, lang, out)
    if not preview.ok:
        return 1
    print_wait_effect(svc, preview, lang, out)
    if args.dry_run:
        _line(out, translate("RebalanceCommand", "Dry run: nothing changed.").into(lang))
        return 0
    action = Action.REBALANCE_UNDO if plan.undoes else Action.REBALANCE_APPLY
    refusal = svc.policy.refusal(action)
    if refusal:
        raise AccessDenied(action, refusal)
    if not args.yes and not confirm(lang):
        _line(out, translate("RebalanceCommand", "Not applied.").into(lang))
        return 1
    if not args.reason.strip():
        sys.stderr.write(
            translate("RebalanceCommand", "A --reason is required to apply.").into(lang) + "\n"
        )
        return 2
    result = svc.apply(plan, reason=args.reason)
    _line(
        out,
        translate(
            "QuotaCommand", "Result: {result}; audit entry {entry}, plan {plan}, caps set in {s} s"
        ).into(
            lang,
            result=apply_result_name(result.result, lang),
            entry=result.entry.id,
            plan=plan.plan_id,
            s=f"{result.elapsed_s:.2f}",
        ),
    )
    return 0 if result.result == "applied" else 1


def confirm(lang: str) -> bool:
    """y at the prompt (a terminal only); node moves ask the same way."""
    if not sys.stdin.isatty():
        sys.stderr.write(
            translate("RebalanceCommand", "Not a terminal: add --yes to apply or --dry-run.").into(
                lang
            )
            + "\n"
        )
        return False
    answer = input(translate("RebalanceCommand", "Apply this plan? [y/N] ").into(lang))
    yes = {
        "y",
        "yes",
        translate("Recovery", "yes").into(lang),
        translate("Recovery", "y (on a Korean keyboard layout)").into(lang),
    }
    return answer.strip().lower() in yes


def _cap(value: int | None) -> str:
    return "-" if value is None else str(value)


def print_sectors(svc: QuotaService, state, lang: str, out) -> None:
    _line(
        out,
        translate(
            "QuotaCommand", "Caps version {version}; shared partition: {gpus} healthy GPUs"
        ).into(lang, version=state.version, gpus=state.capacity),
    )
    for line in _features(svc, lang):
        _line(out, "  " + line)
    _line(
        out,
        translate(
            "QuotaCommand",
            "sector           cap  guarantee  running  borrowed  lent  pending  at cap",
        ).into(lang),
    )
    lent = state.lent()
    for s in SECTORS:
        q = state.sectors[s]
        g = svc.entitlements[s].guarantee(state.capacity)
        _line(
            out,
            f"{sector_name(s, lang):<16} {_cap(q.cap):>3}  {g:>9}  {q.running:>7}  "
            f"{q.borrowed:>8}  {lent[s]:>4}  {q.pending_gpus:>7}  {q.pending_at_cap:>6}",
        )


def _features(svc: QuotaService, lang: str) -> tuple[str, ...]:
    lines = getattr(svc.backend, "feature_lines", None)
    return lines(lang) if callable(lines) else svc.backend.features()


def print_plan(preview: QuotaPreview, lang: str, out) -> None:
    plan = preview.plan
    _line(
        out,
        translate(
            "QuotaCommand",
            "Cap plan {plan} against caps version {version}: {gpus} GPUs of cap move",
        ).into(lang, plan=plan.plan_id, version=plan.base_version, gpus=plan.gpus_moved()),
    )
    after = plan.caps()
    for s in SECTORS:
        q = preview.state.sectors[s]
        mark = "*" if after[s] != plan.caps_before.get(s) else " "
        _line(
            out,
            f" {mark} {sector_name(s, lang):<16} {_cap(plan.caps_before.get(s)):>4} → "
            f"{_cap(after[s]):<4} "
            + translate("QuotaCommand", "(runs {running}, waits at cap {waiting})").into(
                lang, running=q.running, waiting=q.pending_at_cap
            ),
        )
    for problem in preview.problems:
        mark = "✗" if problem.severity == "error" else "!"
        _line(out, f"  {mark} {problem.text(lang)}")


def print_wait_effect(svc: QuotaService, preview: QuotaPreview, lang: str, out) -> None:
    """The cap plan's predicted effect on each sector's wait (console/whatif), or why none."""
    from console.whatif.effect import HistoryUnavailable, effect_lines
    from console.whatif.quota_predict import QuotaScene, compare_quota

    try:
        history = svc.job_history() if svc.job_history is not None else None
    except HistoryUnavailable as exc:
        _line(out, exc.text(lang))
        return
    if history is None:
        _line(out, translate(
            "RebalanceCommand", "Predicted waits: no job history for this fleet.").into(lang))
        return
    settings = getattr(svc.backend, "settings", None)
    scene = QuotaScene(
        preview.state.capacity,
        borrow=bool(settings is not None and settings.borrow_qos),
        grace_s=float(settings.grace_time_s) if settings is not None else 0.0,
    )
    effect = compare_quota(history, scene, preview.plan.caps_before, preview.plan.caps())
    _line(out, translate(
        "QuotaCommand", "Predicted waits under the caps (from {jobs} jobs over {days} days):"
    ).into(lang, jobs=len(history.jobs), days=history.days))
    for line in effect_lines(effect, lang):
        _line(out, f"  {line}")


def say_unfinished(svc: QuotaService, lang: str, out=None) -> list:
    out = out or sys.stderr
    found = svc.unfinished()
    for run in found:
        _line(
            out,
            "! "
            + translate(
                "QuotaCommand",
                "A cap apply was interrupted: plan {plan} by {user} ({reason}). "
                "Finish it: hangang-console rebalance --mode quota --recover finish --yes; roll it "
                "back: … --recover rollback --yes (with the same fleet options).",
            ).into(lang, plan=run.plan.plan_id, user=run.user, reason=run.reason),
        )
    return found


def recover(args, svc: QuotaService, lang: str) -> int:
    out = sys.stdout
    if not say_unfinished(svc, lang):
        _line(
            out, translate("Recovery", "Nothing to recover: no apply was interrupted.").into(lang)
        )
        return 0
    if not args.yes and not confirm(lang):
        _line(out, translate("RebalanceCommand", "Not applied.").into(lang))
        return 1
    result = svc.recover(args.recover, reason=args.reason)
    _line(
        out,
        translate(
            "QuotaCommand", "Recovered ({choice}): caps now {caps}; audit entry {entry}"
        ).into(
            lang,
            choice=args.recover,
            entry=result.entry.id,
            caps=", ".join(f"{sector_name(s, lang)} {_cap(result.after.get(s))}" for s in SECTORS),
        ),
    )
    return 0
