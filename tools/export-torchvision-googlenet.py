#!/usr/bin/env python3
"""Exports torchvision's ImageNet GoogLeNet to ONNX for vkinception.

    /usr/bin/python3 tools/export-torchvision-googlenet.py OUT.onnx [--weights FILE.pth]

Without --weights, torchvision loads its IMAGENET1K_V1 weights from its cache
(~/.cache/torch/hub/checkpoints/googlenet-1378be20.pth), downloading them if
it can. The file records its preprocessing in metadata_props (RGB, ImageNet
mean and std on the 0-255 scale, 224x224), which vkinception and
vkinception-infer read. Labels: models/imagenet.labels.

torchvision's ImageNet weights were trained on pixels scaled to [-1, 1]; its
googlenet converts ImageNet-normalised input back to that scale
(transform_input) with ops the engine does not run. The export leaves that
step out and records the equivalent preprocessing instead: (p - 127.5) / 127.5
for every channel."""
import argparse
import sys

import onnx
import torch
import torchvision

# transform_input's target scale: x = (p / 255 - 0.5) / 0.5.
MEAN = [127.5, 127.5, 127.5]
STD = [127.5, 127.5, 127.5]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--weights", help="a state dict saved from torchvision's googlenet")
    ap.add_argument("--opset", type=int, default=12)
    args = ap.parse_args()

    try:
        if args.weights:
            model = torchvision.models.googlenet(weights=None, aux_logits=False,
                                                 init_weights=False)
            state = torch.load(args.weights, map_location="cpu")
            # The published checkpoint carries the auxiliary heads too.
            state = {k: v for k, v in state.items() if not k.startswith("aux")}
            model.load_state_dict(state)
        else:
            weights = torchvision.models.GoogLeNet_Weights.IMAGENET1K_V1
            model = torchvision.models.googlenet(weights=weights)
    except Exception as e:  # noqa: BLE001 - one line for any failure
        sys.exit(f"export-torchvision-googlenet: cannot load the weights: {e}")
    model.transform_input = False
    model.eval()

    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), args.out,
                      input_names=["input"], output_names=["logits"],
                      opset_version=args.opset)
    m = onnx.load(args.out)
    for key, value in {
        "vkinception.channel_order": "RGB",
        "vkinception.mean": ",".join(f"{v:g}" for v in MEAN),
        "vkinception.std": ",".join(f"{v:g}" for v in STD),
        "vkinception.input_size": "224x224",
    }.items():
        m.metadata_props.add(key=key, value=value)
    onnx.save(m, args.out)
    print(args.out)


if __name__ == "__main__":
    main()
