"""GoogLeNet (Szegedy et al., "Going Deeper with Convolutions", 2015) in
PyTorch, for training small classifiers that gst-vkinception runs.

Layout as in the paper's Table 1 and Figure 3:

  conv1 7x7/2 - maxpool 3x3/2 - [LRN] - conv2 1x1 reduce - conv2 3x3 - [LRN]
  - maxpool 3x3/2 - inception 3a, 3b - maxpool 3x3/2 - inception 4a..4e
  - maxpool - inception 5a, 5b - global average pool - dropout 0.4 - FC
  - (softmax, in the exported graph)

with the two auxiliary classifiers on the outputs of 4a and 4d (training
only): 5x5/3 average pool, 1x1 conv to 128 channels + ReLU, FC 1024 + ReLU,
dropout 0.7, FC to the classes. Their losses are added with weight 0.3.

Options:
  width  scales every channel count (inception branches, the stem, and the
         auxiliary heads' 128 and 1024), rounded to a multiple of 4
  naive  the paper's Figure 2(a) module: 1x1, 3x3 and 5x5 convolutions
         straight on the module input and the 3x3 max pool passed through,
         concatenated (no 1x1 reductions); the output channel count then
         grows by the input channel count at every module
  lrn    local response normalisation after pool1 and conv2 (as the paper)
  bn     batch normalisation after every convolution (not in the paper;
         it makes short CPU training converge, and the engine folds it
         into the convolutions at load time)
  aux    build the auxiliary heads

Pooling uses ceil_mode like Caffe (and torchvision), so 224x224 gives the
paper's 112/56/28/14/7 sizes; the pool before 5a is 3x3/2 as in the paper.
"""

import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

# Table 1: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj
INCEPTION = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}


def scaled(c, width):
    """Channel count c scaled by width, a multiple of 4, at least 4."""
    return max(4, int(round(c * width / 4.0)) * 4)


class _LRNOp(torch.autograd.Function):
    """Exported as one ONNX LRN node (torch.onnx otherwise writes
    F.local_response_norm out as Pad/AveragePool/Pow/Div...)."""

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        return F.local_response_norm(x, size, alpha, beta, k)

    @staticmethod
    def symbolic(g, x, size, alpha, beta, k):
        with warnings.catch_warnings():    # torch 1.13: g.op() "deprecated"
            warnings.simplefilter("ignore", FutureWarning)
            return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta,
                        bias_f=k)


class LRN(nn.Module):
    """Local response normalisation across channels, as Caffe, PyTorch and
    ONNX define it: x / (k + alpha / size * sum of squares) ** beta."""

    def __init__(self, size=5, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x):
        if torch.onnx.is_in_onnx_export():
            return _LRNOp.apply(x, self.size, self.alpha, self.beta, self.k)
        return F.local_response_norm(x, self.size, self.alpha, self.beta, self.k)


class ConvUnit(nn.Sequential):
    """Conv (+ BatchNorm) + ReLU."""

    def __init__(self, cin, cout, k, stride=1, pad=0, bn=True):
        layers = [nn.Conv2d(cin, cout, k, stride, pad, bias=not bn)]
        if bn:
            layers.append(nn.BatchNorm2d(cout, eps=1e-3))
        layers.append(nn.ReLU(inplace=True))
        super().__init__(*layers)
        self.out_channels = cout


class Inception(nn.Module):
    """Figure 2(b): 1x1 reductions before the 3x3 and 5x5 convolutions and
    after the pooling."""

    def __init__(self, cin, c1, c3r, c3, c5r, c5, cp, bn=True):
        super().__init__()
        self.b1 = ConvUnit(cin, c1, 1, bn=bn)
        self.b3 = nn.Sequential(ConvUnit(cin, c3r, 1, bn=bn),
                                ConvUnit(c3r, c3, 3, pad=1, bn=bn))
        self.b5 = nn.Sequential(ConvUnit(cin, c5r, 1, bn=bn),
                                ConvUnit(c5r, c5, 5, pad=2, bn=bn))
        self.bp = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True),
                                ConvUnit(cin, cp, 1, bn=bn))
        self.out_channels = c1 + c3 + c5 + cp

    def forward(self, x):
        return torch.cat([self.b1(x), self.b3(x), self.b5(x), self.bp(x)], 1)


class NaiveInception(nn.Module):
    """Figure 2(a): 1x1, 3x3 and 5x5 convolutions on the input, and its 3x3
    max pool passed through, concatenated."""

    def __init__(self, cin, c1, c3r, c3, c5r, c5, cp, bn=True):
        super().__init__()
        self.b1 = ConvUnit(cin, c1, 1, bn=bn)
        self.b3 = ConvUnit(cin, c3, 3, pad=1, bn=bn)
        self.b5 = ConvUnit(cin, c5, 5, pad=2, bn=bn)
        self.bp = nn.MaxPool2d(3, 1, 1, ceil_mode=True)
        self.out_channels = c1 + c3 + c5 + cin

    def forward(self, x):
        return torch.cat([self.b1(x), self.b3(x), self.b5(x), self.bp(x)], 1)


