"""Developer scripts: ``python -m scripts.load_test``, ``python -m scripts.mutation_check``."""
