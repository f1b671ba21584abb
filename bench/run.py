"""Run every benchmark (bench/bench_*.py), or one: `make bench ONLY=patient_list`."""

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import benchmark_database, setup_django


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    names = [p.stem.removeprefix("bench_") for p in sorted(here.glob("bench_*.py"))]
    if argv:
        unknown = set(argv) - set(names)
        if unknown:
            print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(names)}")
            return 2
        names = argv
    setup_django()
    results = {}
    with benchmark_database():
        for name in names:
            module = importlib.import_module(f"bench.bench_{name}")
            results[name] = module.run()
    missed = [n for n, ok in results.items() if not ok]
    print(f"\n{len(results) - len(missed)} of {len(results)} benchmarks met their goals")
    if missed:
        print("missed: " + ", ".join(missed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
