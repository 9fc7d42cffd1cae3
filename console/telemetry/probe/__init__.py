"""Hangang probe: runs ON A NODE and prints one JSON line per sample (docs/protocol.md).

The console sends this package over SSH as one script (`python3 -u - --stream 2` with the source on
stdin): console/telemetry/bundle.py registers its modules from embedded source and runs
__main__.py. So every module here must run on Python >= 3.8 with the standard library only
(pynvml and psutil are used when importable), import its siblings relatively, and never import
the console package. The console imports some of them too (the nvidia-smi CSV parser, the /proc
readers), so importing them must stay cheap and free of side effects.

    python3 -m console.telemetry.probe --once [--sim 8]
    python3 -m console.telemetry.probe --stream 2 [--mounts /,/scratch] [--max-seconds 21600]

GPU data comes from NVML (pynvml), from the simulated NVML (nvml_sim, with --sim or the
HANGANG_NVML_SIM environment variable), or, when NVML cannot be loaded, from one long-running
`nvidia-smi --query-gpu ... --format=csv -lms N`. Every NVML call goes through Funnel.call, which
turns errors into null fields plus one entry in the line's "errors", so one broken GPU never costs
the node its line.

Modules, in the order the bundle loads them: fields (the line's shape), jobs (a process's Slurm
job from /proc), procfs (/proc readers),
smi_csv (nvidia-smi CSV), funnel (the NVML funnel), energy (the power integral standing in for
a missing energy counter), nvml_gpus, smi_gpus (the nvidia-smi fallback), rapl (CPU package
energy), node (host numbers), sources (choosing a GPU source), sample (the line), cli (the
command line and main loop).
"""
