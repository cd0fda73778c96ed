"""train.py's speed on random data, next to bench/train_torch.py's LeNet-5 number: what feeding batches
costs (gathering uint8 images by index, augmenting, normalising through the lookup table) against a whole
training step at batch 64, and train.py end to end (samples per second of an epoch of --max-batches).
Prints one JSON line per measure.

    /usr/bin/python3 bench/train_py.py [--threads N] [--batches N]"""
import argparse
import json
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
torch.manual_seed(0)
N, BATCH = 60_000, 64
images = torch.randint(0, 256, (N, 28, 28, 1), dtype=torch.uint8)
labels = (torch.arange(N) % 10).to(torch.uint8)
test = train.ImageSet(images[:1000], labels[:1000])


class Quiet:
    def between_batches(self):
        return None


def timed(fn, count):
    fn(0)
    start = time.perf_counter()
    for b in range(1, count + 1):
        fn(b)
    return (time.perf_counter() - start) * 1000 / count


def measure(name, **overrides):
    h = train.Hyperparameters({**train.DEFAULTS, "batchSize": BATCH, "validationSplit": 0, **overrides})
    data = train.TrainData(train.Dataset("random", None, train.ImageSet(images, labels), test), h, torch.device("cpu"))
    rows = data.epoch_rows(0)
    batch = lambda b: rows[b * BATCH : (b + 1) * BATCH]  # noqa: E731
    feed = timed(lambda b: data.train_batch(batch(b), train.augmentation_seed(1, 0, b), 0, BATCH), args.batches)
    options = {"checkpoints": None, "every_batch": False, "max_batches": None}
    trainer = train.Trainer(lenet5_model.build_model(), data, h, train.Dist(), None, Quiet(), torch.device("cpu"), options)
    step = timed(lambda b: trainer.step(batch(b), train.augmentation_seed(1, 0, b)), args.batches)
    print(json.dumps({"measure": name, "batch": BATCH, "feedMsPerBatch": round(feed, 3), "stepMsPerBatch": round(step, 3),
                      "feedShare": round(feed / step, 4), "threads": args.threads}), flush=True)


measure("feed, no augmentation")
measure("feed, crop 2 + flip + standardize", cropPadding=2, flip=True, normalize="standardize")

# train.py end to end: an epoch of args.batches batches on a random `tensors` dataset.
with tempfile.TemporaryDirectory() as folder:
    for f in ("train.py", "safetensors_io.py"):
        with open(os.path.join(PYTHON, f), "rb") as src, open(os.path.join(folder, f), "wb") as dst:
            dst.write(src.read())
    with open(os.path.join(FIXTURES, "lenet5_model.py"), "rb") as src, open(os.path.join(folder, "model.py"), "wb") as dst:
        dst.write(src.read())
    data = os.path.join(folder, "random.safetensors")
    safetensors_io.save_file({"train_images": images, "train_labels": labels, "test_images": test.images,
                              "test_labels": test.labels}, data)
    config = {"format": train.CONFIG_FORMAT, "model": "LeNet5", "input": {"height": 28, "width": 28, "channels": 1},
              "classes": None, "dataset": {"kind": "tensors", "path": data, "name": "random"},
              "hyperparameters": {"epochs": 1, "batchSize": BATCH, "validationSplit": 0}, "normalization": None}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)
    run = subprocess.run([sys.executable, os.path.join(folder, "train.py"), "--json", "--device", "cpu", "--threads",
                          str(args.threads), "--max-batches", str(args.batches), "--checkpoints", os.path.join(folder, "ck")],
                         capture_output=True, text=True, check=True)
    epoch = next(e for e in map(json.loads, run.stdout.splitlines()) if e["type"] == "epoch")
    print(json.dumps({"measure": "train.py epoch", "batch": BATCH, "msPerBatch": round(BATCH * 1000 / epoch["samplesPerSecond"], 3),
                      "samplesPerSecond": round(epoch["samplesPerSecond"], 1), "threads": args.threads}), flush=True)
