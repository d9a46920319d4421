"""`signgen bench`: the rows of the field side by side on one held-out clip."""

from signgen.bench.checks import TITLE as CHECKS_TITLE
from signgen.bench.checks import evaluate_checks
from signgen.bench.config import BenchConfig
from signgen.bench.results import BenchReport, RowResult, read_json, write_json
from signgen.bench.runner import run_bench
from signgen.bench.search import KSearch, KTrial, choose_k
from signgen.bench.table import bench_table, k_search_table, plot_bench

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
