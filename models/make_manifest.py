#!/usr/bin/python3
"""Write a Refractome model manifest (model.json) for a folder of TorchScript files.

Example: the published RI2FL models (one TorchScript file per target, input and output
[B,1,64,256,256], RI clipped to [1.337, 1.39] and scaled to [0, 1]):

    /usr/bin/python3 models/make_manifest.py /path/to/ri2fl-published \\
        --name ri2fl-published \\
        --file act.pt=actin --file mito.pt=mitochondria --file lipid.pt=lipid_droplets \\
        --file mem.pt=membrane --file nuc.pt=nucleus --file oli.pt=nucleoli \\
        --patch 64,256,256 --voxel 0.2,0.15,0.15 --clip 1.337,1.39 --no-dropout \\
        --output-range none \\
        --description "Published RI2FL models (Jo et al., Nat Cell Biol 2021)"

Each --file is PATH=OUTPUT[,OUTPUT...] (the output channel names, in the model's output channel
order). Only the standard library is needed (no torch): checksums are SHA-256 of the files.
"""
import argparse
import hashlib
import json
import os
import sys

KNOWN_OUTPUTS = ["actin", "mitochondria", "lipid_droplets", "membrane", "nucleus", "nucleoli"]


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def floats(s, n):
    v = [float(x) for x in s.split(",")]
    if len(v) != n:
        raise argparse.ArgumentTypeError("expected %d comma-separated numbers, got %r" % (n, s))
    return v


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", help="folder holding the .pt files; model.json is written there")
    ap.add_argument("--name", required=True)
    ap.add_argument("--task", default="fluorescence")
    ap.add_argument("--file", action="append", required=True, metavar="PATH=OUT[,OUT...]",
                    help="a TorchScript file (relative to the folder) and its output channel names")
    ap.add_argument("--patch", default="32,128,128", help="z,y,x voxels of one network input")
    ap.add_argument("--voxel", default="0.2,0.15,0.15", help="z,y,x voxel size in um the model expects")
    ap.add_argument("--clip", default="1.337,1.39", help="RI clip range; scaled to [0,1] after clipping")
    ap.add_argument("--output-range", default="0,1",
                    help="'lo,hi' of the raw network output, or 'none' when it is unbounded (then the "
                         "output is written unclamped)")
    ap.add_argument("--no-dropout", action="store_true", help="the models have no dropout (no MC dropout)")
    ap.add_argument("--description", default="")
    ap.add_argument("-o", "--output", default="model.json", help="manifest file name inside the folder")
    args = ap.parse_args(argv)

    files, sums = [], {}
    for spec in args.file:
        if "=" not in spec:
            ap.error("--file expects PATH=OUTPUT[,OUTPUT...], got %r" % spec)
        path, outs = spec.split("=", 1)
        outputs = [o.strip() for o in outs.split(",") if o.strip()]
        full = os.path.join(args.folder, path)
        if not os.path.isfile(full):
            ap.error("no such file: %s" % full)
        for o in outputs:
            if o not in KNOWN_OUTPUTS:
                print("note: output %r is not one of the six RI2FL targets %s" % (o, KNOWN_OUTPUTS),
                      file=sys.stderr)
        files.append({"path": path, "outputs": outputs})
        sums[path] = sha256_of(full)

    patch = [int(v) for v in floats(args.patch, 3)]
    manifest = {
        "name": args.name,
        "task": args.task,
        "files": files,
        "input": {"voxel_size_um": floats(args.voxel, 3), "clip": floats(args.clip, 2), "patch": patch},
        "sha256": sums,
        "output_range": None if args.output_range.lower() == "none" else floats(args.output_range, 2),
        "has_dropout": not args.no_dropout,
        "description": args.description,
    }
    out = os.path.join(args.folder, args.output)
    with open(out, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print("wrote %s (%d file(s))" % (out, len(files)))


if __name__ == "__main__":
    main()
