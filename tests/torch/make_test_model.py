"""Writes a tiny scripted 3D network with dropout, plus a reference input/output, for the LibTorch
backend tests. Usage: make_test_model.py OUT_DIR. Run with Debian's /usr/bin/python3 (python3-torch)."""
import sys

import torch


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv3d(1, 4, 3, padding=1)
        self.norm = torch.nn.InstanceNorm3d(4)
        self.drop = torch.nn.Dropout3d(0.5)
        self.head = torch.nn.Conv3d(4, 2, 1)

    def forward(self, x):
        return self.head(self.drop(torch.nn.functional.leaky_relu(self.norm(self.conv(x)))))


torch.manual_seed(3)
m = Tiny().eval()
scripted = torch.jit.script(m)
out = sys.argv[1]
scripted.save(out + "/tiny.pt")
x = torch.linspace(0, 1, 2 * 1 * 4 * 6 * 5).reshape(2, 1, 4, 6, 5)
with torch.no_grad():
    y = scripted(x)
x.numpy().astype("float32").tofile(out + "/input.f32")
y.numpy().astype("float32").tofile(out + "/output.f32")
