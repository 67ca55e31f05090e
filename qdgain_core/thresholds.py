"""Transitional alias of ``crossing`` (the root finder) while ``ase`` moves over; do not import in new code."""

from .crossing import first_crossing, linear_criterion, probabilities_at, search_limit  # noqa: F401
