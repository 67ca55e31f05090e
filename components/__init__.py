"""The qdgain web dashboard: layout, figure builders, callbacks and exports (on top of qdgain_core)."""
