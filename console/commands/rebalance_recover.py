"""`hangang-console rebalance --recover finish|rollback`: an apply cut short by a crash.

Every `rebalance` first asks the journal whether an apply was interrupted and says so; `--recover`
finishes it (drain what is left, move it, resume) or rolls it back (move back, resume), on an
operator's word (`--yes`, or y at the prompt), with the crash and the outcome in the audit log.
"""

from __future__ import annotations

import sys

from console.capacity.recovery import FINISH, choice_name, describe
from console.capacity.service import CapacityService
from console.i18n.catalogue import translate
from console.i18n.names import apply_result_name, move_state_name


def say_interrupted(svc: CapacityService, lang: str, out=None) -> list:
    """Tell of every interrupted apply (on stderr); the runs found."""
    out = out or sys.stderr
    found = svc.interrupted()
    for run in found:
        out.write("! " + describe(run, lang) + "\n")
        out.write("  " + translate(
            "Recovery",
            "Finish it: hangang-console rebalance --recover finish --yes; roll it back: "
            "hangang-console rebalance --recover rollback --yes (with the same fleet options).",
        ).into(lang) + "\n")
    return found


def recover(args, svc: CapacityService, lang: str) -> int:
    out = sys.stdout
    found = say_interrupted(svc, lang)
    if not found:
        out.write(translate("Recovery", "Nothing to recover: no apply was interrupted.").into(
            lang) + "\n")
        return 0
    run = found[0]
    choice = args.recover
    if not args.yes and not _confirm(lang, choice):
        out.write(translate("Recovery", "Nothing done.").into(lang) + "\n")
        return 1

    def progress(event) -> None:
        out.write(f"  {event.node:<16} {move_state_name(event.state, lang)}"
                  f"{'  ' + event.message if event.message else ''}\n")
        out.flush()

    result = svc.recover(run.plan.plan_id, choice, args.reason, progress=progress)
    outcome = result.outcome
    crash = result.entry.body.get("recovery", {}).get("interrupted_entry")
    out.write(translate(
        "Recovery",
        "Recovery ({choice}): {result}{error}; audit entries {crash} (the interruption) and "
        "{entry} (the outcome), plan {plan}",
    ).into(lang, choice=choice_name(choice, lang), result=apply_result_name(outcome.result, lang),
           error=f" ({outcome.error})" if outcome.error else "", crash=crash,
           entry=result.entry.id, plan=run.plan.plan_id) + "\n")
    if len(found) > 1:
        out.write(translate("Recovery", "{count} more interrupted apply(s) remain.").into(
            lang, count=len(found) - 1) + "\n")
    wanted = "applied" if choice == FINISH else "rolled back"
    return 0 if outcome.result == wanted else 1


def _confirm(lang: str, choice: str) -> bool:
    if not sys.stdin.isatty():
        sys.stderr.write(translate(
            "Recovery", "Not a terminal: add --yes to {choice} the interrupted apply.",
        ).into(lang, choice=choice_name(choice, lang)) + "\n")
        return False
    question = translate("Recovery", "{choice} the interrupted apply? [y/N] ")
    answer = input(question.into(lang, choice=choice_name(choice, lang).capitalize()))
    # "y" typed with a Korean keyboard layout reads as its Hangul letter
    yes = {"y", "yes", translate("Recovery", "yes").into(lang),
           translate("Recovery", "y (on a Korean keyboard layout)").into(lang)}
    return answer.strip().lower() in yes
