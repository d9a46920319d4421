"""Reading a long pose file: a 10-minute, 50 fps MediaPipe Holistic recording (30,000 frames).

    .venv/bin/python benchmarks/bench_pose_io.py [--frames N] [--folder DIR]

Builds the file by tiling the real recording tests/data/poses/segmentation_example.pose
(576 points, XYZC, as MediaPipe writes it), then times `read_poses` and `read_canonical` and
prints the peak memory of the process against the file size.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
from pose_format import Pose
from pose_format.numpy.pose_body import NumPyPoseBody

from signgen.io import read_canonical, read_poses

SOURCE = (
    Path(__file__).resolve().parents[1] / "tests" / "data" / "poses" / "segmentation_example.pose"
)


def build(path: Path, frames: int) -> None:
    """A pose-format file of ``frames`` frames at 50 fps, the real recording repeated."""
    pose = Pose.read(SOURCE.read_bytes())
    reps = -(-frames // pose.body.data.shape[0])
    data = np.tile(np.asarray(pose.body.data.data), (reps, 1, 1, 1))[:frames]
    conf = np.tile(np.asarray(pose.body.confidence), (reps, 1, 1))[:frames]
    with path.open("wb") as file:
        Pose(pose.header, NumPyPoseBody(50.0, data, conf)).write(file)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=30_000)
    parser.add_argument("--folder", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        path = Path(folder) / "long.pose"
        # Built in a child process so this process's peak memory is the reading alone.
        child = multiprocessing.get_context("spawn").Process(target=build, args=(path, args.frames))
        child.start()
        child.join()
        size = path.stat().st_size / 2**20
        before = peak_mib()
        start = time.perf_counter()
        seq = read_poses(path)
        seconds = time.perf_counter() - start
        print(f"file: {args.frames} frames, 576 points XYZC, {size:.0f} MiB")
        print(
            f"read_poses: {seconds:.2f} s, {seq.num_frames} frames, {seq.duration:.0f} s of video"
        )
        print(f"peak RSS: {peak_mib():.0f} MiB (before reading: {before:.0f} MiB)")
        start = time.perf_counter()
        read_canonical(path)
        print(f"read_canonical: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
