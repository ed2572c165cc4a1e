#!/usr/bin/env python3
"""Generate an ONNX test model with seeded random weights and a PyTorch reference.

Writes into --out-dir:
  model.onnx    the model
  input.bin     raw little-endian float32 NCHW input, uniform[-1, 1]
  expected.bin  raw float32 of the model's single output, computed by PyTorch
                in float64 (never by executing model.onnx)
  info.txt      key=value lines: input_shape, output_shape, input_name, ...

Kinds:
  bvlc         GoogLeNet with the graph layout of the ONNX Model Zoo's
               caffe2-converted BVLC GoogLeNet (tensor names, explicit and
               asymmetric pads, LRN, Dropout, Reshape, Gemm, Softmax)
  torchvision  torchvision.models.googlenet exported by torch.onnx.export,
               BatchNormalization left unfolded
  nin          small Network-in-Network, dynamic H and W, no Gemm
  tiny         one-inception-module GoogLeNet look-alike for fast tests

Run with /usr/bin/python3 (Debian's, which has torch, torchvision and onnx).
"""

import argparse
import copy
import io
import os
import sys
from collections import Counter

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

HAND_BUILT_OPSETS = (3, 7, 8, 9, 10, 11, 12)
EXPORT_OPSETS = range(10, 18)
DEFAULT_OPSET = {"bvlc": 12, "torchvision": 11, "nin": 11, "tiny": 12}
DEFAULT_SIZE = {"bvlc": (224, 224), "torchvision": (224, 224),
                "nin": (32, 32), "tiny": (17, 23)}
MIN_SIZE = {"bvlc": 224, "torchvision": 16, "nin": 8, "tiny": 3}

# onnx.helper.find_min_ir_version_for() has no entry for opsets 2-4, so the
# IR version that goes with each opset we emit by hand is spelled out here.
IR_VERSION = {3: 3, 7: 3, 8: 3, 9: 4, 10: 5, 11: 6, 12: 7}

# name, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj
# (Szegedy et al. 2014, table 1).
INCEPTION = (
    ("3a", 64, 96, 128, 16, 32, 32),
    ("3b", 128, 128, 192, 32, 96, 64),
    ("4a", 192, 96, 208, 16, 48, 64),
    ("4b", 160, 112, 224, 24, 64, 64),
    ("4c", 128, 128, 256, 24, 64, 64),
    ("4d", 112, 144, 288, 32, 64, 64),
    ("4e", 256, 160, 320, 32, 128, 128),
    ("5a", 256, 160, 320, 32, 128, 128),
    ("5b", 384, 192, 384, 48, 128, 128),
)
POOL_AFTER = {"3b": "pool3/3x3_s2", "4e": "pool4/3x3_s2"}
BVLC_PARAMS = 6998552
BVLC_CLASSES = 1000
LRN_BVLC = dict(size=5, alpha=1e-4, beta=0.75, bias=1.0)
# Strong enough that LRN visibly changes the tiny model's output; with the
# GoogLeNet constants it is almost the identity on unit-scale activations.
LRN_TINY = dict(size=5, alpha=0.5, beta=0.75, bias=1.0)
TINY_CLASSES = 7

# ---------------------------------------------------------------------------
# Seeded weights shared by the hand-built ONNX graphs and their references.


def conv_weights(rng, weights, name, cin, cout, k, gain=1.0, bias=0.05):
    # He-normal keeps the activation scale roughly constant through ReLU
    # layers, so 22 random layers neither explode nor vanish.
    std = gain * np.sqrt(2.0 / (cin * k * k))
    weights[name + "_w_0"] = (rng.standard_normal((cout, cin, k, k), dtype=np.float32)
                              * np.float32(std))
    weights[name + "_b_0"] = rng.uniform(-bias, bias, cout).astype(np.float32)


def fc_weights(rng, weights, name, cin, cout, std, bias=0.05):
    weights[name + "_w_0"] = (rng.standard_normal((cout, cin), dtype=np.float32)
                              * np.float32(std))
    weights[name + "_b_0"] = rng.uniform(-bias, bias, cout).astype(np.float32)


