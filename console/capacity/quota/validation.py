"""Rules a cap plan must pass before it is applied, in the same words and codes as node moves.

The caps may not add up to more GPUs than the shared partition has (that would promise GPUs
twice); no cap may go below a sector's guarantee nor above its maximum; and no cap may go below
what the sector runs now, since Slurm would let those jobs carry on while the sector sits over
its cap. The last two only with an override and a written justification. As for node moves, a
sector already in breach (nodes went down) is not the plan's doing: only a change that makes it
worse counts.
"""

from __future__ import annotations

from collections.abc import Mapping

from console.capacity.model import Entitlement
from console.capacity.quota.model import QuotaPlan, QuotaState
from console.capacity.validation import (
    MIN_JUSTIFICATION_CHARS,
    Code,
    Problem,
    Severity,
    blocking,
)
from console.fleet.model import Sector
from console.i18n.catalogue import Phrase, translate
from console.i18n.names import term

__all__ = ["MIN_JUSTIFICATION_CHARS", "blocking", "validate_quota"]


def _error(code: Code, message: Phrase, sector: Sector | None = None) -> Problem:
    return Problem(code, Severity.ERROR, message, sector=sector)


def validate_quota(
    plan: QuotaPlan, state: QuotaState, entitlements: Mapping[Sector, Entitlement]
) -> list[Problem]:
    """Every problem of `plan` against `state` (the caps and use as the backend reads them now)."""
    problems: list[Problem] = []
    if not plan.changes():
        problems.append(
            _error(Code.EMPTY, translate("QuotaValidation", "The plan changes no cap.").fill())
        )
    if plan.base_version != state.version:
        problems.append(
            _error(
                Code.STALE_VERSION,
                translate(
                    "QuotaValidation",
                    "The caps changed since this plan was made (version {planned}, now {now}): "
                    "someone else changed a QOS first. Plan again.",
                ).fill(planned=plan.base_version, now=state.version),
            )
        )
    for sector, after in plan.caps_after.items():
        if after < 0:
            problems.append(
                _error(
                    Code.BAD_CAP,
                    translate(
                        "QuotaValidation", "{sector}: a cap cannot be negative ({cap})."
                    ).fill(sector=term("sector", sector), cap=after),
                    sector,
                )
            )
    problems.extend(_total_problems(plan, state))
    for sector, before, after in plan.changes():
        problems.extend(_sector_problems(plan, state, entitlements, sector, before, after))
    return problems


def _total_problems(plan: QuotaPlan, state: QuotaState) -> list[Problem]:
    before = sum(c for c in plan.caps_before.values() if c is not None)
    after = sum(c for c in plan.caps().values() if c is not None)
    if after <= state.capacity:
        return []
    said = translate(
        "QuotaValidation",
        "The caps would add up to {caps} GPUs but the shared partition has {capacity} "
        "healthy GPUs.",
    ).fill(caps=after, capacity=state.capacity)
    if after > before:
        return [_error(Code.CAPS_EXCEED, said)]
    return [Problem(Code.CAPS_EXCEED, Severity.WARNING, said)]


def _override(plan: QuotaPlan, code: Code, below: Phrase, sector: Sector) -> Problem:
    """An error without an override and a justification; a recorded warning with both."""
    if not plan.override:
        return _error(
            code,
            translate("QuotaValidation", "{below} Needs an override with a reason.").fill(
                below=below
            ),
            sector,
        )
    if len(plan.justification.strip()) < MIN_JUSTIFICATION_CHARS:
        return _error(
            code,
            translate(
                "QuotaValidation",
                "{below} The override needs a written justification (at least {chars} characters).",
            ).fill(below=below, chars=MIN_JUSTIFICATION_CHARS),
            sector,
        )
    return Problem(
        code,
        Severity.WARNING,
        translate("QuotaValidation", "{below} Overridden: {why}").fill(
            below=below, why=plan.justification.strip()
        ),
        sector=sector,
    )


def _sector_problems(plan, state, entitlements, sector, before, after) -> list[Problem]:
    out = []
    name = term("sector", sector)
    quota = state.sectors.get(sector)
    smaller = before is None or after < before
    guarantee = entitlements[sector].guarantee(state.capacity)
    if after < guarantee and smaller:
        below = translate(
            "QuotaValidation",
            "{sector} would have a cap of {cap} GPUs, below its guarantee of {guarantee}.",
        ).fill(sector=name, cap=after, guarantee=guarantee)
        out.append(_override(plan, Code.BELOW_GUARANTEE, below, sector))
    maximum = entitlements[sector].maximum(state.capacity)
    if maximum is not None and after > maximum and (before is None or after > before):
        out.append(
            _error(
                Code.ABOVE_MAXIMUM,
                translate(
                    "QuotaValidation",
                    "{sector} would have a cap of {cap} GPUs, above its maximum of {maximum}.",
                ).fill(sector=name, cap=after, maximum=maximum),
                sector,
            )
        )
    running = quota.running if quota is not None else 0
    if after < running and smaller:
        below = translate(
            "QuotaValidation",
            "{sector} runs {running} GPUs now, above the new cap of {cap}: "
            "its jobs carry on, new ones wait until it is under the cap.",
        ).fill(sector=name, running=running, cap=after)
        out.append(_override(plan, Code.BELOW_RUNNING, below, sector))
    return out
