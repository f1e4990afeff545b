"""Limits on what alignkit reads, shared by the loaders and the command line."""

from typing import Final

__all__ = ["DEFAULT_MAX_BYTES"]

DEFAULT_MAX_BYTES: Final = 10 * 1024 * 1024
"""The largest alignment file (or file it names) read by default: 10 MiB."""