def bvlc_weights(rng):
    # The zoo model sees mean-subtracted 0..255 pixels, so its activations
    # are tens of units and the LRN constants (alpha 1e-4) actually
    # normalise. Our input is in [-1, 1]; amplifying conv1 (and scaling the
    # biases along) restores that regime. Without it, dropping both LRNs
    # moved the logits by 7e-4 of max|logit|, barely above a 1e-4
    # tolerance; with it, by 6%.
    scale = 10.0
    bias = 0.05 * scale
    w = {}
    conv_weights(rng, w, "conv1/7x7_s2", 3, 64, 7, gain=scale, bias=bias)
    conv_weights(rng, w, "conv2/3x3_reduce", 64, 64, 1, bias=bias)
    conv_weights(rng, w, "conv2/3x3", 64, 192, 3, bias=bias)
    cin = 192
    for name, c1, c3r, c3, c5r, c5, cp in INCEPTION:
        pre = "inception_" + name + "/"
        conv_weights(rng, w, pre + "1x1", cin, c1, 1, bias=bias)
        conv_weights(rng, w, pre + "3x3_reduce", cin, c3r, 1, bias=bias)
        conv_weights(rng, w, pre + "3x3", c3r, c3, 3, bias=bias)
        conv_weights(rng, w, pre + "5x5_reduce", cin, c5r, 1, bias=bias)
        conv_weights(rng, w, pre + "5x5", c5r, c5, 5, bias=bias)
        conv_weights(rng, w, pre + "pool_proj", cin, cp, 1, bias=bias)
        cin = c1 + c3 + c5 + cp
    # Chosen so the logits spread over a few units: the softmax is then
    # neither one-hot nor flat.
    fc_weights(rng, w, "loss3/classifier", cin, BVLC_CLASSES, 0.1 / np.sqrt(cin))
    count = sum(a.size for a in w.values())
    assert count == BVLC_PARAMS, count
    return w


def tiny_weights(rng):
    w = {}
    conv_weights(rng, w, "conv1", 3, 8, 3)
    conv_weights(rng, w, "inc/1x1", 8, 4, 1)
    conv_weights(rng, w, "inc/3x3_reduce", 8, 3, 1)
    conv_weights(rng, w, "inc/3x3", 3, 5, 3)
    conv_weights(rng, w, "inc/5x5_reduce", 8, 2, 1)
    conv_weights(rng, w, "inc/5x5", 2, 3, 5)
    conv_weights(rng, w, "inc/pool_proj", 8, 3, 1)
    fc_weights(rng, w, "fc", 4 + 5 + 3 + 3, TINY_CLASSES, 0.5)
    return w

# ---------------------------------------------------------------------------
# Hand-built ONNX graphs (bvlc, tiny).


