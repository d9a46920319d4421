"""The samplers of the field side by side on one held-out synthetic clip (a research
comparison: `benchmarks/bench_latency.py` runs it; `signgen bench` times the user's own setup)."""

from .checks import TITLE as CHECKS_TITLE
from .checks import evaluate_checks
from .config import BenchConfig
from .results import BenchReport, RowResult, read_json, write_json
from .runner import run_bench
from .search import KSearch, KTrial, choose_k
from .table import bench_table, k_search_table, plot_bench

__all__ = [
    "CHECKS_TITLE",
    "BenchConfig",
    "BenchReport",
    "KSearch",
    "KTrial",
    "RowResult",
    "bench_table",
    "choose_k",
    "evaluate_checks",
    "k_search_table",
    "plot_bench",
    "read_json",
    "run_bench",
    "write_json",
]
