"""Writes small scripted 3D networks for the patch-engine tests. Usage: make_patch_models.py OUT_DIR.
conv2.pt:    two 3x3x3 convolutions (receptive-field radius 2), leaky ReLU, dropout, 2 outputs.
identity.pt: a 1x1x1 convolution with weight 1 and bias 0 (output == input), no dropout.
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


torch.manual_seed(11)
out = sys.argv[1]
torch.jit.script(Conv2().eval()).save(out + "/conv2.pt")
torch.jit.script(Identity().eval()).save(out + "/identity.pt")