class GraphBuilder:
    """Collects nodes and initializers, choosing attribute forms per opset."""

    def __init__(self, opset):
        self.opset = opset
        self.nodes = []
        self.initializers = []

    def node(self, op, inputs, output, **attrs):
        # Nodes are named after their output, which makes engine logs and
        # netron views line up with tensor names.
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def initializer(self, name, array):
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def conv_relu(self, x, name, k, stride=1):
        pad = k // 2
        self.node("Conv", [x, name + "_w_0", name + "_b_0"], name + "_1",
                  kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4)
        return self.node("Relu", [name + "_1"], name + "_2")

    def max_pool(self, x, out, k, stride, pads):
        return self.node("MaxPool", [x], out, kernel_shape=[k, k],
                         strides=[stride, stride], pads=pads)

    def caffe_ceil_pool(self, x, out):
        # Caffe rounds pooled sizes up; the zoo converter reproduces that with
        # one extra row/column of padding at the bottom/right.
        return self.max_pool(x, out, 3, 2, [0, 0, 1, 1])

    def inception(self, x, pre):
        """GoogLeNet module; tensors are named pre + '1x1_1' etc. as in the zoo."""
        b1 = self.conv_relu(x, pre + "1x1", 1)
        b2 = self.conv_relu(self.conv_relu(x, pre + "3x3_reduce", 1), pre + "3x3", 3)
        b3 = self.conv_relu(self.conv_relu(x, pre + "5x5_reduce", 1), pre + "5x5", 5)
        pool = self.max_pool(x, pre + "pool_1", 3, 1, [1] * 4)
        b4 = self.conv_relu(pool, pre + "pool_proj", 1)
        return self.node("Concat", [b1, b2, b3, b4], pre + "output_1", axis=1)

    def gemm(self, x, name):
        attrs = dict(alpha=1.0, beta=1.0, transB=1)
        if self.opset < 7:
            # Before opset 7 a 1-D bias needed explicit broadcasting.
            attrs["broadcast"] = 1
        return self.node("Gemm", [x, name + "_w_0", name + "_b_0"], name + "_1", **attrs)

    def dropout(self, x, out, ratio):
        if self.opset < 7:
            return self.node("Dropout", [x], out, ratio=ratio, is_test=1)
        if self.opset < 12:
            return self.node("Dropout", [x], out, ratio=ratio)
        # Opset 12 turned ratio into an input; this is what onnx's version
        # converter emits for the zoo models (a scalar initializer "ratio").
        ratio_name = self.initializer("ratio", np.array(ratio, dtype=np.float32))
        return self.node("Dropout", [x, ratio_name], out)

    def reshape(self, x, out, shape_name, shape):
        if self.opset < 5:
            return self.node("Reshape", [x], out, shape=shape)
        self.initializer(shape_name, np.array(shape, dtype=np.int64))
        return self.node("Reshape", [x, shape_name], out)

    def model(self, name, weights, input_name, input_shape, output, output_shape,
              initializers_as_inputs):
        inits = [numpy_helper.from_array(a, n) for n, a in weights.items()]
        inits += self.initializers
        inputs = [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, input_shape)]
        if initializers_as_inputs:
            # Required before IR 4, and what the caffe2-converted zoo models
            # do at every opset.
            inputs += [helper.make_tensor_value_info(t.name, t.data_type, t.dims)
                       for t in inits]
        outputs = [helper.make_tensor_value_info(output, TensorProto.FLOAT, output_shape)]
        graph = helper.make_graph(self.nodes, name, inputs, outputs, inits)
        model = helper.make_model(graph, producer_name="make_model.py",
                                  opset_imports=[helper.make_opsetid("", self.opset)])
        model.ir_version = IR_VERSION[self.opset]
        return model


def bvlc_onnx(weights, opset, batch, softmax):
    g = GraphBuilder(opset)
    x = g.conv_relu("data_0", "conv1/7x7_s2", 7, stride=2)
    x = g.caffe_ceil_pool(x, "pool1/3x3_s2_1")
    x = g.node("LRN", [x], "pool1/norm1_1", **LRN_BVLC)
    x = g.conv_relu(x, "conv2/3x3_reduce", 1)
    x = g.conv_relu(x, "conv2/3x3", 3)
    x = g.node("LRN", [x], "conv2/norm2_1", **LRN_BVLC)
    x = g.caffe_ceil_pool(x, "pool2/3x3_s2_1")
    for name, *_ in INCEPTION:
        x = g.inception(x, "inception_" + name + "/")
        if name in POOL_AFTER:
            x = g.caffe_ceil_pool(x, POOL_AFTER[name] + "_1")
    x = g.node("AveragePool", [x], "pool5/7x7_s1_1", kernel_shape=[7, 7], strides=[1, 1])
    x = g.dropout(x, "pool5/7x7_s1_2", 0.4)
    x = g.reshape(x, "OC2_DUMMY_0", "OC2_DUMMY_1", [batch, 1024])
    out = g.gemm(x, "loss3/classifier")
    if softmax:
        out = g.node("Softmax", [out], "prob_1")
    return g.model("googlenet", weights, "data_0", [batch, 3, 224, 224],
                   out, [batch, BVLC_CLASSES], initializers_as_inputs=True)


