"""Build benchmark: this bulletin against plain Pelican on synthetic notes.

`invoke bench` calls run_bench.
"""

from .bench import BenchError, BenchResult, format_report, run_bench
from .profile import profile_summary

__all__ = ["BenchError", "BenchResult", "format_report", "profile_summary", "run_bench"]
