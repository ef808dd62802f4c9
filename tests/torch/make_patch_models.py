"""Writes small scripted 3D networks for the patch-engine tests. Usage: make_patch_models.py OUT_DIR.
conv2.pt:    two 3x3x3 convolutions (receptive-field radius 2), leaky ReLU, dropout, 2 outputs.
identity.pt: a 1x1x1 convolution with weight 1 and bias 0 (output == input), no dropout.
pair.pt:     two inputs (a, b) -> three outputs (a - b, 2 a, b + 1), voxel by voxel (force-model shape).
Run with Debian's /usr/bin/python3 (python3-torch)."""
import sys

import torch


class Conv2(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Conv3d(1, 4, 3, padding=1)
        self.b = torch.nn.Conv3d(4, 2, 3, padding=1)
        self.drop = torch.nn.Dropout3d(0.3)

    def forward(self, x):
        return self.b(self.drop(torch.nn.functional.leaky_relu(self.a(x), 0.1)))


class Identity(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.c = torch.nn.Conv3d(1, 1, 1)
        with torch.no_grad():
            self.c.weight.fill_(1.0)
            self.c.bias.zero_()

    def forward(self, x):
        return self.c(x)


class Pair(torch.nn.Module):
    def forward(self, x):
        a, b = x[:, 0:1], x[:, 1:2]
        return torch.cat([a - b, 2.0 * a, b + 1.0], 1)


torch.manual_seed(11)
out = sys.argv[1]
torch.jit.script(Conv2().eval()).save(out + "/conv2.pt")
torch.jit.script(Identity().eval()).save(out + "/identity.pt")
torch.jit.script(Pair().eval()).save(out + "/pair.pt")
