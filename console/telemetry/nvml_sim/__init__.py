"""Simulated NVML: the pynvml call surface the probe uses, backed by made-up GPUs.

This is the only hardware stand-in in the project. It is shipped to nodes together with the probe
(console/telemetry/bundle.py registers this package there as `nvml_sim`), so it must stay
stdlib-only, run on Python 3.8 and import its own modules relatively. The probe uses it exactly
like the pynvml module: same function names, same error classes, same constants, same units
(bytes, mW, MHz), all read off this package.

Devices follow a SPEC string (spec.parse_spec): a GPU count, a model, a load shape, MIG, a seed
and faults, each on one GPU and, optionally, only for a window of seconds after nvmlInit (so tests
drive an alert through firing and clearing over the real probe). The boards and their numbers are
in devices.py, pynvml's names in constants.py and errors.py, its functions in api.py.
"""

# the probe reads pynvml's names off the module it imports, so they all live here
from .api import *  # noqa: F403
from .constants import *  # noqa: F403
from .errors import *  # noqa: F403
