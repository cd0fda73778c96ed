"""train.py's speed on random data, next to bench/train_torch.py's LeNet-5 number: what feeding batches
costs (gathering uint8 images by index, augmenting, normalising through the lookup table) against a whole
training step at batch 64, and train.py end to end (samples per second of an epoch of --max-batches, the
best of three runs).
Prints one JSON line per measure.

    /usr/bin/python3 bench/train_py.py [--threads N] [--batches N]"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = os.path.join(ROOT, "src", "main", "pytorch", "python")
FIXTURES = os.path.join(ROOT, "src", "main", "pytorch", "fixtures")
sys.path[:0] = [PYTHON, FIXTURES]
import lenet5_model  # noqa: E402
import safetensors_io  # noqa: E402
import train  # noqa: E402

args = argparse.ArgumentParser()
args.add_argument("--threads", type=int, default=2)
args.add_argument("--batches", type=int, default=200)
args = args.parse_args()
torch.set_num_threads(args.threads)
train.keep_freed_memory()  # as train.py does on the CPU
torch.manual_seed(0)
N, BATCH = 60_000, 64
images = torch.randint(0, 256, (N, 28, 28, 1), dtype=torch.uint8)
labels = (torch.arange(N) % 10).to(torch.uint8)
test = train.ImageSet(images[:1000], labels[:1000])


class Quiet:
    def between_batches(self):
        return None


def timed(fn, count, windows=5):
    """Milliseconds per call: the best of `windows` windows (the machine may be shared: the best is the cost)."""
    fn(0)
    best, per = math.inf, max(1, count // windows)
    for w in range(windows):
        start = time.perf_counter()
        for b in range(1 + w * per, 1 + (w + 1) * per):
            fn(b)
        best = min(best, (time.perf_counter() - start) * 1000 / per)
    return best


def measure(name, report=True, **overrides):
    h = train.Hyperparameters({**train.DEFAULTS, "batchSize": BATCH, "validationSplit": 0, **overrides})
    data = train.TrainData(train.Dataset("random", None, train.ImageSet(images, labels), test), h, torch.device("cpu"))
    rows = data.epoch_rows(0)
    batch = lambda b: rows[b * BATCH : (b + 1) * BATCH]  # noqa: E731
    feed = timed(lambda b: data.train_batch(batch(b), train.augmentation_seed(1, 0, b), 0, BATCH), args.batches)
    options = {"checkpoints": None, "every_batch": False, "max_batches": None}
    model, cpu = lenet5_model.build_model(), torch.device("cpu")
    trainer = train.Trainer(model, data, h, train.Dist(), None, Quiet(), cpu, options)
    step = timed(lambda b: trainer.step(batch(b), train.augmentation_seed(1, 0, b)), args.batches)
    if not report:
        return
    result = {"measure": name, "batch": BATCH, "feedMsPerBatch": round(feed, 3), "stepMsPerBatch": round(step, 3)}
    print(json.dumps({**result, "feedShare": round(feed / step, 4), "threads": args.threads}), flush=True)


measure("warm-up (the first measure in a process runs slow)", report=False)
measure("feed, no augmentation")
measure("feed, crop 2 + flip + standardize", cropPadding=2, flip=True, normalize="standardize")



def end_to_end(folder):
    """train.py's own number: samples per second of an epoch of args.batches batches on a random `tensors` set."""
    for name, source in (("train.py", PYTHON), ("safetensors_io.py", PYTHON), ("lenet5_model.py", FIXTURES)):
        with open(os.path.join(source, name), "rb") as src:
            with open(os.path.join(folder, "model.py" if name == "lenet5_model.py" else name), "wb") as dst:
                dst.write(src.read())
    data = os.path.join(folder, "random.safetensors")
    tensors = {"train_images": images, "train_labels": labels, "test_images": test.images, "test_labels": test.labels}
    safetensors_io.save_file(tensors, data)
    config = {
        "format": train.CONFIG_FORMAT,
        "model": "LeNet5",
        "input": {"height": 28, "width": 28, "channels": 1},
        "classes": None,
        "dataset": {"kind": "tensors", "path": data, "name": "random"},
        "hyperparameters": {"epochs": 1, "batchSize": BATCH, "validationSplit": 0},
        "normalization": None,
    }
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)
    command = [sys.executable, os.path.join(folder, "train.py"), "--json", "--device", "cpu"]
    command += ["--threads", str(args.threads), "--max-batches", str(args.batches)]
    command += ["--checkpoints", os.path.join(folder, "ck")]
    speeds = []
    for _ in range(3):  # the best of three: the machine may be shared
        run = subprocess.run(command, capture_output=True, text=True, check=True)
        speeds += [e["samplesPerSecond"] for e in map(json.loads, run.stdout.splitlines()) if e["type"] == "epoch"]
    best = max(speeds)
    print(json.dumps({"measure": "train.py epoch", "batch": BATCH, "msPerBatch": round(BATCH * 1000 / best, 3),
                      "samplesPerSecond": round(best, 1), "threads": args.threads}), flush=True)


with tempfile.TemporaryDirectory() as scratch:
    end_to_end(scratch)