def tiny_onnx(weights, opset, batch, height, width, softmax):
    g = GraphBuilder(opset)
    x = g.conv_relu("data", "conv1", 3)
    x = g.caffe_ceil_pool(x, "pool1_1")
    x = g.node("LRN", [x], "norm1_1", **LRN_TINY)
    x = g.inception(x, "inc/")
    x = g.node("GlobalAveragePool", [x], "gap_1")
    x = g.node("Flatten", [x], "flatten_1", axis=1)
    out = g.gemm(x, "fc")
    if softmax:
        out = g.node("Softmax", [out], "prob_1")
    return g.model("tiny_googlenet", weights, "data", [batch, 3, height, width],
                   out, [batch, TINY_CLASSES], initializers_as_inputs=IR_VERSION[opset] < 4)

# ---------------------------------------------------------------------------
# PyTorch references for the hand-built graphs. They are written directly
# from the architecture, not derived from the ONNX nodes.


def lrn_ref(x, size, alpha, beta, bias):
    """ONNX LRN: x / (bias + alpha/size * sum_{window} x^2)^beta, where the
    window is c-floor((size-1)/2) .. c+ceil((size-1)/2), clipped at the ends
    (nn.LocalResponseNorm centres even windows differently)."""
    lo, hi = (size - 1) // 2, size // 2
    sq = F.pad(x * x, (0, 0, 0, 0, lo, hi))
    channels = x.shape[1]
    total = sum(sq[:, i:i + channels] for i in range(size))
    return x / (bias + alpha / size * total) ** beta


