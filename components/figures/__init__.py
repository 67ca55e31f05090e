"""Pure figure builders: core results in, ``go.Figure`` (or Markdown text) out; no Dash, no state."""
