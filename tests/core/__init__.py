"""The physics core: invariants, oracles, the papers' numbers, the CLI and the reproduction table."""