class HandBuiltReference:
    def __init__(self, weights):
        self.w = {k: torch.from_numpy(v).double() for k, v in weights.items()}

    def conv_relu(self, x, name, stride=1):
        weight = self.w[name + "_w_0"]
        return F.relu(F.conv2d(x, weight, self.w[name + "_b_0"],
                               stride=stride, padding=weight.shape[-1] // 2))

    @staticmethod
    def caffe_ceil_pool(x):
        return F.max_pool2d(F.pad(x, (0, 1, 0, 1), value=-float("inf")), 3, 2)

    def inception(self, x, pre):
        b1 = self.conv_relu(x, pre + "1x1")
        b2 = self.conv_relu(self.conv_relu(x, pre + "3x3_reduce"), pre + "3x3")
        b3 = self.conv_relu(self.conv_relu(x, pre + "5x5_reduce"), pre + "5x5")
        b4 = self.conv_relu(F.max_pool2d(x, 3, stride=1, padding=1), pre + "pool_proj")
        return torch.cat([b1, b2, b3, b4], dim=1)

    def linear(self, x, name):
        return F.linear(x, self.w[name + "_w_0"], self.w[name + "_b_0"])


def bvlc_reference(weights, x, softmax):
    r = HandBuiltReference(weights)
    x = r.conv_relu(x, "conv1/7x7_s2", stride=2)
    x = lrn_ref(r.caffe_ceil_pool(x), **LRN_BVLC)
    x = r.conv_relu(x, "conv2/3x3_reduce")
    x = r.conv_relu(x, "conv2/3x3")
    x = r.caffe_ceil_pool(lrn_ref(x, **LRN_BVLC))
    for name, *_ in INCEPTION:
        x = r.inception(x, "inception_" + name + "/")
        if name in POOL_AFTER:
            x = r.caffe_ceil_pool(x)
    x = F.avg_pool2d(x, 7, stride=1).flatten(1)
    x = r.linear(x, "loss3/classifier")
    return F.softmax(x, dim=1) if softmax else x


def tiny_reference(weights, x, softmax):
    r = HandBuiltReference(weights)
    x = lrn_ref(r.caffe_ceil_pool(r.conv_relu(x, "conv1")), **LRN_TINY)
    x = r.inception(x, "inc/").mean(dim=(2, 3))
    x = r.linear(x, "fc")
    return F.softmax(x, dim=1) if softmax else x

# ---------------------------------------------------------------------------
# Models exported by torch.onnx.export (torchvision, nin).


class NiN(nn.Module):
    """Network in Network (Lin et al. 2013), CIFAR-sized."""

    def __init__(self, classes=10):
        super().__init__()

        def conv(cin, cout, k, relu=True):
            layers = [nn.Conv2d(cin, cout, k, padding=k // 2)]
            return layers + [nn.ReLU()] if relu else layers

        self.features = nn.Sequential(
            *conv(3, 32, 5), *conv(32, 32, 1), *conv(32, 32, 1),
            nn.MaxPool2d(3, stride=2, ceil_mode=True),
            nn.Dropout(0.5),
            *conv(32, 64, 5), *conv(64, 64, 1), *conv(64, 64, 1),
            # count_include_pad is moot without padding, but with the default
            # (True) torch 1.13 exports a no-op Pad, fed by a Constant, in
            # front of the AveragePool.
            nn.AvgPool2d(3, stride=2, count_include_pad=False),
            *conv(64, 64, 3), *conv(64, 64, 1),
            # No ReLU on the class maps so the logits keep both signs.
            *conv(64, classes, 1, relu=False),
            nn.AdaptiveAvgPool2d(1),  # exported as GlobalAveragePool
            nn.Flatten(),
        )

    def forward(self, x):
        return self.features(x)


def nin_model(seed):
    torch.manual_seed(seed)
    model = NiN()
    # PyTorch's default init shrinks activations by ~sqrt(6) per layer;
    # He-normal keeps the output scale independent of depth.
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.uniform_(m.bias, -0.05, 0.05)
    return model.eval()


def torchvision_model(seed):
    from torchvision.models import googlenet

    torch.manual_seed(seed)
    model = googlenet(weights=None, aux_logits=False, init_weights=True,
                      transform_input=False)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                # init_weights draws N(0, 0.01) weights, which shrink the
                # signal ~5x per layer: the logits would come out of the
                # BatchNorm biases alone, identical for every input.
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                # Untrained BatchNorm is the identity, which would let an
                # engine that folds BN wrongly pass; random statistics make
                # the folding matter.
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
    return model.eval()


def export_torch(model, x, opset, dynamic_hw):
    dynamic_axes = None
    if dynamic_hw:
        dynamic_axes = {"input": {2: "height", 3: "width"}}
    # PRESERVE instead of the default EVAL: in EVAL mode the exporter runs
    # its eval peephole pass, which folds BatchNormalization into Conv even
    # with do_constant_folding=False. The model is in eval mode, so the
    # exported BatchNormalization/Dropout are the inference forms.
    buf = io.BytesIO()
    torch.onnx.export(model, x, buf, opset_version=opset,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes=dynamic_axes, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE)
    return onnx.load_from_string(buf.getvalue())


def torch_reference(model, x):
    with torch.no_grad():
        return copy.deepcopy(model).double()(x)

# ---------------------------------------------------------------------------


def op_histogram(model):
    return Counter(n.op_type for n in model.graph.node)


def attr(node, name):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return None


def check_model(model, output_shape):
    # Opset-1 era schemas (Relu-1, ...) have no shape inference, so strict
    # inference, and with it the output shape check, starts at opset 6.
    full = model.opset_import[0].version >= 6
    onnx.checker.check_model(model, full_check=full)
    if not full:
        return
    inferred = onnx.shape_inference.infer_shapes(model).graph.output[0]
    dims = [d.dim_value if d.HasField("dim_value") else None
            for d in inferred.type.tensor_type.shape.dim]
    assert dims == list(output_shape), (dims, output_shape)


def build(args):
    """Returns (model, input array, expected array, input name)."""
    rng = np.random.default_rng(args.seed)
    # The input is drawn first so it depends on the seed and shape only.
    shape = (args.batch, 3, args.height, args.width)
    x = rng.uniform(-1.0, 1.0, shape).astype(np.float32)
    x64 = torch.from_numpy(x).double()

    if args.kind == "bvlc":
        weights = bvlc_weights(rng)
        model = bvlc_onnx(weights, args.opset, args.batch, not args.no_softmax)
        y = bvlc_reference(weights, x64, not args.no_softmax)
        return model, x, y, "data_0"
    if args.kind == "tiny":
        weights = tiny_weights(rng)
        model = tiny_onnx(weights, args.opset, args.batch, args.height, args.width,
                          not args.no_softmax)
        y = tiny_reference(weights, x64, not args.no_softmax)
        return model, x, y, "data"

    if args.kind == "torchvision":
        net = torchvision_model(args.seed)
        model = export_torch(net, torch.from_numpy(x), args.opset, dynamic_hw=False)
        hist = op_histogram(model)
        ceil_pools = [n for n in model.graph.node
                      if n.op_type == "MaxPool" and attr(n, "ceil_mode") == 1]
        assert hist["BatchNormalization"] > 0, "exporter folded BatchNormalization"
        assert ceil_pools, "no MaxPool with ceil_mode=1 in the export"
    else:
        net = nin_model(args.seed)
        model = export_torch(net, torch.from_numpy(x), args.opset, dynamic_hw=True)
    return model, x, torch_reference(net, x64), "input"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kind", required=True, choices=sorted(DEFAULT_OPSET))
    p.add_argument("--out-dir", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--opset", type=int,
                   help="default: 12 for bvlc/tiny, 11 for torchvision/nin")
    p.add_argument("--height", type=int)
    p.add_argument("--width", type=int)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--no-softmax", action="store_true",
                   help="bvlc/tiny: end at the Gemm and output logits")
    p.add_argument("--check", action="store_true",
                   help="run onnx.checker (full) and shape inference on the result")
    args = p.parse_args(argv)

    if args.opset is None:
        args.opset = DEFAULT_OPSET[args.kind]
    default_h, default_w = DEFAULT_SIZE[args.kind]
    args.height = args.height or default_h
    args.width = args.width or default_w
    if args.batch < 1:
        p.error("--batch must be >= 1")
    if args.kind in ("bvlc", "tiny") and args.opset not in HAND_BUILT_OPSETS:
        p.error("--opset for %s must be one of %s" % (args.kind, HAND_BUILT_OPSETS))
    if args.kind in ("torchvision", "nin") and args.opset not in EXPORT_OPSETS:
        # Below opset 10 the exporter emulates MaxPool's ceil_mode with extra
        # end padding, which needs static sizes (so fails for nin) and is
        # the case bvlc already covers; 17 is the newest torch 1.13 knows.
        p.error("--opset for %s must be 10..17" % args.kind)
    if args.no_softmax and args.kind not in ("bvlc", "tiny"):
        p.error("--no-softmax only applies to bvlc and tiny (the others output logits)")
    if args.kind == "bvlc" and (args.height, args.width) != (224, 224):
        p.error("bvlc is 224x224 only (its 7x7 average pool and Reshape are fixed)")
    if min(args.height, args.width) < MIN_SIZE[args.kind]:
        p.error("%s needs --height/--width >= %d" % (args.kind, MIN_SIZE[args.kind]))
    return args


def main(argv=None):
    args = parse_args(argv)
    model, x, y, input_name = build(args)
    y = y.numpy()
    output_name = model.graph.output[0].name

    if args.check:
        check_model(model, y.shape)
    os.makedirs(args.out_dir, exist_ok=True)
    onnx.save(model, os.path.join(args.out_dir, "model.onnx"))
    x.astype("<f4").tofile(os.path.join(args.out_dir, "input.bin"))
    y.astype("<f4").tofile(os.path.join(args.out_dir, "expected.bin"))
    info = {
        "kind": args.kind,
        "seed": args.seed,
        "opset": args.opset,
        "input_name": input_name,
        "output_name": output_name,
        "input_shape": ",".join(map(str, x.shape)),
        "output_shape": ",".join(map(str, y.shape)),
    }
    with open(os.path.join(args.out_dir, "info.txt"), "w") as f:
        f.writelines("%s=%s\n" % kv for kv in info.items())

    hist = op_histogram(model)
    print("%s opset %d ir %d: %s -> %s %s" % (args.kind, args.opset, model.ir_version,
                                              info["input_shape"], output_name,
                                              info["output_shape"]))
    print("ops: " + ", ".join("%s=%d" % kv for kv in sorted(hist.items())))
    flat = y.reshape(y.shape[0], -1)
    print("output: min %.4g max %.4g std %.4g, row max %s, argmax %s" % (
        y.min(), y.max(), y.std(), np.array2string(flat.max(axis=1), precision=4),
        flat.argmax(axis=1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
