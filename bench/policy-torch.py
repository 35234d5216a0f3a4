"""
The BiDP network of policy/model.ts rebuilt in PyTorch, to time one AdamW training step on the
CPU for bench/policy.bench.ts (issue #7: yoto's tfjs step should take at most 1.5x PyTorch's).

Usage: /usr/bin/python3 bench/policy-torch.py '{"batch": 64, "points": 256, "actionDim": 60, ...}'
Keys (all optional): batch, points, proprioDim, actionDim, pointWidths, obsFeature,
proprioFeature, tembDim, hidden, blocks, groups, threads, warmup, reps.
Prints one JSON line: {"params", "ms_per_step", "threads", "torch", "blas", ...}.

PyTorch's Linear layers run on the BLAS that libblas.so.3 resolves to, and Debian's python3-torch
is content with the netlib reference BLAS (libblas3), several times slower than OpenBLAS; "blas"
names the library this process loaded. To time against OpenBLAS without changing the system's
alternatives: LD_LIBRARY_PATH=<dir holding OpenBLAS's libblas.so.3> (e.g. from libopenblas0-pthread).
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class FiLM(nn.Module):
    """x * (1 + scale) + shift with [scale, shift] = Linear(cond), as compress/film.ts."""

    def __init__(self, cond_dim: int, channels: int):
        super().__init__()
        self.channels = channels
        self.proj = nn.Linear(cond_dim, 2 * channels)
        nn.init.zeros_(self.proj.bias)

    def forward(self, x, cond):
        p = self.proj(cond)
        scale, shift = p[:, : self.channels], p[:, self.channels :]
        return x * (1 + scale) + shift


class Block(nn.Module):
    """Dense -> GroupNorm -> Mish -> FiLM -> Dense -> GroupNorm -> Mish, plus the skip."""

    def __init__(self, hidden: int, groups: int, cond_dim: int):
        super().__init__()
        self.dense0 = nn.Linear(hidden, hidden)
        self.norm0 = nn.GroupNorm(groups, hidden, eps=1e-5)
        self.film = FiLM(cond_dim, hidden)
        self.dense1 = nn.Linear(hidden, hidden)
        self.norm1 = nn.GroupNorm(groups, hidden, eps=1e-5)

    def forward(self, h, cond):
        y = F.mish(self.norm0(self.dense0(h)))
        y = self.film(y, cond)
        y = F.mish(self.norm1(self.dense1(y)))
        return h + y


class Bidp(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        widths = c["pointWidths"]
        layers, prev = [], 3
        for i, w in enumerate(widths):
            layers.append(nn.Linear(prev, w))
            if i < len(widths) - 1:
                layers.append(nn.ReLU())
            prev = w
        self.point_mlp = nn.Sequential(*layers)
        self.point_proj = nn.Linear(prev, c["obsFeature"])
        self.proprio = nn.Sequential(
            nn.Linear(c["proprioDim"], c["proprioFeature"]), nn.ReLU(), nn.Linear(c["proprioFeature"], c["proprioFeature"])
        )
        self.temb = nn.Sequential(
            nn.Linear(c["tembDim"], 2 * c["tembDim"]), nn.Mish(), nn.Linear(2 * c["tembDim"], c["tembDim"])
        )
        cond_dim = c["obsFeature"] + c["proprioFeature"] + c["tembDim"]
        self.in_proj = nn.Linear(c["actionDim"], c["hidden"])
        self.blocks = nn.ModuleList(Block(c["hidden"], c["groups"], cond_dim) for _ in range(c["blocks"]))
        self.eps = nn.Linear(c["hidden"], c["actionDim"])
        nn.init.zeros_(self.eps.weight)  # as policy/model.ts: the output kernel starts at zero

    def forward(self, points, proprio, temb, noisy):
        p = self.point_mlp(points).amax(dim=1)  # (B, N, W) -> global max-pool over points
        cond = torch.cat([self.point_proj(p), self.proprio(proprio), self.temb(temb)], dim=1)
        h = self.in_proj(noisy)
        for b in self.blocks:
            h = b(h, cond)
        return self.eps(F.mish(h))


DEFAULTS = {
    "batch": 64,
    "points": 256,
    "proprioDim": 34,
    "actionDim": 60,
    "pointWidths": [64, 128, 256],
    "obsFeature": 128,
    "proprioFeature": 64,
    "tembDim": 64,
    "hidden": 256,
    "blocks": 3,
    "groups": 8,
    "threads": 2,
    "warmup": 3,
    "reps": 15,
}


def loaded_blas() -> str:
    """The BLAS libraries mapped into this process (call after a matmul ran)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if len(line.split()) >= 6}
    except OSError:
        return "unknown"
    libs = {os.path.realpath(p) for p in paths if "blas" in os.path.basename(p) or "mkl" in os.path.basename(p)}
    return ", ".join(sorted(libs)) or "none found"


def main() -> None:
    c = {**DEFAULTS, **(json.loads(sys.argv[1]) if len(sys.argv) > 1 else {})}
    torch.set_num_threads(int(c["threads"]))
    torch.manual_seed(0)
    model = Bidp(c)
    params = sum(p.numel() for p in model.parameters())
    B, N, A = c["batch"], c["points"], c["actionDim"]
    x = (torch.randn(B, N, 3), torch.randn(B, c["proprioDim"]), torch.randn(B, c["tembDim"]), torch.randn(B, A))
    target = torch.randn(B, A)
    # policy/train.ts: AdamW, lr 1e-3 (peak), weight decay 1e-6.
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-6)

    def step() -> float:
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(*x), target)
        loss.backward()
        opt.step()
        return loss.item()  # like Hesso.minimize, which reads the loss back every step

    for _ in range(int(c["warmup"])):
        step()
    times = []
    for _ in range(int(c["reps"])):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    print(
        json.dumps(
            {
                "params": params,
                "ms_per_step": statistics.median(times),
                "ms_min": min(times),
                "threads": torch.get_num_threads(),
                "torch": torch.__version__,
                "blas": loaded_blas(),
                "batch": B,
                "points": N,
                "actionDim": A,
            }
        )
    )


if __name__ == "__main__":
    main()
