"""Benchmark sections: each module has `run(ctx) -> list[Row]`; scripts/benchmark.py runs the ones asked for."""
