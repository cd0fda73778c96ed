"""A TEST FIXTURE, not the real train.py: a stand-in that speaks train.py's JSON-lines protocol
(docs/pytorch.md) without torch, so the PyTorch engine's process handling (torch-engine.ts) is
tested fast and anywhere. Its behaviour comes from config.json's "fake" object, which the test's
stand-in parts write: {"epochs", "batches", "delay", "mode"}; mode is one of
normal, crash (a traceback on stderr and exit 1 after the first epoch), nan (done failed),
bad-line (a batch line missing its loss), hang (never ends a batch), silent-exit (exit 3).
Checkpoints are JSON files, which the stand-in parts read as "safetensors"."""
import argparse, json, os, sys, time

p = argparse.ArgumentParser()
p.add_argument("--json", action="store_true")
p.add_argument("--control")
p.add_argument("--parent-pid", type=int)
p.add_argument("--checkpoints")
p.add_argument("--device")
p.add_argument("--threads", type=int)
p.add_argument("--resume-from")
args = p.parse_args()
here = os.path.dirname(os.path.abspath(__file__))
config = json.load(open(os.path.join(here, "config.json")))
fake = config.get("fake", {})
mode = fake.get("mode", "normal")
epochs, batches, delay = fake.get("epochs", 2), fake.get("batches", 3), fake.get("delay", 0.01)


def emit(event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def command():
    try:
        with open(args.control) as f:
            return f.read().strip()
    except OSError:
        return "run"


first = 1
if args.resume_from:
    state = json.load(open(os.path.join(args.resume_from, "state.json")))
    weights = json.load(open(os.path.join(args.resume_from, "weights.safetensors")))
    optimizer = json.load(open(os.path.join(args.resume_from, "optimizer.safetensors")))
    json.dump({"state": state, "weights": weights, "optimizer": optimizer}, open(os.path.join(here, "seen-resume.json"), "w"))
    first = state["epoch"] + 1

print("fake train.py starting on", args.device, "with", args.threads, "threads", file=sys.stderr)
emit({"type": "started", "device": "cpu", "deviceName": None, "torch": "0.0-fake", "processes": 1,
      "distributed": None, "threads": args.threads, "samples": {"train": 16, "validation": 2, "test": 2}})
if mode == "bad-line":
    emit({"type": "batch", "epoch": 1, "batch": 1, "batches": 3, "step": 1, "samplesPerSecond": 1, "etaSeconds": 1})
    time.sleep(30)
if mode == "silent-exit":
    sys.exit(3)
for epoch in range(first, epochs + 1):
    for b in range(1, batches + 1):
        if mode == "hang":
            time.sleep(3600)
        c = command()
        if c == "pause":
            emit({"type": "paused"})
            while command() == "pause":
                time.sleep(0.02)
            c = command()
            if c == "run":
                emit({"type": "resumed"})
        if c == "stop":
            emit({"type": "done", "status": "stopped", "message": "Stopped by the user.", "test": None})
            sys.exit(0)
        time.sleep(delay)
        step = (epoch - 1) * batches + b
        emit({"type": "batch", "epoch": epoch, "batch": b, "batches": batches, "step": step,
              "loss": 1.0 / step, "samplesPerSecond": 100.0, "etaSeconds": 1.0})
        if mode == "nan" and step == 2:
            emit({"type": "batch", "epoch": epoch, "batch": b, "batches": batches, "step": step, "loss": None,
                  "samplesPerSecond": 100.0, "etaSeconds": 1.0})
            emit({"type": "done", "status": "failed", "message": "The loss became NaN at epoch 1, batch 2.", "test": None})
            sys.exit(0)
    emit({"type": "epoch", "epoch": epoch, "trainLoss": 1.0 / epoch, "trainAccuracy": 0.5, "valLoss": None,
          "valAccuracy": 0.25, "learningRate": 0.001, "samplesPerSecond": 100.0})
    weights = os.path.join(args.checkpoints, f"epoch-{epoch}.safetensors")
    optimizer = os.path.join(args.checkpoints, f"epoch-{epoch}.optimizer.safetensors")
    json.dump({"tensors": [{"name": "fc.weight", "dtype": "F32", "shape": [2], "data": [epoch, -epoch]}],
               "metadata": {}}, open(weights, "w"))
    json.dump({"tensors": [{"name": "state.0.step", "dtype": "F32", "shape": [], "data": [epoch * batches]}],
               "metadata": {"param_groups": json.dumps([{"lr": 0.001, "params": [0]}])}}, open(optimizer, "w"))
    emit({"type": "checkpoint", "epoch": epoch, "weights": weights, "optimizer": optimizer, "isBest": True,
          "progress": {"bestValLoss": None, "bestEpoch": epoch, "bestValScore": 0.25, "epochsWithoutImprovement": 0}})
    if mode == "crash":
        print("Traceback (most recent call last):", file=sys.stderr)
        print('  File "train.py", line 1, in <module>', file=sys.stderr)
        print("RuntimeError: CUDA error: an illegal memory access was encountered", file=sys.stderr)
        sys.exit(1)
emit({"type": "done", "status": "finished", "message": None, "test": {"loss": 0.5, "accuracy": 0.75}})
