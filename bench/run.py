"""Run every benchmark (bench/bench_*.py), or some: `make bench ONLY=patient_list`.

--smoke (or BENCH_SMOKE=1): every benchmark at a small size (`make bench-smoke`); each size can
still be set through its environment variable. Exit status 1 when a benchmark raised or missed a
deterministic goal (query counts, duplicates, index use, exact equality); missed timing goals
are reported but exit 0.
"""

import importlib
import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import benchmark_database, setup_django


def main(argv: list[str]) -> int:
    if "--smoke" in argv:
        os.environ["BENCH_SMOKE"] = "1"
        argv = [a for a in argv if a != "--smoke"]
    here = Path(__file__).resolve().parent
    names = [p.stem.removeprefix("bench_") for p in sorted(here.glob("bench_*.py"))]
    if argv:
        unknown = set(argv) - set(names)
        if unknown:
            print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(names)}")
            return 2
        names = argv
    setup_django()
    outcomes, errors, seconds = {}, [], {}
    started = time.perf_counter()
    for name in names:
        start = time.perf_counter()
        # a fresh database each: a benchmark's figures do not depend on which ran before it
        with benchmark_database():
            try:
                module = importlib.import_module(f"bench.bench_{name}")
                outcomes[name] = module.run()
            except Exception:
                traceback.print_exc()
                print(f"== {name}: ERROR (above)", flush=True)
                errors.append(name)
        seconds[name] = time.perf_counter() - start
    missed = [n for n, o in outcomes.items() if not o.met]
    broken = [n for n, o in outcomes.items() if not o.deterministic_met]
    print(f"\n{len(outcomes) - len(missed)} of {len(names)} benchmarks met their goals")
    print("seconds: " + ", ".join(f"{n} {s:.0f}" for n, s in seconds.items()), end="")
    print(f"; total {time.perf_counter() - started:.0f}")
    if missed:
        print("missed: " + ", ".join(missed))
    if broken:
        print("missed a deterministic goal: " + ", ".join(broken))
    if errors:
        print("errors: " + ", ".join(errors))
    return 1 if errors or broken else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
