"""The latency and quality checks, evaluated on a report: figure, target, pass/fail."""

from __future__ import annotations

from signgen.targets import Check, flicker_ok

from .config import FIFTY_STEP, FLOOR, TRAINED, cold_name
from .results import BenchReport

TITLE = "latency checks"


def evaluate_checks(report: BenchReport) -> list[Check]:
    """Trained warm start vs the honest cold row, the 50-step row, real time and the floor."""
    warm = report.row(TRAINED)
    cold = report.row(cold_name(report.k_search.k))
    fifty = report.row(FIFTY_STEP)
    floor = report.row(FLOOR)
    ratio = warm.p50_ms / cold.p50_ms
    return [
        Check(f"warm / cold K={cold.name.split('=')[-1]} ms/frame", ratio, "<= 0.65",
              ratio <= 0.65),
        Check("warm - cold hand SSIM", warm.hand_ssim - cold.hand_ssim, ">= 0",
              warm.hand_ssim >= cold.hand_ssim),
        Check("warm - cold limb PSNR (dB)", warm.limb_psnr - cold.limb_psnr, ">= 0",
              warm.limb_psnr >= cold.limb_psnr),
        Check("warm flicker / ground truth", warm.flicker_ratio, "0.85 .. 1.15",
              flicker_ok(warm.flicker_ratio)),
        Check("speed-up vs 50-step", fifty.p50_ms / warm.p50_ms, ">= 25",
              fifty.p50_ms / warm.p50_ms >= 25),
        Check("50-step - warm SSIM (50-step frames)", fifty.ssim_50 - warm.ssim_50, "<= 0.02",
              fifty.ssim_50 - warm.ssim_50 <= 0.02),
        Check("warm p50 ms/frame", warm.p50_ms, "<= 40 (goal 25)", warm.p50_ms <= 40),
        Check("warm / floor ms/frame", warm.p50_ms / floor.p50_ms, "<= 1.3",
              warm.p50_ms / floor.p50_ms <= 1.3),
    ]  # fmt: skip
