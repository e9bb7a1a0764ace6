"""Benchmarks: performance as ratios against a baseline timed in the same run."""
