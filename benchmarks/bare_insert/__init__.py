"""The bare-Django baseline of benchmarks/write_bench.py: one model, one insert view."""
