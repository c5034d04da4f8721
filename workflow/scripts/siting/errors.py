"""Exceptions with messages that tell the user what to do.

Every error the pipeline raises on bad input derives from :class:`SitingError`. Scripts catch it,
log the message (no traceback) and exit non-zero, see :func:`siting.logs.run_script`.
"""


class SitingError(Exception):
    """Base class: a problem the user can fix; the message names the file or key and the fix."""


class ConfigError(SitingError):
    """A config value is missing, misspelled, of the wrong type or out of bounds."""


class InputError(SitingError):
    """An input file is missing, corrupt, in an unexpected CRS/format, or does not cover the region."""


class DownloadError(SitingError):
    """A download failed; the message names the URL and where to place the file by hand."""


class ModelError(SitingError):
    """A physics model produced invalid output (e.g. NaN), or was given inputs outside its domain."""
