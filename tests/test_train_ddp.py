"""Two-process DDP training (gloo, as torchrun runs it): the replicas stay in sync."""

import os
import socket
from pathlib import Path

import torch
import torch.multiprocessing as mp
from safetensors.torch import load_file, save_file

from signgen.checkpoint import save_checkpoint, state_tensors
from signgen.model import RPFM, TINY
from signgen.train.config import FlowTrainConfig
from signgen.train.flow import train_flow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _worker(rank: int, port: int, folder: str) -> None:
    os.environ.update(
        MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), WORLD_SIZE="2",
        LOCAL_RANK=str(rank),
    )  # fmt: skip
    config = FlowTrainConfig(
        out=Path(folder) / "flow", autoencoder=Path(folder) / "ae", steps=3, batch_size=2,
        eval_pairs=1, eval_every=1000, threads=1, rollout_after=1, pool_size=8,
    )  # fmt: skip
    result = train_flow(config)
    save_file(state_tensors(result.model), f"{folder}/rank{rank}.safetensors")
    torch.distributed.destroy_process_group()


def test_two_processes_stay_in_sync(tmp_path: Path) -> None:
    torch.manual_seed(0)
    initial = RPFM(TINY)
    save_checkpoint(tmp_path / "ae", initial)
    mp.spawn(_worker, args=(_free_port(), str(tmp_path)), nprocs=2, join=True)
    rank0 = load_file(str(tmp_path / "rank0.safetensors"))
    rank1 = load_file(str(tmp_path / "rank1.safetensors"))
    assert rank0.keys() == rank1.keys()
    for name in rank0:
        assert torch.equal(rank0[name], rank1[name]), name
    # The ranks saw different data and still agree: training moved the weights.
    start = initial.state_dict()
    name = "velocity_net.unet.conv_out.weight"
    assert not torch.equal(rank0[name], start[name])
    assert (tmp_path / "flow" / "model.safetensors").is_file()
