"""The report appendix's words on predicted waits: how the what-if (console/whatif) predicts, the
period of jobs it learned from and what it cannot see, so a reader of the report can judge the
waits the board and `rebalance --dry-run` showed. With too little history it says so first; with
no job history given, it names no period. The last item says how quota mode (QOS caps over one
shared partition, console/whatif/quota_replay.py) differs, for a site that moves caps."""

from __future__ import annotations

from html import escape

from console.i18n.catalogue import translate
from console.whatif.effect import method_text
from console.whatif.jobs import JobHistory

HEADING = translate("Report", "Predicted waits (the rebalance board and rebalance --dry-run)")
NO_HISTORY = translate(
    "Report",
    "No job history was given to this report, so it names no period learned from. The "
    "prediction replays each sector's past jobs against its GPUs as Slurm's backfill would; it "
    "does not see work already running at the start, fair share between users, users submitting "
    "differently once waits change, or node failures.",
)


QUOTA_MODE = translate(
    "Report",
    "In quota mode (the quota board and rebalance --mode quota --dry-run) every sector's jobs are "
    "replayed together on the shared partition, each sector's own jobs held to its QOS cap; a "
    "job at its cap does not hold back the others. With a borrow QOS, a job submitted while its "
    "sector's jobs fill the cap goes to the borrow QOS: it runs at lower priority on GPUs nobody "
    "holds and is requeued when an owner's job needs them (after the grace time; it may start "
    "again from zero only once the credential's lifetime has passed, and its wait counts until "
    "the run that finishes). Checked against Slurm on short runs; over long runs with much "
    "borrowing the waits are less sure than the range says. The resampled days are the same "
    "for every sector.",
)


def whatif_method(history: JobHistory | None, lang: str) -> list[str]:
    """The appendix's items, one per paragraph."""
    if history is None:
        return [NO_HISTORY.into(lang), QUOTA_MODE.into(lang)]
    return [p for p in method_text(history, lang).split("\n\n") if p] + [QUOTA_MODE.into(lang)]


def whatif_method_html(history: JobHistory | None, lang: str) -> str:
    items = "".join(f"<li>{escape(m)}</li>" for m in whatif_method(history, lang))
    return f"<h3>{escape(HEADING.into(lang))}</h3><ul>{items}</ul>"
