#!/usr/bin/env python3
"""PyTorch's own histogram code run on given values, for gumbel-torch's SummaryWriter tests.

torch.utils.tensorboard needs the tensorboard package to import; Debian's torch has the source but not
tensorboard, so this takes make_histogram (summary.py) and the default 'tensorflow' buckets
(SummaryWriter.__init__, writer.py) out of PyTorch's installed files with ast and runs them with numpy.

stdin: JSON [{"values": [...], "bins": "tensorflow" | int | [edges], "maxBins": int | null}, ...]
stdout: JSON [{"min", "max", "num", "sum", "sumSquares", "bucketLimit", "bucket"}, ...]
"""
import ast
import json
import os
import sys
import types

import numpy as np
import torch.utils

SRC = os.path.join(os.path.dirname(torch.utils.__file__), "tensorboard")


def pytorch_code():
    with open(os.path.join(SRC, "summary.py")) as f:
        mod = ast.parse(f.read())
    fn = next(n for n in mod.body if isinstance(n, ast.FunctionDef) and n.name == "make_histogram")
    # HistogramProto(...) keyword arguments become a dict.
    # numpy >= 1.25 refuses np.greater(counts, 0, dtype=np.int32) (PyTorch 1.13's spelling); same result:
    npx = types.SimpleNamespace(**{k: getattr(np, k) for k in dir(np) if not k.startswith("__")})
    npx.greater = lambda a, b, dtype=None: np.greater(a, b).astype(dtype or bool)
    env = {"np": npx, "HistogramProto": lambda **kw: kw}
    exec(compile(ast.Module(body=[fn], type_ignores=[]), "summary.py", "exec"), env)
    with open(os.path.join(SRC, "writer.py")) as f:
        mod = ast.parse(f.read())
    cls = next(n for n in mod.body if isinstance(n, ast.ClassDef) and n.name == "SummaryWriter")
    init = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    src = [ast.unparse(s) for s in init.body]
    start = next(i for i, s in enumerate(src) if s.startswith("v = 1e-12"))
    end = next(i for i, s in enumerate(src) if s.startswith("self.default_bins"))
    ns = {"self": types.SimpleNamespace()}
    exec("\n".join(src[start:end + 1]), ns)
    return env["make_histogram"], ns["self"].default_bins


def main():
    make_histogram, default_bins = pytorch_code()
    out = []
    for case in json.load(sys.stdin):
        bins = default_bins if case["bins"] == "tensorflow" else case["bins"]
        h = make_histogram(np.asarray(case["values"], dtype=float), bins, case.get("maxBins"))
        out.append({"min": float(h["min"]), "max": float(h["max"]), "num": int(h["num"]), "sum": float(h["sum"]), "sumSquares": float(h["sum_squares"]), "bucketLimit": [float(x) for x in h["bucket_limit"]], "bucket": [float(x) for x in h["bucket"]]})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
