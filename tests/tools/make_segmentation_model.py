"""Writes a small hand-set segmentation network (manifest task "segmentation") for the CLI tests of
`segment` on a model's outputs. Usage: make_segmentation_model.py OUT_DIR.

seg.pt: the RI (scaled to [0, 1] by the engine) averaged over 5x5x5 voxels, then two sigmoids:
"nucleus" = sigmoid(30 (m - 0.33)) and "cell" = sigmoid(30 (m - 0.12)), so both are true
probabilities with their 0.5 level at a known smoothed RI. Run with Debian's /usr/bin/python3."""
import sys

import torch


class SmoothedThreshold(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv3d(1, 2, 5, padding=2)
        with torch.no_grad():
            self.conv.weight.fill_(30.0 / 125.0)
            self.conv.bias.copy_(torch.tensor([-30.0 * 0.33, -30.0 * 0.12]))

    def forward(self, x):
        return torch.sigmoid(self.conv(x))


torch.jit.script(SmoothedThreshold().eval()).save(sys.argv[1] + "/seg.pt")
