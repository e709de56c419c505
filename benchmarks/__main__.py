"""Run benchmarks: ``python -m benchmarks`` (all) or ``python -m benchmarks import report``."""

import importlib
import sys

# name -> module (in this package) with a ``run()`` function. Add yours here.
BENCHMARKS = {
    "import": "benchmarks.import_bench",
    "statistics": "benchmarks.statistics_bench",
    "report": "benchmarks.report_bench",
}


def main(argv):
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Known: {', '.join(BENCHMARKS)}")
        return 2
    from benchmarks.setup import setup_django

    setup_django()
    for name in names:
        print(f"== {name} ==", flush=True)
        importlib.import_module(BENCHMARKS[name]).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
