"""The page: layout, the control column and the About view (Dash components, no callbacks)."""