class AuxHead(nn.Module):
    """Auxiliary classifier: 5x5/3 average pool, 1x1 conv (128), FC (1024),
    dropout 0.7, FC (classes). in_hw is the spatial size of its input at the
    training resolution, which fixes the first FC's input size."""

    def __init__(self, cin, num_classes, in_hw, width=1.0, bn=True):
        super().__init__()
        c = scaled(128, width)
        f = scaled(1024, width)
        self.pool = nn.AvgPool2d(5, 3, ceil_mode=False)
        self.conv = ConvUnit(cin, c, 1, bn=bn)
        ph = (in_hw[0] - 5) // 3 + 1
        pw = (in_hw[1] - 5) // 3 + 1
        if ph < 1 or pw < 1:
            raise ValueError("input too small for the auxiliary heads: their "
                             "input is %dx%d, the pool needs 5x5" % in_hw)
        self.fc1 = nn.Linear(c * ph * pw, f)
        self.drop = nn.Dropout(0.7)
        self.fc2 = nn.Linear(f, num_classes)

    def forward(self, x):
        x = self.conv(self.pool(x))
        x = F.relu(self.fc1(torch.flatten(x, 1)), inplace=True)
        return self.fc2(self.drop(x))


def _pool_out(n, k, s, p=0):
    """Output size of a ceil_mode pool (Caffe / PyTorch rule)."""
    o = -(-(n + 2 * p - k) // s) + 1
    if (o - 1) * s >= n + p:
        o -= 1
    return o


class GoogLeNet(nn.Module):
    def __init__(self, num_classes, width=1.0, naive=False, lrn=False,
                 bn=True, aux=True, input_size=(224, 224)):
        super().__init__()
        self.config = dict(num_classes=num_classes, width=width, naive=naive,
                           lrn=lrn, bn=bn, aux=aux,
                           input_size=list(input_size))
        W = lambda c: scaled(c, width)
        self.conv1 = ConvUnit(3, W(64), 7, 2, 3, bn=bn)
        self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.lrn1 = LRN() if lrn else nn.Identity()
        self.conv2r = ConvUnit(W(64), W(64), 1, bn=bn)
        self.conv2 = ConvUnit(W(64), W(192), 3, 1, 1, bn=bn)
        self.lrn2 = LRN() if lrn else nn.Identity()
        self.pool2 = nn.MaxPool2d(3, 2, ceil_mode=True)

        module = NaiveInception if naive else Inception
        cin = W(192)
        self.blocks = nn.ModuleDict()
        for name in ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"):
            m = module(cin, *[W(c) for c in INCEPTION[name]], bn=bn)
            self.blocks[name] = m
            cin = m.out_channels
        self.pool3 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.pool4 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.drop = nn.Dropout(0.4)
        self.fc = nn.Linear(cin, num_classes)

        # Spatial size at 4a/4d, for the auxiliary heads' FC.
        h, w = input_size[1], input_size[0]
        h, w = (h + 6 - 7) // 2 + 1, (w + 6 - 7) // 2 + 1   # conv1
        h, w = _pool_out(h, 3, 2), _pool_out(w, 3, 2)       # pool1
        h, w = _pool_out(h, 3, 2), _pool_out(w, 3, 2)       # pool2
        h, w = _pool_out(h, 3, 2), _pool_out(w, 3, 2)       # pool3
        if aux:
            self.aux1 = AuxHead(self.blocks["4a"].out_channels, num_classes,
                                (h, w), width, bn)
            self.aux2 = AuxHead(self.blocks["4d"].out_channels, num_classes,
                                (h, w), width, bn)
        else:
            self.aux1 = self.aux2 = None
        self._init()

    def _init(self):
        # He initialisation. Without BatchNorm it must preserve the forward
        # variance (fan_in): fan_out would scale each 1x1 reduction's output
        # up by its in/out channel ratio (20x for 480 -> 24) and the logits
        # start in the thousands. With BatchNorm either works; fan_out is
        # what the bundled model was trained with.
        mode = "fan_out" if self.config["bn"] else "fan_in"
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode=mode,
                                        nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x, with_aux=False):
        """Main-head logits; with with_aux (training), (main, aux1, aux2)."""
        x = self.lrn1(self.pool1(self.conv1(x)))
        x = self.pool2(self.lrn2(self.conv2(self.conv2r(x))))
        b = self.blocks
        x = self.pool3(b["3b"](b["3a"](x)))
        x = b["4a"](x)
        a1 = self.aux1(x) if with_aux and self.aux1 is not None else None
        x = b["4d"](b["4c"](b["4b"](x)))
        a2 = self.aux2(x) if with_aux and self.aux2 is not None else None
        x = self.pool4(b["4e"](x))
        x = b["5b"](b["5a"](x))
        x = self.fc(self.drop(torch.flatten(self.gap(x), 1)))
        if with_aux:
            return x, a1, a2
        return x


class Exported(nn.Module):
    """The graph written to ONNX: the main head only, ending in Softmax, with
    a GlobalAveragePool (not a fixed pool) so that any input size works."""

    def __init__(self, net, softmax=True):
        super().__init__()
        self.net = net
        self.softmax = softmax

    def forward(self, x):
        x = self.net(x)
        return torch.softmax(x, dim=1) if self.softmax else x


def build(config):
    return GoogLeNet(**config)
