"""Run every benchmark module (``benchmarks/bench_*.py``) in turn: ``python -m benchmarks``."""

import importlib
import pkgutil
import sys

import benchmarks

failed = 0
for module in sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")):
    print(f"== {module}")
    failed |= importlib.import_module(f"benchmarks.{module}").main([]) or 0
sys.exit(failed)
