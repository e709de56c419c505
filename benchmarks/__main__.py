"""Run benchmarks: ``python -m benchmarks`` (all) or ``python -m benchmarks import report``.

Each benchmark runs in a process of its own, on a database of its own
(``bpu_bench_<name>``): one cannot change another's data (the import benchmark
truncates its tables), and a process's peak memory is that benchmark's alone.
Running them twice in a row measures the same workload twice.
"""

import importlib
import os
import subprocess
import sys

# name -> module (in this package) with a ``run()`` function, and optionally an
# ``ENVIRONMENT`` dict set before Django starts. Add yours here.
BENCHMARKS = {
    "import": "benchmarks.import_bench",
    "statistics": "benchmarks.statistics_bench",
    "report": "benchmarks.report_bench",
    "monitor": "benchmarks.monitor_bench",
    "programme": "benchmarks.programme_bench",
    "workers": "benchmarks.workers_bench",
    "web": "benchmarks.web_bench",
}


def run_one(name: str) -> int:
    from benchmarks.setup import setup_django

    module = importlib.import_module(BENCHMARKS[name])
    # Settings read once, when Django starts (such as the broker), must be in place before.
    os.environ.update(getattr(module, "ENVIRONMENT", {}))
    setup_django(name)
    module.run()
    return 0


def main(argv):
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Known: {', '.join(BENCHMARKS)}")
        return 2
    if len(names) == 1:
        print(f"== {names[0]} ==", flush=True)
        return run_one(names[0])
    failed = 0
    for name in names:
        failed |= subprocess.call([sys.executable, "-m", "benchmarks", name])  # noqa: S603
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
