"""The words of the report's energy section and how its figures are made (its method appendix),
in English for the one catalogue (Korean lives in ko.ts).

The PUE and the grid emission factor are the settings' (console.settings.EnergySettings); a value
left at its default is printed with the default's source, a value changed in the settings file
is said to be the centre's own.
"""

from __future__ import annotations

from console.i18n.catalogue import Msg, translate
from console.settings import EnergySettings

WORDS: dict[str, Msg] = {
    "energy": translate("ReportEnergy", "6. Energy and carbon"),
    "energy_note": translate(
        "ReportEnergy",
        "Facility kWh = (GPU + CPU kWh) × PUE {pue}; tCO2e = facility kWh × {grid} kgCO2e/kWh "
        "÷ 1,000. Estimated %: the part of the GPU energy integrated from power, not read from a "
        "counter. The change is in facility kWh against {previous}.",
    ),
    "no_energy": translate("ReportEnergy", "No energy was recorded in this period."),
}

PUE_SOURCE = translate(
    "ReportEnergy", "the average of the Uptime Institute Global Data Center Survey 2023"
)
GRID_SOURCE = translate(
    "ReportEnergy",
    "Korea's national grid emission factor, Greenhouse Gas Inventory and Research Center "
    "(GIR), 0.4594 tCO2e/MWh",
)
OWN_VALUE = translate("ReportEnergy", "the centre's own value, from its settings file")

METHOD: tuple[Msg, ...] = (
    translate(
        "ReportEnergy",
        "GPU energy: the difference between consecutive samples of each GPU's energy counter "
        "(NVML nvmlDeviceGetTotalEnergyConsumption, or DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION "
        "through Prometheus).",
    ),
    translate(
        "ReportEnergy",
        "Estimated energy: a GPU without a counter (NVML says not supported) has its power "
        "integrated over time instead; so has an interval where the counter went back (driver "
        "reload, reboot, wrap) or rose more than any GPU draws. The estimated share says how "
        "much of each sector's GPU energy was made so.",
    ),
    translate(
        "ReportEnergy",
        "A gap is a gap: while a node does not answer, or when two of its samples are too far "
        "apart, no energy is counted; nothing is drawn across the gap.",
    ),
    translate(
        "ReportEnergy",
        "Energy is charged as GPU-hours are: to the organisation the GPU worked for and the "
        "node's sector. A MIG GPU's energy is split by each slice's share of the GPU, its "
        "profile's compute slices of seven (3g.40gb: 3/7); idle and unallocated slices go to "
        "the GPU's owner.",
    ),
    translate(
        "ReportEnergy",
        "CPU energy: the CPU packages' RAPL counters (/sys/class/powercap) where a node exposes "
        "them, charged to the node's organisation and shown apart from the GPUs'. IT energy is "
        "GPU + CPU energy.",
    ),
    translate("ReportEnergy", "Facility energy: IT energy × PUE {pue} ({source})."),
    translate(
        "ReportEnergy",
        "Emissions: facility energy × the grid emission factor {grid} kgCO2e/kWh ({source}); "
        "printed in tonnes (tCO2e).",
    ),
)


def energy_words(lang: str) -> dict[str, str]:
    return {key: msg.into(lang) for key, msg in WORDS.items()}


def _source(value: float, default: float, source: Msg, lang: str) -> str:
    return (source if value == default else OWN_VALUE).into(lang)


def energy_method(settings: EnergySettings, lang: str) -> list[str]:
    """The appendix's energy items, with the PUE and grid factor used and their sources."""
    default = EnergySettings()
    pue = _source(settings.pue, default.pue, PUE_SOURCE, lang)
    grid = _source(settings.grid_kgco2e_per_kwh, default.grid_kgco2e_per_kwh, GRID_SOURCE, lang)
    *plain, facility, emissions = METHOD
    return [
        *(m.into(lang) for m in plain),
        facility.into(lang, pue=f"{settings.pue:g}", source=pue),
        emissions.into(lang, grid=f"{settings.grid_kgco2e_per_kwh:g}", source=grid),
    ]
