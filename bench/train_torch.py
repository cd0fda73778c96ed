"""PyTorch reference for bench/train.ts: the same LeNet-5 and CIFAR ResNet-18, the same batch
sizes, Adam 1e-3, on random data of the same shape. Prints one JSON line per model."""
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)


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


def bench(name, model, shape, batch, steps):
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x = torch.randn(batch, *shape)
    y = torch.randint(0, 10, (batch,))
    def step():
        opt.zero_grad(); F.cross_entropy(model(x), y).backward(); opt.step()
    step()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    ms = (time.perf_counter() - t) * 1000 / steps
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"model": name, "batch": batch, "msPerBatch": ms, "samplesPerSecond": batch * 1000 / ms, "params": params}), flush=True)


bench("lenet5", lenet(), (1, 28, 28), 64, 200)
bench("resnet18-cifar", resnet18_cifar(), (3, 32, 32), 64, 3)
bench("resnet18-cifar", resnet18_cifar(), (3, 32, 32), 128, 2)
