"""Benchmarks: ``python -m benchmarks [name ...]`` (``make bench`` runs them all).

Each module listed in ``__main__.BENCHMARKS`` has a ``run()`` function that
prints its figures. They need PostgreSQL: set DATABASE_URL to any database on
the server; each benchmark works in a process and a throwaway database
``bpu_bench_<name>`` of its own.
"""
