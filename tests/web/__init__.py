"""The web layer without a browser: callbacks, figures, exports, URL state, the result cache."""
