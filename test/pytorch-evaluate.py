"""Runs generated PyTorch models for test/pytorch-export.test.ts, all in one process.

Usage: pytorch-evaluate.py ROOT PYTHON_DIR. Each folder of ROOT holds a model.py and, to run it,
weights.safetensors and inputs.safetensors ("images", NCHW). For each folder it builds the model,
counts its parameters and buffers, and when there are weights loads them strictly, computes the
logits in eval mode (logits.safetensors) and saves the weights again through safetensors_io
(resaved.safetensors). Prints one JSON object: folder name -> report.
"""

import contextlib
import importlib.util
import json
import os
import sys
import traceback

import torch

sys.path.insert(0, sys.argv[2])
from safetensors_io import load_file, save_file  # noqa: E402


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def no_initialisation():
    """Modules keep their first values: every weight is counted or loaded, never used as drawn."""
    classes = [torch.nn.modules.conv._ConvNd, torch.nn.Linear]
    saved = [c.reset_parameters for c in classes]
    for c in classes:
        c.reset_parameters = lambda self: None
    try:
        yield
    finally:
        for c, reset in zip(classes, saved):
            c.reset_parameters = reset


def evaluate(folder, name):
    module = load_module(os.path.join(folder, "model.py"), name)
    weights = os.path.join(folder, "weights.safetensors")
    with no_initialisation():
        model = module.build_model()
    params = list(model.parameters())
    report = {
        "className": type(model).__name__,
        "inputShape": list(module.INPUT_SHAPE),
        "classes": module.CLASSES,
        "trainable": sum(p.numel() for p in params if p.requires_grad),
        "frozen": sum(p.numel() for p in params if not p.requires_grad),
        "buffers": sum(b.numel() for n, b in model.named_buffers()
                       if not n.endswith("num_batches_tracked")),
        "keys": list(model.state_dict().keys()),
        "ran": False,
    }
    if os.path.exists(weights):
        state = load_file(weights)
        model.load_state_dict(state, strict=True)
        save_file(state, os.path.join(folder, "resaved.safetensors"), metadata={"format": "pt"})
        model.eval()
        with torch.no_grad():
            logits = model(load_file(os.path.join(folder, "inputs.safetensors"))["images"])
        save_file({"logits": logits}, os.path.join(folder, "logits.safetensors"))
        report["ran"] = True
    return report


def main():
    root = sys.argv[1]
    torch.set_num_threads(2)
    reports = {}
    for i, case in enumerate(sorted(os.listdir(root))):
        try:
            reports[case] = evaluate(os.path.join(root, case), f"generated_model_{i}")
        except Exception:  # reported per case: one bad model must not hide the others
            reports[case] = {"error": traceback.format_exc()}
    print(json.dumps(reports))


if __name__ == "__main__":
    main()
