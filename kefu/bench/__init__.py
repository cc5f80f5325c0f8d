"""Benchmark-only app: the bare reference endpoint of bench/ (installed only with KEFU_BENCH=1)."""
