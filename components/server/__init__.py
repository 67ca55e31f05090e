"""The Flask server underneath Dash: cache backend, request budget, payload checks, headers, errors, health.

Nothing here knows about panels or controls.
"""
