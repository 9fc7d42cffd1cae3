"""The NVML funnel: every NVML call goes through Funnel.call.

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

from .fields import error_entry

# errors that will not go away by asking again: remember them, report once, stop asking
PERSISTENT_ERRORS = (
    "NVML_ERROR_NOT_SUPPORTED",
    "NVML_ERROR_FUNCTION_NOT_FOUND",
    "NVML_ERROR_NO_PERMISSION",
)
# of those, the ones meaning "this GPU or driver has no such thing" (the probe may stand in)
LACKING_ERRORS = ("NVML_ERROR_NOT_SUPPORTED", "NVML_ERROR_FUNCTION_NOT_FOUND")
LOST_ERROR = "NVML_ERROR_GPU_IS_LOST"


class Funnel:
    """Every NVML call goes through call(): an error becomes None and one entry in `errors`.

    `target` is a function name of the library, a tuple of names to try in order (newer first;
    a name the library or driver lacks moves on to the next), or a callable wrapping NVML calls.
    """

    def __init__(self, lib):
        self.lib = lib
        self.error_names = {
            value: name
            for name, value in vars(lib).items()
            if name.startswith("NVML_ERROR_") and isinstance(value, int)
        }
        self.unsupported = set()  # (gpu, field) never asked again
        self.reasons = {}  # (gpu, field) in unsupported → the error that put it there
        self.missing = set()  # function names the library or driver lacks
        self.lost = set()  # GPUs that reported GPU_IS_LOST during this sample
        self.errors = []
        self.calls = 0

    def start_sample(self):
        """Lost GPUs are asked again every sample: a reset may bring them back."""
        self.lost = set()

    def take_errors(self):
        errors, self.errors = self.errors, []
        return errors

    def forget_unsupported(self, gpu):
        """A MIG mode change alters what a GPU supports, so ask again."""
        self.unsupported = {key for key in self.unsupported if key[0] != gpu}
        self.reasons = {key: why for key, why in self.reasons.items() if key[0] != gpu}

    def lacks(self, gpu, field):
        """The GPU (or its driver) has no such reading at all, as opposed to refusing it."""
        return self.reasons.get((gpu, field)) in LACKING_ERRORS

    def call(self, gpu, field, target, *args, quiet=()):
        if gpu in self.lost or (gpu, field) in self.unsupported:
            return None
        error = "NVML_ERROR_FUNCTION_NOT_FOUND"
        for name, fn in self._functions(target):
            try:
                self.calls += 1
                return fn(*args)
            except self.lib.NVMLError as exc:
                error = self.error_name(exc)
                if error == "NVML_ERROR_FUNCTION_NOT_FOUND" and name is not None:
                    self.missing.add(name)  # this driver lacks it: try the older name
                    continue
                break
            except Exception as exc:  # a wrapper bug or ctypes trouble must not end the line
                error = f"{type(exc).__name__}: {exc}"
                break
        if error in quiet:
            return None
        if error in PERSISTENT_ERRORS:
            self.unsupported.add((gpu, field))
            self.reasons[(gpu, field)] = error
        elif error == LOST_ERROR and gpu is not None:
            self.lost.add(gpu)
        self.errors.append(error_entry(gpu, field, error))
        return None

    def _functions(self, target):
        if callable(target):
            return ((None, target),)
        names = (target,) if isinstance(target, str) else target
        found = []
        for name in names:
            fn = getattr(self.lib, name, None)
            if fn is not None and name not in self.missing:
                found.append((name, fn))
        return found

    def error_name(self, exc):
        value = getattr(exc, "value", None)
        return self.error_names.get(value, f"NVML_ERROR_{value}")
