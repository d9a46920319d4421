"""The benchmark as a rich table (rows, K search, checks) and as a latency-vs-quality PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from signgen.io.atomic import replace_via_temp

from .results import BenchReport

COLUMNS = ("row", "frames", "p50 ms", "p95 ms", "fps", "NFE", "SSIM", "hand SSIM",
           "limb PSNR", "flicker/GT", "drift", "speed-up")  # fmt: skip


def _optional(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def bench_table(report: BenchReport) -> Table:
    """One row per benchmark row; the caption names the machine and the clip."""
    clip = report.clip
    table = Table(
        title=f"samplers: {report.checkpoint}, held-out clip {clip['index']}, "
        f"{clip['frames']} frames at {clip['size']}x{clip['size']}",
        title_justify="left",
    )
    for column in COLUMNS:
        table.add_column(column, justify="left" if column == "row" else "right")
    for row in report.rows:
        table.add_row(
            row.name, str(row.frames), f"{row.p50_ms:.1f}", f"{row.p95_ms:.1f}", f"{row.fps:.1f}",
            f"{row.nfe:.2f}", f"{row.ssim:.4f}", f"{row.hand_ssim:.4f}", f"{row.limb_psnr:.2f}",
            f"{row.flicker_ratio:.2f}", _optional(row.drift, "+.4f"),
            _optional(row.speedup, ".1f") + "x",
        )  # fmt: skip
    notes = [describe(report.machine)]
    if clip["frames_50"] < clip["frames"]:
        notes.append(
            f"the 50-step row ran on the first {clip['frames_50']} frames only; the K search "
            f"compares SSIM on those frames"
        )
    timing = report.timing
    if timing.get("rounds"):
        notes.append(
            f"ms/frame from {timing['rounds']} interleaved timing rounds of {timing['frames']} "
            f"frames per row ({timing['frames_50']} for the 50-step row), frame 0 of each left "
            "out; NFE per frame over frames 1.. of the quality run"
        )
    else:
        notes.append("ms/frame over frames 1.. (frame 0 is always cold); NFE per frame likewise")
    if report.compile_s is not None:
        notes.append(f"torch.compile: {report.compile_s:.1f} s (excluded)")
    table.caption = "\n".join(notes)
    table.caption_justify = "left"
    return table


def k_search_table(report: BenchReport) -> Group:
    search = report.k_search
    table = Table(title="K search", title_justify="left")
    for column in ("K", "SSIM", "gap", "within"):
        table.add_column(column, justify="right")
    for t in search.trials:
        table.add_row(str(t.k), f"{t.ssim:.4f}", f"{t.gap:+.4f}", "yes" if t.within else "no")
    summary = Text(
        f"cold K steps vs the 50-step row (SSIM {search.reference_ssim:.4f} on the first "
        f"{report.clip['frames_50']} frames): the smallest K within {search.tolerance:g} is "
        f"K = {search.k}" + ("" if search.found else " (none within: the best one)")
    )
    return Group(table, summary)


def plot_bench(report: BenchReport, path: str | Path) -> Path:
    """PNG: p50 ms/frame (log x) against SSIM and hand-crop SSIM, one marker per row (named
    in a shared legend), with the 40 ms real-time line."""
    import matplotlib

    matplotlib.use("Agg")  # files only; never opens a window
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(11, 5), layout="constrained")
    markers = "osD^v<>Xph*"
    panels = ((axes[0], "ssim_50", f"SSIM (first {report.clip['frames_50']} frames)"),
              (axes[1], "hand_ssim", "hand-crop SSIM (each row's frames)"))  # fmt: skip
    for axis, metric, label in panels:
        for i, row in enumerate(report.rows):
            axis.scatter(row.p50_ms, getattr(row, metric), s=60, marker=markers[i % 11],
                         label=row.name, zorder=3)  # fmt: skip
        axis.axvline(40.0, color="crimson", linestyle="--", linewidth=1, label="40 ms (25 fps)")
        axis.set_xscale("log")
        lows = [r.p50_ms for r in report.rows]
        axis.set_xlim(min(lows) / 1.5, max(lows) * 1.5)
        axis.set_xlabel("p50 ms per frame (log)")
        axis.set_ylabel(label)
        axis.grid(True, which="both", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=8)
    figure.suptitle(f"latency vs quality: {describe(report.machine)}", fontsize=10)
    try:
        return replace_via_temp(
            path, lambda temp: figure.savefig(temp, dpi=110, format="png"), "the plot"
        )
    finally:
        plt.close(figure)


def markdown_table(report: BenchReport) -> str:
    """The rows as a GitHub Markdown table (the README's performance table), with notes."""
    header = ("row", "p50 ms", "p95 ms", "fps", "NFE/frame", "SSIM", "hand SSIM", "limb PSNR",
              "flicker / GT", "drift", "speed-up")  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in report.rows:
        cells = (r.name, f"{r.p50_ms:.1f}", f"{r.p95_ms:.1f}", f"{r.fps:.1f}", f"{r.nfe:.2f}",
                 f"{r.ssim:.3f}", f"{r.hand_ssim:.3f}", f"{r.limb_psnr:.2f}",
                 f"{r.flicker_ratio:.2f}", _optional(r.drift, "+.4f"),
                 _optional(r.speedup, ".1f") + "x")  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    clip = report.clip
    notes = [
        f"{describe(report.machine)}; held-out clip {clip['index']}, {clip['frames']} frames "
        f"at {clip['size']}x{clip['size']}; the K search picked K = {report.k_search.k}.",
    ]
    if clip["frames_50"] < clip["frames"]:
        notes.append(f"The 50-step row ran on the first {clip['frames_50']} frames.")
    return "\n".join(lines) + "\n\n" + " ".join(notes) + "\n"


def describe(info: dict[str, Any]) -> str:
    """One line: '2-core Intel(R) Xeon(R) ... (AVX-512 bf16), 2 threads, bf16, torch 2.x'."""
    isa = (
        " (AVX-512 bf16)" if info.get("avx512_bf16") else " (AVX-512)" if info.get("avx512") else ""
    )
    where = info.get("gpu") or f"{info['cores']}-core {info['cpu']}{isa}"
    dtype = {"bfloat16": "bf16", "float32": "fp32"}.get(info["dtype"], info["dtype"])
    return f"{where}, {info['threads']} threads, {dtype}, torch {info['torch']}"
