"""PyTorch reference for bench/train.ts: the same LeNet-5 and CIFAR ResNet-18, the same batch
sizes, Adam 1e-3, on random data of the same shape, on CUDA when torch has a GPU, else the CPU.
Prints one JSON line per model. `--model-py NAME:BATCH=FILE` times a model.py's build_model() (the
network the PyTorch engine trained) in the same loop, instead of the hand-written network, for that
model and batch ("generated": true in its line). `--keep-freed-memory` sets glibc's allocator as
train.py does on the CPU (its keep_freed_memory), so that the loop differs from the engine's only by
what the engine adds. `--windows W`: the timed batches in W windows, the best window's time per
batch reported (a shared machine: the best is the cost); 1, the default, times them all at once.

    python3 bench/train_torch.py [--threads N] [--batches N] [--quick] [--models a,b] [--model-py …]
                                 [--keep-freed-memory] [--windows W]"""
import argparse, importlib.util, json, os, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

args = argparse.ArgumentParser()
args.add_argument("--threads", type=int, default=2)
args.add_argument("--batches", type=int, help="timed batches per model (as bench/train.ts)")
args.add_argument("--quick", action="store_true")
args.add_argument("--models", default="lenet5-mnist,resnet18-cifar")
args.add_argument("--model-py", action="append", default=[], help="NAME:BATCH=FILE, e.g. lenet5-mnist:64=model.py")
args.add_argument("--keep-freed-memory", action="store_true", help="glibc's allocator as train.py sets it")
args.add_argument("--windows", type=int, default=1, help="report the best of this many windows")
args = args.parse_args()
GENERATED = dict(a.split("=", 1) for a in args.model_py)
if args.keep_freed_memory:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "pytorch", "python"))
    from train import keep_freed_memory  # noqa: E402

    keep_freed_memory()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
NAME = torch.cuda.get_device_name(0) if DEVICE == "cuda" else "cpu"


def batches(full, quick):
    return max(1, args.batches) if args.batches else quick if args.quick else full


def sync():
    # CUDA runs asynchronously: time what it did, not what it was asked.
    if DEVICE == "cuda":
        torch.cuda.synchronize()


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


class Basic(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); self.b2 = nn.BatchNorm2d(cout)
        self.short = nn.Sequential()
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        return F.relu(self.b2(self.c2(y)) + self.short(x))


def resnet18_cifar():
    layers, cin = [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()], 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        layers += [Basic(cin, cout, stride), Basic(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


def generated(file):
    spec = importlib.util.spec_from_file_location(f"generated_{abs(hash(file))}", file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_model()


def bench(name, model, shape, batch, steps, key=None):
    file = GENERATED.get(f"{key}:{batch}")
    model = (generated(file) if file else model).to(DEVICE)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x = torch.randn(batch, *shape, device=DEVICE)
    y = torch.randint(0, 10, (batch,), device=DEVICE)
    def step():
        opt.zero_grad(); F.cross_entropy(model(x), y).backward(); opt.step()
    step()
    sync()
    windows = max(1, min(args.windows, steps))
    ms = float("inf")
    for w in range(windows):
        count = steps // windows + (1 if w < steps % windows else 0)
        t = time.perf_counter()
        for _ in range(count):
            step()
        sync()
        ms = min(ms, (time.perf_counter() - t) * 1000 / count)
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"model": name, "batch": batch, "msPerBatch": ms, "samplesPerSecond": batch * 1000 / ms,
                      "params": params, "device": NAME, "generated": bool(file),
                      "keepFreedMemory": args.keep_freed_memory}), flush=True)


models = args.models.split(",")
if "lenet5-mnist" in models:
    bench("lenet5", lenet(), (1, 28, 28), 64, batches(200, 50), "lenet5-mnist")
if "resnet18-cifar" in models:
    bench("resnet18-cifar", resnet18_cifar(), (3, 32, 32), 64, batches(3, 1), "resnet18-cifar")
    bench("resnet18-cifar", resnet18_cifar(), (3, 32, 32), 128, batches(2, 1), "resnet18-cifar")
