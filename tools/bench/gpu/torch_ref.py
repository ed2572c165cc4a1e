#!/usr/bin/env python3
"""PyTorch's own time for torchvision's GoogLeNet on the GPU (cuDNN), the
reference point for tools/bench/gpu/check.sh: median ms at batch 1 and at
batch B (argv[1]), float32 and float16, timed with CUDA events."""

import statistics
import sys

import torch
from torchvision.models import googlenet


def median_ms(net, x, runs):
    times = []
    with torch.inference_mode():
        for _ in range(10):
            net(x)
        torch.cuda.synchronize()
        for _ in range(runs):
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            a.record()
            net(x)
            b.record()
            b.synchronize()
            times.append(a.elapsed_time(b))
    return statistics.median(times)


def main():
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(1)
    net = googlenet(weights=None, aux_logits=False, init_weights=True).eval().cuda()
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name()}")
    for dtype in (torch.float32, torch.float16):
        net = net.to(dtype)
        for b in (1, batch):
            x = torch.rand(b, 3, 224, 224, device="cuda", dtype=dtype)
            ms = median_ms(net, x, 100 if b == 1 else 50)
            print(f"torch {str(dtype)[6:]} b{b}: {ms:.3f} ms, {1000 * b / ms:.0f} img/s")


if __name__ == "__main__":
    main()
