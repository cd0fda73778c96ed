#!/usr/bin/env python3
"""Trains model.py's network the way CNN Studio does, with PyTorch.

    python3 train.py [options]                              one process: CUDA, Apple's MPS or the CPU
    torchrun --nproc_per_node N train.py [options]          N processes (DistributedDataParallel)

The defaults come from config.json beside this file; every hyperparameter can be changed by a flag
(`python3 train.py --help` lists them). The same data as the app: its seeded validation split and subset,
its per-epoch shuffle, normalisation and augmentation; the same optimizers, schedule, early stopping, and
the test split evaluated with the best epoch's weights.

Output: progress lines, or with --json one JSON object per line on stdout (started, batch, epoch,
checkpoint, paused, resumed, done: docs/pytorch.md in CNN Studio's sources); anything else goes to stderr.
Exit status: 0 finished or stopped, 1 failed (the `done` line and stderr say why), 2 a bad command line
or config.json.

Needs Python 3.9+ and torch 1.13 or later, nothing else (Pillow or torchvision for image folders only).
"""
import argparse
import contextlib
import ctypes
import gzip
import json
import math
import os
import platform
import re
import signal
import struct
import sys
import time
import traceback
import warnings

import torch
import torch.nn.functional as F

import safetensors_io

# DDP's note about a [O, 1, kh, kw] kernel's gradient strides: the same memory order, only noise.
warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG_FORMAT = "cnn-studio/pytorch@1"

# ---------------------------------------------------------------------------------------------------------
# Hyperparameters: the app's hyperparametersSchema (src/shared/api/training.ts), defaults and ranges.

OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")
SCHEDULES = ("constant", "step", "cosine", "exponential")
NORMALIZE = ("unit", "standardize")
DEFAULTS = {
    "epochs": 10,
    "batchSize": 64,
    "optimizer": "adam",
    "learningRate": 1e-3,
    "momentum": 0.9,
    "nesterov": False,
    "weightDecay": 0.0,
    "schedule": "constant",
    "stepEpochs": 10,
    "gamma": 0.1,
    "warmupEpochs": 0.0,
    "validationSplit": 0.1,
    "patience": 0,
    "flip": False,
    "cropPadding": 0,
    "normalize": "unit",
    "seed": 1,
    "microBatch": 0,
    "limit": 0,
}
# key: (type, accepts, what is accepted)
CHECKS = {
    "epochs": (int, lambda v: 1 <= v <= 10_000, "an integer from 1 to 10000"),
    "batchSize": (int, lambda v: 1 <= v <= 4096, "an integer from 1 to 4096"),
    "optimizer": (str, lambda v: v in OPTIMIZERS, "one of " + ", ".join(OPTIMIZERS)),
    "learningRate": (float, lambda v: 0 < v <= 10, "a number above 0 and at most 10"),
    "momentum": (float, lambda v: 0 <= v < 1, "a number from 0 up to (not including) 1"),
    "nesterov": (bool, lambda v: True, "true or false"),
    "weightDecay": (float, lambda v: 0 <= v <= 1, "a number from 0 to 1"),
    "schedule": (str, lambda v: v in SCHEDULES, "one of " + ", ".join(SCHEDULES)),
    "stepEpochs": (int, lambda v: v >= 1, "an integer of at least 1"),
    "gamma": (float, lambda v: 0 < v <= 1, "a number above 0 and at most 1"),
    "warmupEpochs": (float, lambda v: 0 <= v <= 1000, "a number from 0 to 1000"),
    "validationSplit": (float, lambda v: 0 <= v <= 0.5, "a number from 0 to 0.5"),
    "patience": (int, lambda v: v >= 0, "an integer of at least 0"),
    "flip": (bool, lambda v: True, "true or false"),
    "cropPadding": (int, lambda v: 0 <= v <= 16, "an integer from 0 to 16"),
    "normalize": (str, lambda v: v in NORMALIZE, "one of " + ", ".join(NORMALIZE)),
    "seed": (int, lambda v: 0 <= v <= 2**31 - 1, "an integer from 0 to 2147483647"),
    "microBatch": (int, lambda v: v >= 0, "an integer of at least 0"),
    "limit": (int, lambda v: v >= 0, "an integer of at least 0"),
}


class ConfigError(Exception):
    """config.json or a flag is not usable: exit status 2."""


class TrainingError(Exception):
    """The run cannot go on (missing data, a NaN loss, …): `done` failed with this message."""


class Hyperparameters:
    """The run's hyperparameters, as attributes named as in the app (h.batchSize, h.learningRate, …)."""

    def __init__(self, values):
        self.__dict__.update(values)

    def as_dict(self):
        return {k: self.__dict__[k] for k in DEFAULTS}


def checked(key, value, where):
    kind, accepts, text = CHECKS[key]
    ok_type = (
        isinstance(value, bool)
        if kind is bool
        else isinstance(value, str)
        if kind is str
        else isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    )
    if ok_type and kind is int:
        ok_type = float(value).is_integer()
        value = int(value) if ok_type else value
    if ok_type and kind is float:
        value = float(value)
    if not ok_type or not accepts(value):
        raise ConfigError(f"{where}: {key} must be {text}; got {json.dumps(value)}.")
    return value


# ---------------------------------------------------------------------------------------------------------
# The app's seeded randomness, exactly (src/main/datasets/random.ts, split.ts): JavaScript's 32-bit integer
# arithmetic done with Python integers masked to 32 bits, its doubles as Python floats.

MASK = 0xFFFFFFFF


def mulberry32(seed):
    """The app's PRNG: the same seed gives the same stream of floats in [0, 1) as random.ts."""
    a = int(seed) & MASK  # `seed >>> 0`: the seeds are integers below 2**53, exact in a double

    def random():
        nonlocal a
        a = (a + 0x6D2B79F5) & MASK
        t = a
        t = ((t ^ (t >> 15)) * (t | 1)) & MASK
        t ^= (t + ((t ^ (t >> 7)) * (t | 61))) & MASK
        return ((t ^ (t >> 14)) & MASK) / 4294967296

    return random


def shuffled(n, random):
    """0 … n − 1 in a random order (Fisher–Yates), as random.ts's `shuffled`."""
    out = list(range(n))
    for i in range(n - 1, 0, -1):
        j = int(random() * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def js_round(x):
    """JavaScript's Math.round: halves go up (Python's round goes to the even neighbour)."""
    r = math.floor(x)
    return r + 1 if x - r >= 0.5 else r


def stratified_split(labels, indices, share, seed):
    """split.ts's stratifiedSplit: a seeded `share` of each class to the second list, both sorted."""
    by_class = {}
    for i in sorted(indices):
        by_class.setdefault(labels[i], []).append(i)
    first, second = [], []
    random = mulberry32(seed)
    for label in sorted(by_class):
        members = by_class[label]
        take = js_round(len(members) * share)
        for j, k in enumerate(shuffled(len(members), random)):
            (second if j < take else first).append(members[k])
    return sorted(first), sorted(second)


def epoch_order(seed, epoch, count):
    """The order of the training split in an epoch (loop.ts): seeded by seed·1,000,003 + epoch."""
    return shuffled(count, mulberry32(seed * 1_000_003 + epoch))


def augmentation_seed(seed, epoch, batch):
    """The seed of a training batch's augmentation draws (loop.ts)."""
    return seed * 7_919 + epoch * 100_003 + batch


def learning_rate_at(h, t):
    """schedule.ts's learningRateAt: the rate `t` epochs into the run (epoch + batch / batches)."""
    base = h.learningRate
    if h.warmupEpochs > 0 and t < h.warmupEpochs:
        return base * max(t, 1e-3 * h.warmupEpochs) / h.warmupEpochs
    epoch = math.floor(t)
    if h.schedule == "step":
        return base * h.gamma ** math.floor(epoch / h.stepEpochs)
    if h.schedule == "exponential":
        return base * h.gamma**epoch
    if h.schedule == "cosine":
        span = max(h.epochs - h.warmupEpochs, 1e-9)
        progress = min(max(t - h.warmupEpochs, 0) / span, 1)
        return base * 0.5 * (1 + math.cos(math.pi * progress))
    return base


class EtaEstimator:
    """shared/training/eta.ts's createEtaEstimator, with its constants: the time left from the speed of recent
    batches, after a warm-up; None ("estimating…") until the window holds enough time."""

    WARMUP_BATCHES = 3
    WARMUP_SECONDS = 3
    MIN_SECONDS = 1
    WINDOW_SECONDS = 10

    def __init__(self):
        self.batches = 0
        self.since_start = 0.0
        self.warm = False
        self.window = []
        self.samples = 0
        self.seconds = 0.0

    def record(self, samples, seconds):
        """One batch of `samples` took `seconds` (timed alone: pauses and validation are not slowness)."""
        self.batches += 1
        self.since_start += seconds
        if not self.warm:
            self.warm = self.batches >= self.WARMUP_BATCHES or self.since_start >= self.WARMUP_SECONDS
            return
        self.window.append((samples, seconds))
        self.samples += samples
        self.seconds += seconds
        while len(self.window) > 1 and self.seconds - self.window[0][1] >= self.WINDOW_SECONDS:
            old_samples, old_seconds = self.window.pop(0)
            self.samples -= old_samples
            self.seconds -= old_seconds

    def speed(self):
        if self.warm and self.seconds >= self.MIN_SECONDS and self.seconds > 0:
            return self.samples / self.seconds
        return None

    def eta(self, samples_left):
        v = self.speed()
        return None if v is None else samples_left / v


def js_number(x):
    """A number as JavaScript's template strings write it (NaN, Infinity, -Infinity)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return repr(x)


def js_to_precision(x, p):
    """JavaScript's Number.prototype.toPrecision, for the app's messages."""
    if x == 0:
        return "0" if p == 1 else "0." + "0" * (p - 1)
    mantissa, exponent = f"{x:.{p - 1}e}".split("e")
    e = int(exponent)
    if e < -6 or e >= p:
        return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return f"{x:.{max(p - 1 - e, 0)}f}"


# ---------------------------------------------------------------------------------------------------------
# Datasets, read with torch alone into uint8 NHWC tensors (as the app holds them: src/main/datasets).


class ImageSet:
    def __init__(self, images, labels):
        self.images = images  # uint8 [N, H, W, C]
        self.labels = labels  # uint8 [N]

    @property
    def count(self):
        return self.images.shape[0]


class Dataset:
    def __init__(self, name, classes, train, test):
        self.name, self.classes, self.train, self.test = name, classes, train, test


IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
IDX_GZ = [f"{base}.gz" for split in IDX_FILES.values() for base in split]
REFETCH = "Download the file again, or use the one from the dataset as published."


def idx_candidates(base):
    """The names one of MNIST's files goes by: published (.gz), gunzipped, with the dot some copies use."""
    dotted = re.sub(r"-(idx\d)", r".\1", base, count=1)
    return [f"{base}.gz", base, f"{dotted}.gz", dotted]


def read_idx(folder, base, name):
    found = [os.path.join(folder, f) for f in idx_candidates(base)]
    found = [f for f in found if os.path.isfile(f)]
    if not found:
        raise TrainingError(
            f"{os.path.join(folder, base + '.gz')} is missing (looked for {', '.join(idx_candidates(base))}). "
            f"{name} needs the four files {', '.join(IDX_GZ)} (gzipped or not) in one folder."
        )
    file = found[0]
    try:
        with open(file, "rb") as f:
            data = f.read()
    except OSError as e:
        raise TrainingError(f"{file} cannot be read ({e.strerror}). Check its permissions.") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise TrainingError(f"{file}: the gzip data is damaged ({e}). Download the file again.") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise TrainingError(
            f"{file}: not an IDX file (it must start with two zero bytes, a type and a rank). {REFETCH}"
        )
    if data[2] != 0x08:
        raise TrainingError(
            f"{file}: IDX data type 0x{data[2]:x} is not supported; only unsigned bytes (0x08). {REFETCH}"
        )
    rank = data[3]
    if not 1 <= rank <= 4 or len(data) < 4 + 4 * rank:
        raise TrainingError(f"{file}: the IDX header is damaged or truncated. {REFETCH}")
    dims = list(struct.unpack(f">{rank}I", data[4 : 4 + 4 * rank]))
    size = math.prod(dims)
    if len(data) - 4 - 4 * rank != size:
        raise TrainingError(
            f"{file}: the header promises {'×'.join(map(str, dims))} = {size} bytes of data but the file holds "
            f"{len(data) - 4 - 4 * rank}. The file is truncated or not what its name says. {REFETCH}"
        )
    body = bytearray(data[4 + 4 * rank :])
    return file, dims, (torch.frombuffer(body, dtype=torch.uint8) if size else torch.empty(0, dtype=torch.uint8))


def load_idx(folder, name):
    if not os.path.isdir(folder):
        raise TrainingError(f"{folder} is not a folder. Give the folder holding {', '.join(IDX_GZ)} (--data).")
    sets = {}
    for split, (images_base, labels_base) in IDX_FILES.items():
        images_file, dims, images = read_idx(folder, images_base, name)
        labels_file, label_dims, labels = read_idx(folder, labels_base, name)
        if len(dims) != 3:
            raise TrainingError(
                f"{images_file}: expected images N×height×width, got {'×'.join(map(str, dims))}. {REFETCH}"
            )
        if len(label_dims) != 1 or label_dims[0] != dims[0]:
            raise TrainingError(
                f"{images_file} holds {dims[0]} images but {labels_file} holds {label_dims[0]} labels: they are "
                "not a pair. Use the images and labels files of the same split and dataset."
            )
        if dims[0] == 0:
            raise TrainingError(f"{images_file} holds no images. Download the file again.")
        sets[split] = ImageSet(images.reshape(dims[0], dims[1], dims[2], 1), labels)
    return sets["train"], sets["test"]


CIFAR_TRAIN = [f"data_batch_{i}.bin" for i in range(1, 6)]
CIFAR_TEST = "test_batch.bin"
CIFAR_RECORD = 1 + 3 * 32 * 32


def load_cifar10(folder):
    candidates = [folder, os.path.join(folder, "cifar-10-batches-bin")]
    found = [d for d in candidates if any(os.path.exists(os.path.join(d, f)) for f in CIFAR_TRAIN + [CIFAR_TEST])]
    if not found:
        raise TrainingError(
            f"{folder} holds no CIFAR-10 binary batches (data_batch_1.bin … data_batch_5.bin and test_batch.bin, "
            "as extracted from cifar-10-binary.tar.gz, either there or in its cifar-10-batches-bin/ folder)."
        )
    folder = found[0]
    missing = [f for f in CIFAR_TRAIN + [CIFAR_TEST] if not os.path.exists(os.path.join(folder, f))]
    if missing:
        raise TrainingError(f"{folder} lacks {', '.join(missing)}. Extract cifar-10-binary.tar.gz again.")

    def read(names):
        chunks = []
        for name in names:
            file = os.path.join(folder, name)
            with open(file, "rb") as f:
                data = f.read()
            if not data or len(data) % CIFAR_RECORD:
                raise TrainingError(
                    f"{file}: {len(data)} bytes is not a whole number of CIFAR-10 records ({CIFAR_RECORD} bytes "
                    "each). The file is truncated or not a CIFAR-10 binary batch: download "
                    "cifar-10-binary.tar.gz again."
                )
            records = torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(-1, CIFAR_RECORD)
            if int(records[:, 0].max()) > 9:
                raise TrainingError(f"{file}: labels above 9: is this CIFAR-100? Use CIFAR-10's binary version.")
            chunks.append(records)
        records = torch.cat(chunks)
        # Each record: the label, then the red, green and blue planes; we keep NHWC.
        images = records[:, 1:].reshape(-1, 3, 32, 32).permute(0, 2, 3, 1).contiguous()
        return ImageSet(images, records[:, 0].contiguous())

    names = None
    meta = os.path.join(folder, "batches.meta.txt")
    if os.path.exists(meta):
        with open(meta, encoding="utf-8") as f:
            names = [line.strip() for line in f if line.strip()]
        if len(names) != 10:
            raise TrainingError(
                f"{meta} lists {len(names)} class names; CIFAR-10 has 10. Remove the file to use the "
                "standard names."
            )
    return read(CIFAR_TRAIN), read([CIFAR_TEST]), names


def load_tensors(file):
    """A safetensors file of train_images/test_images (uint8 NHWC), train_labels/test_labels (uint8)."""
    if not os.path.isfile(file):
        raise TrainingError(f"{file} does not exist. Give the dataset's .safetensors file (--data).")
    try:
        tensors = safetensors_io.load_file(file)
        metadata = read_safetensors_metadata(file) or {}
    except (OSError, ValueError) as e:
        raise TrainingError(f"{file} cannot be read as safetensors ({e}).") from None
    for key in ("train_images", "train_labels", "test_images", "test_labels"):
        if key not in tensors:
            raise TrainingError(
                f"{file} has no {key}: a dataset file holds train_images, train_labels, test_images and "
                "test_labels."
            )
        if tensors[key].dtype != torch.uint8:
            raise TrainingError(f"{file}: {key} is {tensors[key].dtype}; it must be uint8.")
    sets = []
    for split in ("train", "test"):
        images, labels = tensors[f"{split}_images"], tensors[f"{split}_labels"]
        if images.dim() != 4 or labels.dim() != 1 or images.shape[0] != labels.shape[0]:
            raise TrainingError(
                f"{file}: {split}_images must be [N, height, width, channels] and {split}_labels [N]; got "
                f"{list(images.shape)} and {list(labels.shape)}."
            )
        sets.append(ImageSet(images, labels))
    try:
        classes = json.loads(metadata["classes"]) if "classes" in metadata else None
    except json.JSONDecodeError:
        raise TrainingError(f"{file}: its metadata's classes are not a JSON list of names.") from None
    return sets[0], sets[1], classes


def read_safetensors_metadata(file):
    """The `__metadata__` of a safetensors file (train.py needs only load_file/save_file from safetensors_io)."""
    with open(file, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        if size > 100_000_000:
            raise ValueError("the header length is not plausible")
        return json.loads(f.read(size)).get("__metadata__")


# Image folders (image-folder.ts's layout: one sub-folder of PNG/JPEG images per class, or train/ and
# test/), decoded with Pillow or torchvision.io, whichever is installed, and resized to the model's input.
# The resampling is theirs, so the pixels differ slightly from the app's; the engine hands train.py such
# folders as `tensors`, decoded by the app, so that the PyTorch engine trains on the app's exact bytes.

TEST_NAMES = ("test", "val", "valid", "validation")
TEST_SHARE = 1 / 6
CLUTTER = ("__MACOSX", "Thumbs.db", "desktop.ini")


def visible(folder):
    return sorted(n for n in os.listdir(folder) if not n.startswith(".") and n not in CLUTTER)


def files_under(folder, depth=0):
    out = []
    for name in visible(folder):
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            if depth < 8:
                out += files_under(path, depth + 1)
        else:
            out.append(path)
    return out


def image_decoder():
    try:
        from PIL import Image

        return lambda file, size: decode_pil(Image, file, size)
    except ImportError:
        pass
    try:
        import torchvision.io as tvio

        return lambda file, size: decode_torchvision(tvio, file, size)
    except ImportError:
        raise TrainingError(
            "Reading an image folder needs Pillow or torchvision, and neither is installed here: "
            "pip install pillow (or apt-get install python3-pil), or train with CNN Studio's own engine, "
            "which reads image folders itself."
        ) from None


def sniff(file):
    with open(file, "rb") as f:
        head = f.read(8)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return "jpeg" if head.startswith(b"\xff\xd8\xff") else None


def decode_pil(Image, file, size):
    h, w, c = size
    resampling = getattr(Image, "Resampling", Image)
    with Image.open(file) as im:
        rgba = im.convert("RGBA")
    # Transparent pixels on white, as the app composites them; box filter when shrinking (an area average).
    flat = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
    shrinking = w <= flat.width and h <= flat.height
    flat = flat.resize((w, h), resampling.BOX if shrinking else resampling.BILINEAR)
    if c == 1:
        flat = flat.convert("L")  # ITU-R 601 luma, as the app
    return torch.frombuffer(bytearray(flat.tobytes()), dtype=torch.uint8).reshape(h, w, c).clone()


def decode_torchvision(tvio, file, size):
    h, w, c = size
    img = tvio.decode_image(tvio.read_file(file)).float()  # [channels 1 to 4, H, W]
    if img.shape[0] in (1, 2):
        img = torch.cat([img[:1].expand(3, -1, -1), img[1:]])
    if img.shape[0] == 4:
        alpha = img[3:] / 255
        img = img[:3] * alpha + 255 * (1 - alpha)
    shrinking = w <= img.shape[2] and h <= img.shape[1]
    mode, corners = ("area", None) if shrinking else ("bilinear", False)
    img = F.interpolate(img[None], size=(h, w), mode=mode, align_corners=corners)[0]
    if c == 1:
        img = (0.299 * img[0] + 0.587 * img[1] + 0.114 * img[2])[None]
    return img.round().clamp(0, 255).to(torch.uint8).permute(1, 2, 0).contiguous()


def read_classes(root, classes, size, decode, skipped):
    images, labels = [], []
    for label, name in enumerate(classes):
        folder = os.path.join(root, name)
        if not os.path.isdir(folder):
            continue
        for file in files_under(folder):
            try:
                if sniff(file) is None:
                    raise ValueError("not a PNG or JPEG image")
                images.append(decode(file, size))
                labels.append(label)
            except Exception as e:  # whatever the decoder says: the file is skipped and reported, as the app does
                skipped.append((file, str(e)))
    empty = torch.empty(0, *size, dtype=torch.uint8)
    return ImageSet(torch.stack(images) if images else empty, torch.tensor(labels, dtype=torch.uint8))


def load_folder(root, input_shape):
    if not os.path.isdir(root):
        raise TrainingError(f"{root} is not a folder. Give a folder with one sub-folder of images per class (--data).")
    train_root, test_root = root, None
    inner = os.path.join(root, "train")
    if os.path.isdir(inner) and any(os.path.isdir(os.path.join(inner, n)) for n in visible(inner)):
        train_root = inner
        tests = [os.path.join(root, n) for n in TEST_NAMES if os.path.isdir(os.path.join(root, n))]
        test_root = tests[0] if tests else None
    classes = [n for n in visible(train_root) if os.path.isdir(os.path.join(train_root, n))]
    if len(classes) < 2:
        raise TrainingError(
            f"{train_root} has {'only one class sub-folder' if classes else 'no class sub-folders'}: a classifier "
            "needs at least two. Put each class's PNG or JPEG images in its own sub-folder (e.g. cats/, dogs/)."
        )
    decode = image_decoder()
    c, h, w = input_shape
    skipped = []
    train = read_classes(train_root, classes, (h, w, c), decode, skipped)
    if test_root:
        test = read_classes(test_root, classes, (h, w, c), decode, skipped)
    else:
        # No test folder: a seeded, stratified sixth of each class, as the app holds out.
        rest, held = stratified_split(train.labels.tolist(), range(train.count), TEST_SHARE, 1)
        train, test = [ImageSet(train.images[rows], train.labels[rows]) for rows in (rest, held)]
    if skipped:
        print(f"train.py: {len(skipped)} files skipped, e.g. {skipped[0][0]}: {skipped[0][1]}", file=sys.stderr)
    counts = torch.bincount(train.labels.long(), minlength=len(classes)).tolist()
    empty = [name for name, n in zip(classes, counts) if n == 0]
    if empty:
        raise TrainingError(
            f"{train_root}: no readable PNG or JPEG images for {', '.join(empty)}. Add images, or remove the "
            "empty class folders."
        )
    return train, test, classes


def load_dataset(kind, path, name, classes, input_shape):
    """The dataset as uint8 NHWC sets, its class names and a check that the model takes its images."""
    if not path:
        raise TrainingError("No dataset is set: config.json names none. Pass --data PATH and --dataset-kind.")
    path = os.path.abspath(path)
    own_classes = None
    if kind == "idx":
        train, test = load_idx(path, name or "MNIST")
    elif kind == "cifar10":
        train, test, own_classes = load_cifar10(path)
    elif kind == "tensors":
        train, test, own_classes = load_tensors(path)
    elif kind == "folder":
        train, test, own_classes = load_folder(path, input_shape)
    else:
        raise TrainingError(f"Unknown dataset kind {kind!r}: use idx, cifar10, folder or tensors.")
    classes = classes or own_classes
    top = max(int(train.labels.max()), int(test.labels.max()) if test.count else 0)
    if classes is None:
        classes = [str(i) for i in range(top + 1)]
    if top >= len(classes):
        raise TrainingError(
            f"{path}: label {top} is not a class of {name or 'the dataset'} (it has {len(classes)} classes: 0 to "
            f"{len(classes) - 1}). The files are damaged or belong to another dataset."
        )
    c, h, w = input_shape
    shape = tuple(train.images.shape[1:])
    if shape != (h, w, c) or (test.count and tuple(test.images.shape[1:]) != shape):
        raise TrainingError(
            f"{path}: the images are {shape[0]}×{shape[1]}×{shape[2]} (height×width×channels) but model.py takes "
            f"{h}×{w}×{c} (INPUT_SHAPE = {tuple(input_shape)}). Use the dataset the model was built for."
        )
    return Dataset(name or os.path.basename(path), classes, train, test)


# ---------------------------------------------------------------------------------------------------------
# Batches as the app makes them (train-data.ts, batches.ts): the whole set stays uint8 on the device; a batch
# is gathered by index, augmented and normalised there, with the app's values to the last bit.

MIN_STD = 1 / 255  # one grey level: a constant channel does not explode


def channel_stats(images, rows):
    """batches.ts's channelStats: per-channel mean and std (0–1 scale) of `rows`, from an exact histogram."""
    channels = images.shape[-1]
    hist = torch.zeros(channels * 256, dtype=torch.int64)
    offsets = torch.arange(channels) * 256
    for start in range(0, len(rows), 2048):  # in pieces: int64 indices of a whole set would be 8× its size
        block = images[torch.tensor(rows[start : start + 2048], dtype=torch.int64)].reshape(-1, channels)
        hist += torch.bincount((block.long() + offsets).reshape(-1), minlength=channels * 256)
    hist = hist.reshape(channels, 256).tolist()
    mean, std = [], []
    for c in range(channels):
        n = total = squares = 0
        for v in range(256):  # in the app's order, so the doubles come out the same
            n += hist[c][v]
            total += hist[c][v] * v
            squares += hist[c][v] * v * v
        m = total / n if n else 0
        variance = max(squares / n - m * m, 0) if n else 0
        mean.append(m / 255)
        std.append(max(math.sqrt(variance) / 255, MIN_STD))
    return {"mean": mean, "std": std}


def lookup_table(channels, normalization):
    """byte → float for each channel, `lut[c·256 + byte]`, computed in doubles as batches.ts does."""
    values = []
    for c in range(channels):
        scale = 1 / 255 / normalization["std"][c] if normalization else 1 / 255
        shift = -normalization["mean"][c] / normalization["std"][c] if normalization else 0
        values += [v * scale + shift for v in range(256)]
    return torch.tensor(values, dtype=torch.float32)


def augmentation_draws(seed, count, crop, flip):
    """Each image's flip and shift, drawn as batches.ts draws them: flip? then dy, dx, per image."""
    random = mulberry32(seed)
    flips, dys, dxs = [], [], []
    for _ in range(count):
        flips.append(flip and random() < 0.5)
        dys.append(math.floor(random() * (2 * crop + 1)) - crop if crop else 0)
        dxs.append(math.floor(random() * (2 * crop + 1)) - crop if crop else 0)
    return flips, dys, dxs


class TrainData:
    """The splits of a dataset for a run (train-data.ts's makeTrainData), with batches made on `device`."""

    def __init__(self, ds, h, device):
        train, test = ds.train, ds.test
        self.h, self.device = h, device
        self.height, self.width, self.channels = train.images.shape[1:]
        labels = train.labels.tolist()
        pool = list(range(train.count))
        if 0 < h.limit < train.count:
            pool = stratified_split(labels, pool, h.limit / train.count, h.seed + 17)[1]
        train_rows, val_rows = (pool, [])
        if h.validationSplit > 0:
            train_rows, val_rows = stratified_split(labels, pool, h.validationSplit, h.seed)
        self.normalization = channel_stats(train.images, train_rows) if h.normalize == "standardize" else None
        if h.cropPadding >= self.height or h.cropPadding >= self.width:
            raise TrainingError(
                f"A crop padding of {h.cropPadding} is too large for {self.height}×{self.width} images."
            )
        self.lut = lookup_table(self.channels, self.normalization).to(device)
        self.offsets = (torch.arange(self.channels) * 256).to(device)
        self.images = train.images.to(device)
        self.labels = train.labels.to(device=device, dtype=torch.int64)
        self.test_images = test.images.to(device)
        self.test_labels = test.labels.to(device=device, dtype=torch.int64)
        self.train_rows = torch.tensor(train_rows, dtype=torch.int64, device=device)
        self.val_rows = torch.tensor(val_rows, dtype=torch.int64, device=device)
        self.train_count, self.val_count, self.test_count = len(train_rows), len(val_rows), test.count

    def normalized(self, pixels):
        """uint8 NHWC → float32 NCHW through the lookup table (exactly the app's floats)."""
        index = pixels.long() + self.offsets if self.channels > 1 else pixels.long()
        return self.lut[index].permute(0, 3, 1, 2).contiguous()

    def epoch_rows(self, epoch):
        """Rows of the training set in the epoch's order."""
        order = torch.tensor(epoch_order(self.h.seed, epoch, self.train_count), dtype=torch.int64)
        return self.train_rows[order.to(self.device)]

    def train_batch(self, rows, seed, lo, hi):
        """Images lo … hi − 1 of the batch `rows` (rows of the training set), augmented with the batch's draws."""
        pixels = self.images[rows[lo:hi]]
        h = self.h
        if h.cropPadding > 0 or h.flip:
            # The draws of the whole batch, so that a process's part gets the draws its images get in one process.
            flips, dys, dxs = (x[lo:hi] for x in augmentation_draws(seed, len(rows), h.cropPadding, h.flip))
            pixels = self.augmented(pixels, flips, dys, dxs)
        return self.normalized(pixels), self.labels[rows[lo:hi]]

    def augmented(self, pixels, flips, dys, dxs):
        """Crops after zero padding and flips, for the whole batch at once: output (r, col) reads padded
        source (r + dy, (flip ? W − 1 − col : col) + dx), as batches.ts; the padding is byte 0, which the
        lookup table turns into a black pixel's value."""
        n, height, width, channels = pixels.shape
        p = self.h.cropPadding
        dev = pixels.device
        padded = pixels
        if p:  # zeros and a copy: padding uint8 works on every device this way
            padded = pixels.new_zeros((n, height + 2 * p, width + 2 * p, channels))
            padded[:, p : p + height, p : p + width] = pixels
        flip = torch.tensor(flips, dtype=torch.bool, device=dev)[:, None]
        dy = torch.tensor(dys, dtype=torch.int64, device=dev)[:, None]
        dx = torch.tensor(dxs, dtype=torch.int64, device=dev)[:, None]
        col = torch.arange(width, device=dev)[None, :]
        rows = torch.arange(height, device=dev)[None, :] + dy + p
        cols = torch.where(flip, width - 1 - col, col) + dx + p
        return padded[torch.arange(n, device=dev)[:, None, None], rows[:, :, None], cols[:, None, :]]

    def eval_batch(self, split, start, size):
        if split == "val":
            rows = self.val_rows[start : start + size]
            return self.normalized(self.images[rows]), self.labels[rows]
        return self.normalized(self.test_images[start : start + size]), self.test_labels[start : start + size]


# ---------------------------------------------------------------------------------------------------------
# Optimizers as the app's TF.js ones (optimizer.ts): Adam with ε 1e-7, SGD (momentum, Nesterov: the same
# update as TF.js), RMSprop with TF's formula, and decoupled weight decay after every optimizer's step.


class TFRMSprop(torch.optim.Optimizer):
    """RMSprop as TensorFlow (and TF.js, the app's engine) computes it: ε inside the square root and the
    learning rate inside the momentum buffer (torch.optim.RMSprop adds ε outside and scales after), so a
    changing learning rate acts as it does in the app."""

    def __init__(self, params, lr, alpha=0.9, momentum=0.0, eps=1e-7):
        super().__init__(params, {"lr": lr, "alpha": alpha, "momentum": momentum, "eps": eps})

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state["square_avg"] = torch.zeros_like(p)
                    state["momentum_buffer"] = torch.zeros_like(p)
                state["step"] += 1
                square_avg, buf = state["square_avg"], state["momentum_buffer"]
                square_avg.mul_(group["alpha"]).addcmul_(p.grad, p.grad, value=1 - group["alpha"])
                buf.mul_(group["momentum"]).add_(p.grad * group["lr"] / (square_avg + group["eps"]).sqrt())
                p.sub_(buf)


def make_optimizer(params, h):
    if h.optimizer == "sgd":
        if h.momentum > 0:
            return torch.optim.SGD(params, lr=h.learningRate, momentum=h.momentum, nesterov=h.nesterov)
        return torch.optim.SGD(params, lr=h.learningRate)
    if h.optimizer == "rmsprop":
        return TFRMSprop(params, lr=h.learningRate, alpha=0.9, momentum=h.momentum, eps=1e-7)
    # adam and adamw: AdamW is Adam plus the decoupled decay below (as the app), not torch's AdamW.
    return torch.optim.Adam(params, lr=h.learningRate, betas=(0.9, 0.999), eps=1e-7)


@torch.no_grad()
def decay_weights(params, lr, decay):
    """optimizer.ts's decayWeights: w ← w − lr·λ·w on kernels (more than one dimension) after the step."""
    factor = 1 - lr * decay
    for p in params:
        if p.dim() > 1:
            p.mul_(factor)


def optimizer_tensors(optimizer):
    """The optimizer's state_dict flattened for safetensors: `state.<index>.<name>` tensors (step as F32) and
    the param_groups as JSON in the metadata."""
    saved = optimizer.state_dict()
    tensors = {}
    for index, state in saved["state"].items():
        for name, value in state.items():
            if value is None:
                continue
            value = value if torch.is_tensor(value) else torch.tensor(value)
            tensors[f"state.{index}.{name}"] = (value.float() if name == "step" else value).detach().cpu()
    metadata = {"param_groups": json.dumps(saved["param_groups"]), "optimizer": type(optimizer).__name__}
    return tensors, metadata


def load_optimizer_state(optimizer, file):
    tensors = safetensors_io.load_file(file)
    metadata = read_safetensors_metadata(file) or {}
    if "param_groups" not in metadata:
        raise TrainingError(
            f"{file} has no param_groups in its metadata: it is not an optimizer state written by train.py."
        )
    kind = metadata.get("optimizer")
    if kind and kind != type(optimizer).__name__:
        raise TrainingError(
            f"{file} holds {kind}'s state but this run uses {type(optimizer).__name__}: resume with the "
            "run's own --optimizer."
        )
    state = {}
    for key, value in tensors.items():
        _, index, name = key.split(".", 2)
        state.setdefault(int(index), {})[name] = value
    try:
        optimizer.load_state_dict({"state": state, "param_groups": json.loads(metadata["param_groups"])})
    except (ValueError, KeyError) as e:
        raise TrainingError(f"{file} does not fit this model's parameters ({e}).") from None


# ---------------------------------------------------------------------------------------------------------
# Checkpoints: epoch-N.safetensors (the model's state_dict) and epoch-N.optimizer.safetensors, each written
# to a temporary file and renamed, so a reader never sees half a file.


def save_atomic(tensors, path, metadata):
    temporary = f"{path}.tmp-{os.getpid()}"
    try:
        safetensors_io.save_file(tensors, temporary, metadata)
        os.replace(temporary, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise TrainingError(
            f"Could not write {path} ({e.strerror or e}). Check the folder's free space and permissions."
        ) from None


def cpu_state(module):
    return {k: v.detach().to("cpu", copy=True) for k, v in module.state_dict().items()}


def load_weights(module, file, what):
    try:
        module.load_state_dict(safetensors_io.load_file(file), strict=True)
    except (OSError, ValueError, RuntimeError) as e:
        raise TrainingError(f"{what} {file} does not fit model.py's network: {e}") from None


def read_resume(folder):
    """`--resume-from`: the engine's folder (state.json, weights.safetensors, optimizer.safetensors), or a
    checkpoints folder of train.py's own, whose latest epoch-N pair is taken (its progress in the metadata)."""
    if not os.path.isdir(folder):
        raise TrainingError(f"--resume-from {folder}: not a folder.")
    state_file = os.path.join(folder, "state.json")
    if os.path.exists(state_file):
        files = os.path.join(folder, "weights.safetensors"), os.path.join(folder, "optimizer.safetensors")
        try:
            with open(state_file, encoding="utf-8") as f:
                state = json.load(f)
            epoch, progress = int(state["epoch"]), dict(state["progress"])
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise TrainingError(
                f'{state_file} is not {{"epoch": N, "progress": {{…}}}} ({type(e).__name__}: {e}).'
            ) from None
        missing = [f for f in files if not os.path.isfile(f)]
        if missing:
            raise TrainingError(f"--resume-from {folder} lacks {', '.join(map(os.path.basename, missing))}.")
        return epoch, progress, files
    epochs = [int(m.group(1)) for m in (re.fullmatch(r"epoch-(\d+)\.safetensors", n) for n in os.listdir(folder)) if m]
    if not epochs:
        raise TrainingError(
            f"{folder} holds neither state.json nor epoch-N.safetensors checkpoints: give the folder "
            "--checkpoints wrote."
        )
    weights = os.path.join(folder, f"epoch-{max(epochs)}.safetensors")
    metadata = read_safetensors_metadata(weights) or {}
    if "progress" not in metadata:
        raise TrainingError(f"{weights} has no progress in its metadata: it was not written by train.py.")
    optimizer = weights.replace(".safetensors", ".optimizer.safetensors")
    return max(epochs), json.loads(metadata["progress"]), (weights, optimizer)


# ---------------------------------------------------------------------------------------------------------
# Control between batches: the control file (run, pause, stop), the parent process, SIGTERM and Ctrl+C.

RUN, STOP, PAUSE = 0, 1, 2
STOPPED_BY_USER = "Stopped by the user."


def pid_alive(pid):
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x00101000, False, pid)  # SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        try:
            return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: still running
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Control:
    """Rank 0 decides (one stat of the control file per batch, read only when it changed; the parent checked
    every 2 s) and broadcasts the decision, so every process pauses or stops at the same batch."""

    def __init__(self, path, parent_pid, dist, out):
        self.path, self.parent_pid, self.dist, self.out = path, parent_pid, dist, out
        self.seen = None
        self.command = "run"
        self.signalled = False
        self.next_parent_check = 0.0
        self.message = STOPPED_BY_USER
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self.on_signal)

    def on_signal(self, signum, frame):
        if signum == signal.SIGINT and self.signalled:
            raise KeyboardInterrupt  # a second Ctrl+C: right away
        self.signalled = True

    def local(self):
        if self.signalled:
            return STOP
        if self.out.closed:
            self.message = "Stopped: its output was closed (the app reading it ended)."
            return STOP
        if self.parent_pid and time.monotonic() >= self.next_parent_check:
            self.next_parent_check = time.monotonic() + 2.0
            if not pid_alive(self.parent_pid):
                self.message = f"Stopped: the process that started training (pid {self.parent_pid}) ended."
                return STOP
        if self.path:
            try:
                st = os.stat(self.path)
                stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
                if stamp != self.seen:
                    self.seen = stamp
                    with open(self.path, encoding="utf-8") as f:
                        command = f.read().strip().lower()
                    if command in ("run", "pause", "stop"):
                        self.command = command
                    else:
                        print(f"train.py: {self.path} says {command!r}; write run, pause or stop.", file=sys.stderr)
            except OSError:
                pass  # not written yet, or being replaced: the last command holds
        return {"run": RUN, "pause": PAUSE, "stop": STOP}[self.command]

    def decide(self):
        return self.dist.broadcast_code(self.local() if self.dist.rank == 0 else 0)

    def between_batches(self):
        """None to go on, or the stop message; pauses here (printing paused/resumed) while paused."""
        code = self.decide()
        if code == PAUSE:
            self.out.emit({"type": "paused"})
            while code == PAUSE:
                time.sleep(0.05)
                code = self.decide()
            if code == RUN:
                self.out.emit({"type": "resumed"})
        return self.message if code == STOP else None


# ---------------------------------------------------------------------------------------------------------
# Output: the JSON lines (rank 0 only) or progress for people.


def finite_or_none(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    return value


class Output:
    def __init__(self, json_lines, rank):
        self.json, self.rank = json_lines, rank
        self.stream = sys.stdout
        if json_lines:
            # The JSON lines own stdout: whatever else prints (model code, libraries, C code) goes to stderr.
            sys.stdout.flush()
            self.stream = os.fdopen(os.dup(1), "w", encoding="utf-8")
            os.dup2(2, 1)
            sys.stdout = sys.stderr
        self.batch_interval = 0.25 if json_lines else 5.0
        self.closed = False

    def emit(self, event):
        if self.rank != 0 or self.closed:
            return
        if self.json:
            text = json.dumps(finite_or_none(event), separators=(",", ":"), allow_nan=False)
        else:
            text = describe(event)
        try:
            self.stream.write(text + "\n")
            self.stream.flush()
        except OSError:
            # The reader is gone (the app ended): Control stops the run, keeping the checkpoints.
            self.closed = True


def describe(e):
    """One event as a line for people."""
    kind = e["type"]
    if kind == "started":
        s = e["samples"]
        dist = f", {e['processes']} processes ({e['distributed']})" if e["distributed"] else ""
        return (
            f"Training on {e['device']} ({e['deviceName']}), torch {e['torch']}{dist}, {e['threads']} "
            f"thread{'s' if e['threads'] > 1 else ''}: "
            f"{s['train']} training, {s['validation']} validation, {s['test']} test images."
        )
    if kind == "batch":
        return (
            f"epoch {e['epoch']} batch {e['batch']}/{e['batches']}: loss {e['loss']:.4f}, "
            f"{e['samplesPerSecond']:.0f} images/s, "
            + ("estimating the time left" if e["etaSeconds"] is None else f"{e['etaSeconds']:.0f} s left")
        )
    if kind == "epoch":
        val = f", validation loss {e['valLoss']:.4f} accuracy {e['valAccuracy']:.2%}" if "valLoss" in e else ""
        return (
            f"epoch {e['epoch']}: loss {e['trainLoss']:.4f} accuracy {e['trainAccuracy']:.2%}{val}, "
            f"learning rate {e['learningRate']:.3g}, {e['samplesPerSecond']:.0f} images/s"
        )
    if kind == "checkpoint":
        return f"saved {e['weights']}" + (" (the best so far)" if e["isBest"] else "")
    if kind == "paused":
        return "paused: write run (or stop) into the control file"
    if kind == "resumed":
        return "resumed"
    if kind == "done":
        test = e["test"]
        tested = f" Test loss {test['loss']:.4f}, accuracy {test['accuracy']:.2%}." if test else ""
        return f"{e['status']}.{' ' + e['message'] if e['message'] else ''}{tested}"
    return json.dumps(e)


# ---------------------------------------------------------------------------------------------------------
# Processes: one, or torchrun's (RANK, WORLD_SIZE, LOCAL_RANK in the environment).


class Dist:
    def __init__(self):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0")) if self.world > 1 else 0
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0")) if self.world > 1 else 0
        self.backend = None
        self.device = torch.device("cpu")

    @property
    def active(self):
        return self.backend is not None

    def start(self, device):
        if self.world <= 1:
            return
        import torch.distributed as dist

        if device.type == "mps":
            raise TrainingError(
                "torchrun on Apple's MPS is not supported by PyTorch: run one process, or pass --device cpu."
            )
        self.backend = "nccl" if device.type == "cuda" else "gloo"
        dist.init_process_group(self.backend)
        self.device = device if device.type == "cuda" else torch.device("cpu")  # NCCL communicates GPU tensors

    def stop(self):
        if self.active:
            import torch.distributed as dist

            dist.destroy_process_group()
            self.backend = None

    def share(self, n):
        """This process's contiguous part [lo, hi) of n items: near-equal parts, the first ones larger."""
        base, extra = divmod(n, self.world)
        lo = self.rank * base + min(self.rank, extra)
        return lo, lo + base + (1 if self.rank < extra else 0)

    def sum(self, tensor):
        if self.active:
            import torch.distributed as dist

            moved = tensor.to(self.device)
            dist.all_reduce(moved)
            return moved
        return tensor

    def broadcast_code(self, code):
        if not self.active:
            return code
        import torch.distributed as dist

        t = torch.tensor([code], dtype=torch.int64, device=self.device)
        dist.broadcast(t, 0)
        return int(t.item())

    @torch.no_grad()
    def sync_buffers(self, module):
        """Buffers (BatchNorm's running statistics) agree again: floating ones averaged over the processes,
        each of which saw its own part of every batch, the others (counters) taken from rank 0."""
        if not self.active:
            return
        import torch.distributed as dist

        for buffer in module.buffers():
            moved = buffer.to(self.device)
            if buffer.is_floating_point():
                dist.all_reduce(moved)
                moved /= self.world
            else:
                dist.broadcast(moved, 0)
            buffer.copy_(moved)


# ---------------------------------------------------------------------------------------------------------
# The training loop (loop.ts's trainLoop, step by step).

EVAL_BATCH = 256


def non_finite_message(loss, epoch, batch, lr):
    return (
        f"The training loss became {js_number(loss)} at epoch {epoch}, batch {batch} (learning rate "
        f"{js_to_precision(lr, 3)}). Lower the learning rate, add BatchNorm, or check the data; the checkpoints "
        "of earlier epochs are kept."
    )


class Trainer:
    def __init__(self, module, data, h, dist, out, control, device, options):
        self.module, self.data, self.h, self.dist, self.out = module, data, h, dist, out
        self.control, self.device = control, device
        self.checkpoints = options["checkpoints"]
        self.every_batch = options["every_batch"]
        self.net = module
        if dist.active:
            from torch.nn.parallel import DistributedDataParallel

            # Buffers are not broadcast at each forward (that is a collective, and the processes may make
            # different numbers of forwards with micro-batches); sync_buffers makes them agree per epoch.
            ids = [device.index] if device.type == "cuda" else None
            self.net = DistributedDataParallel(module, device_ids=ids, broadcast_buffers=False)
        self.params = [p for p in module.parameters() if p.requires_grad]
        self.optimizer = make_optimizer(self.params, h)
        self.batches = math.ceil(data.train_count / h.batchSize)
        if options["max_batches"]:
            self.batches = min(self.batches, options["max_batches"])
        self.epoch_samples = min(data.train_count, self.batches * h.batchSize)
        # Sums of losses and hits in float64, except on MPS, which has none.
        self.sums = torch.float32 if device.type == "mps" else torch.float64

    def step(self, rows, seed):
        """One optimizer step over the batch `rows`: this process's part of it, in micro-batches when asked,
        each part's summed loss ÷ the batch's size, so that the step is the whole batch's mean loss."""
        h, dist = self.h, self.dist
        n = rows.numel()
        lo, hi = dist.share(n)
        self.optimizer.zero_grad(set_to_none=True)
        totals = torch.zeros(2, dtype=self.sums, device=self.device)
        if hi == lo:
            # None of this batch here (a short last batch): a zero contribution, so DDP's all-reduce still meets.
            x, _ = self.data.train_batch(rows, seed, 0, 1)
            self.module.eval()  # the stand-in image leaves BatchNorm's statistics alone
            (self.net(x) * 0).sum().backward()
            self.module.train()
        else:
            x, y = self.data.train_batch(rows, seed, lo, hi)
            size = h.microBatch if 0 < h.microBatch < hi - lo else hi - lo
            starts = range(0, hi - lo, size)
            for i, start in enumerate(starts):
                last = i == len(starts) - 1
                with contextlib.nullcontext() if last or not dist.active else self.net.no_sync():
                    logits = self.net(x[start : start + size])
                    labels = y[start : start + size]
                    ce = F.cross_entropy(logits, labels, reduction="sum")
                    # DDP averages the processes' gradients: × world makes it their sum.
                    (ce * (dist.world / n)).backward()
                totals[0] += ce.detach()
                totals[1] += (logits.argmax(1) == labels).sum()
        self.optimizer.step()
        loss_sum, correct = dist.sum(totals).tolist()
        return loss_sum / n, int(correct)

    @torch.no_grad()
    def evaluate(self, split):
        """Mean loss and accuracy of a split in inference mode, each process taking a contiguous part."""
        h = self.h
        count = self.data.val_count if split == "val" else self.data.test_count
        size = min(EVAL_BATCH, h.microBatch if 0 < h.microBatch < h.batchSize else h.batchSize)
        lo, hi = self.dist.share(count)
        totals = torch.zeros(2, dtype=self.sums, device=self.device)
        self.module.eval()
        for start in range(lo, hi, size):
            x, y = self.data.eval_batch(split, start, min(size, hi - start))
            logits = self.module(x)
            totals[0] += F.cross_entropy(logits, y, reduction="sum")
            totals[1] += (logits.argmax(1) == y).sum()
        self.module.train()
        loss_sum, correct = self.dist.sum(totals).tolist()
        return {"loss": loss_sum / count, "accuracy": correct / count}

    def save_checkpoint(self, epoch, state, is_best, progress):
        if self.dist.rank != 0 or not self.checkpoints:
            return
        try:
            os.makedirs(self.checkpoints, exist_ok=True)
        except OSError as e:
            raise TrainingError(f"Could not create {self.checkpoints} ({e.strerror or e}): pass --checkpoints DIR.") from None
        weights = os.path.join(self.checkpoints, f"epoch-{epoch}.safetensors")
        optimizer = os.path.join(self.checkpoints, f"epoch-{epoch}.optimizer.safetensors")
        tensors, metadata = optimizer_tensors(self.optimizer)
        save_atomic(tensors, optimizer, metadata)
        # The progress rides along, so that --resume-from can take this folder.
        metadata = {"epoch": str(epoch), "isBest": json.dumps(is_best), "progress": json.dumps(progress)}
        save_atomic(state, weights, metadata)
        self.out.emit(
            {
                "type": "checkpoint",
                "epoch": epoch,
                "weights": weights,
                "optimizer": optimizer,
                "isBest": is_best,
                "progress": progress,
            }
        )

    def train(self, start_epoch, progress, best_state):
        """Epochs start_epoch … epochs − 1; returns (status, message, test)."""
        h, data, out = self.h, self.data, self.out
        best_val_loss = progress.get("bestValLoss")
        best_epoch = progress.get("bestEpoch")
        best_val_score = progress.get("bestValScore")
        without_improvement = progress.get("epochsWithoutImprovement", 0)
        started = time.perf_counter()
        samples_done = 0
        eta = EtaEstimator()
        for epoch in range(start_epoch, h.epochs):
            # Dropout's masks depend on the epoch alone, so a resumed run draws what an uninterrupted one would.
            torch.manual_seed((h.seed * 1_000_003 + epoch) * 64 + self.dist.rank)
            self.module.train()
            order = data.epoch_rows(epoch)
            loss_sum = correct = seen = 0
            last_report = -math.inf
            epoch_start = time.perf_counter()
            for b in range(self.batches):
                stop = self.control.between_batches()
                if stop:
                    return "stopped", stop, None
                batch_start = time.perf_counter()
                lr = learning_rate_at(h, epoch + b / self.batches)
                for group in self.optimizer.param_groups:
                    group["lr"] = lr
                rows = order[b * h.batchSize : min((b + 1) * h.batchSize, data.train_count)]
                loss, hits = self.step(rows, augmentation_seed(h.seed, epoch, b))
                if not math.isfinite(loss):
                    raise TrainingError(non_finite_message(loss, epoch + 1, b + 1, lr))
                if h.weightDecay > 0:
                    decay_weights(self.params, lr, h.weightDecay)
                n = rows.numel()
                loss_sum += loss * n
                correct += hits
                seen += n
                samples_done += n
                now = time.perf_counter()
                eta.record(n, now - batch_start)
                if self.every_batch or now - last_report >= out.batch_interval or b == self.batches - 1:
                    last_report = now
                    speed = eta.speed() or samples_done / max(now - started, 1e-9)
                    left = (h.epochs - epoch - 1) * self.epoch_samples + (self.epoch_samples - seen)
                    out.emit(
                        {
                            "type": "batch",
                            "epoch": epoch + 1,
                            "batch": b + 1,
                            "batches": self.batches,
                            "step": epoch * self.batches + b + 1,
                            "loss": loss,
                            "samplesPerSecond": speed,
                            "etaSeconds": eta.eta(left),
                        }
                    )
            train_seconds = time.perf_counter() - epoch_start
            self.dist.sync_buffers(self.module)
            val = self.evaluate("val") if data.val_count > 0 else None
            metrics = {
                "type": "epoch",
                "epoch": epoch + 1,
                "trainLoss": loss_sum / seen,
                "trainAccuracy": correct / seen,
            }
            if val:
                metrics.update(valLoss=val["loss"], valAccuracy=val["accuracy"])
            metrics.update(learningRate=learning_rate_at(h, epoch + 1 - 1e-9), samplesPerSecond=seen / train_seconds)
            out.emit(metrics)
            score = val["loss"] if val else metrics["trainLoss"]
            is_best = best_val_loss is None or score < best_val_loss
            if is_best:
                best_val_loss, best_epoch = score, epoch + 1
                best_val_score = val["accuracy"] if val else metrics["trainAccuracy"]
                without_improvement = 0
            else:
                without_improvement += 1
            state = cpu_state(self.module)
            if is_best:
                best_state = state
            progress = {
                "bestValLoss": best_val_loss,
                "bestEpoch": best_epoch,
                "bestValScore": best_val_score,
                "epochsWithoutImprovement": without_improvement,
            }
            self.save_checkpoint(epoch + 1, state, is_best, progress)
            if h.patience > 0 and without_improvement >= h.patience and epoch + 1 < h.epochs:
                message = f"Early stopping: the validation loss did not improve for {h.patience} epochs."
                return self.finish(best_state, message)
        return self.finish(best_state, None)

    def finish(self, best_state, message):
        """The test split, evaluated with the best epoch's weights."""
        if best_state is not None:
            self.module.load_state_dict(best_state)
        test = self.evaluate("test") if self.data.test_count > 0 else None
        return "finished", message, test


# ---------------------------------------------------------------------------------------------------------
# Command line and config.json.

FLAGS = [
    # flag, key, type, help
    ("--epochs", "epochs", int, "epochs to train"),
    ("--batch-size", "batchSize", int, "images per optimizer step"),
    ("--optimizer", "optimizer", OPTIMIZERS, "the optimizer"),
    ("--lr", "learningRate", float, "the learning rate (also --learning-rate)"),
    ("--momentum", "momentum", float, "SGD's and RMSprop's momentum"),
    ("--nesterov", "nesterov", bool, "Nesterov momentum (SGD)"),
    ("--weight-decay", "weightDecay", float, "decoupled weight decay on kernels; 0: off"),
    ("--schedule", "schedule", SCHEDULES, "the learning-rate schedule"),
    ("--step-epochs", "stepEpochs", int, "the step schedule's epochs between decays"),
    ("--gamma", "gamma", float, "the step and exponential schedules' factor"),
    ("--warmup-epochs", "warmupEpochs", float, "epochs of linear warm-up from 0"),
    ("--validation-split", "validationSplit", float, "share of the training split held out (0 to 0.5)"),
    ("--patience", "patience", int, "stop after this many epochs without a better validation loss; 0: never"),
    ("--flip", "flip", bool, "flip training images left–right half of the time"),
    ("--crop-padding", "cropPadding", int, "random crops after zero padding by this many pixels"),
    ("--normalize", "normalize", NORMALIZE, "unit: pixels ÷ 255; standardize: then per-channel statistics"),
    ("--seed", "seed", int, "the seed of the splits, the shuffles and the augmentation"),
    ("--micro-batch", "microBatch", int, "compute each batch in pieces of this size (less memory); 0: whole"),
    ("--limit", "limit", int, "train on a stratified subset of this many training images; 0: all"),
]
FLAG_OF = {key: flag for flag, key, _, _ in FLAGS}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="train.py",
        description="Trains model.py's network as CNN Studio does. Defaults: config.json beside this file.",
    )
    hyper = parser.add_argument_group("hyperparameters (config.json's when not given)")
    for flag, key, kind, text in FLAGS:
        names = [flag, "--learning-rate"] if key == "learningRate" else [flag]
        if kind is bool:
            hyper.add_argument(*names, dest=key, action=argparse.BooleanOptionalAction, default=None, help=text)
        elif isinstance(kind, tuple):
            hyper.add_argument(*names, dest=key, choices=kind, default=None, help=text)
        else:
            hyper.add_argument(*names, dest=key, type=kind, default=None, metavar="N", help=text)
    data = parser.add_argument_group("data")
    data.add_argument("--data", metavar="PATH", help="the dataset's folder or file (config.json's otherwise)")
    data.add_argument("--dataset-kind", choices=("idx", "cifar10", "folder", "tensors"), help="how --data is laid out")
    run = parser.add_argument_group("run")
    run.add_argument("--config", metavar="FILE", help="config.json to read (default: beside train.py)")
    run.add_argument(
        "--device", choices=("auto", "cpu", "cuda", "mps"), default="auto", help="auto: CUDA, else MPS, else CPU"
    )
    run.add_argument("--weights", metavar="FILE", help="start from these weights, e.g. weights.safetensors")
    run.add_argument(
        "--checkpoints",
        metavar="DIR",
        default=os.path.join(HERE, "checkpoints"),
        help="where epoch-N.safetensors go (default: checkpoints/ beside train.py)",
    )
    run.add_argument(
        "--resume-from",
        metavar="DIR",
        help="continue a run: its checkpoints folder, or state.json + weights + optimizer files",
    )
    run.add_argument("--control", metavar="FILE", help="a file holding run, pause or stop, read between batches")
    run.add_argument("--parent-pid", metavar="PID", type=int, help="stop when this process has ended")
    run.add_argument("--threads", metavar="N", type=int, help="CPU threads (torch.set_num_threads)")
    run.add_argument("--max-batches", metavar="N", type=int, help="at most N batches per epoch (quick trials, tests)")
    run.add_argument("--json", action="store_true", help="print JSON lines on stdout instead of progress lines")
    run.add_argument("--every-batch", action="store_true", help="report every batch (default: at most 4 a second)")
    return parser.parse_args(argv)


def read_config(path):
    path = path or os.path.join(HERE, "config.json")
    if not os.path.exists(path):
        raise ConfigError(
            f"{path} is missing: train.py reads its defaults from config.json beside it (CNN Studio writes "
            "it), or pass --config FILE."
        )
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise ConfigError(f"{path} cannot be read as JSON ({e}).") from None
    if not isinstance(config, dict) or config.get("format") != CONFIG_FORMAT:
        raise ConfigError(f"{path} is not a CNN Studio PyTorch config (its format must be {CONFIG_FORMAT!r}).")
    return path, config


def hyperparameters(path, config, args):
    given = config.get("hyperparameters") or {}
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ConfigError(f"{path}: unknown hyperparameters {', '.join(unknown)}; known: {', '.join(DEFAULTS)}.")
    values = dict(DEFAULTS)
    values.update({k: checked(k, v, path) for k, v in given.items()})
    for key in DEFAULTS:
        if getattr(args, key) is not None:
            values[key] = checked(key, getattr(args, key), FLAG_OF[key])
    for name in ("threads", "max_batches"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            raise ConfigError(f"--{name.replace('_', '-')} must be at least 1; got {getattr(args, name)}.")
    return Hyperparameters(values)


def pick_device(choice, dist):
    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if choice == "auto":
        choice = "cuda" if cuda else "mps" if mps else "cpu"
    if choice == "cuda":
        if not cuda:
            raise TrainingError(
                "--device cuda, but torch sees no CUDA GPU (torch.cuda.is_available() is False). Use "
                "--device cpu."
            )
        if dist.local_rank >= torch.cuda.device_count():
            raise TrainingError(
                f"torchrun started more processes on this machine than it has GPUs ({torch.cuda.device_count()}): "
                "lower --nproc_per_node."
            )
        torch.cuda.set_device(dist.local_rank)
        torch.backends.cudnn.benchmark = True  # the batch shapes repeat: let cuDNN pick its fastest kernels
        return torch.device("cuda", dist.local_rank)
    if choice == "mps":
        if not mps:
            raise TrainingError(
                "--device mps, but this torch has no MPS device (Apple silicon, macOS 12.3+). "
                "Use --device cpu."
            )
        return torch.device("mps")
    return torch.device("cpu")


def keep_freed_memory():
    """On the CPU, glibc hands freed memory back to the system at once (its trim and mmap thresholds): every
    step's activations then come back as fresh pages, and a LeNet-5 step at batch 64 ran 2.5× slower than
    torch's own loop (bench/train_py.py). Keeping up to 256 MB of freed memory for reuse, and serving
    allocations up to 32 MB from it, makes them equal. Linux with glibc only, and not where the user tuned it."""
    if not sys.platform.startswith("linux") or any(k.startswith("MALLOC_") for k in os.environ):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD (its largest value on 64-bit)
        libc.mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass  # not glibc (musl): its allocator, untouched


def device_name(device):
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple GPU (MPS)"
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "CPU"


def import_model():
    try:
        import model as network
    except Exception as e:
        raise TrainingError(f"model.py beside train.py cannot be imported: {type(e).__name__}: {e}") from None
    for name in ("build_model", "INPUT_SHAPE"):
        if not hasattr(network, name):
            raise TrainingError(f"model.py has no {name}: export the project again from CNN Studio.")
    return network


def check_model(module, data, classes):
    """A forward of two images: a model that cannot take the data, or gives the wrong number of classes, says so now."""
    x, _ = data.eval_batch("test", 0, 2) if data.test_count else data.train_batch(data.train_rows[:2], 0, 0, 2)
    module.eval()
    try:
        with torch.no_grad():
            logits = module(x)
    except RuntimeError as e:
        raise TrainingError(f"model.py's network cannot take the dataset's images: {e}") from None
    module.train()
    if logits.dim() != 2 or logits.shape[1] != len(classes):
        raise TrainingError(
            f"model.py's network gives outputs of shape {list(logits.shape[1:])} per image, but the dataset has "
            f"{len(classes)} classes: its last layer needs {len(classes)} units."
        )


def run(args, config_path, config, h, dist, out):
    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device, dist)
    if device.type == "cpu":
        keep_freed_memory()
    dist.start(device)
    control = Control(args.control, args.parent_pid, dist, out)
    network = import_model()
    dataset = config.get("dataset") or {}
    kind = args.dataset_kind or dataset.get("kind")
    # --data is relative to the working folder, config.json's path to config.json's folder.
    path = args.data or (dataset.get("path") and os.path.join(os.path.dirname(config_path), dataset["path"]))
    ds = load_dataset(kind, path, dataset.get("name"), config.get("classes"), network.INPUT_SHAPE)
    data = TrainData(ds, h, device)
    if data.train_count == 0:
        raise TrainingError(
            "No training images are left after the validation split and the limit: lower --validation-split "
            "or raise --limit."
        )
    torch.manual_seed(h.seed)
    module = network.build_model().to(device)
    check_model(module, data, ds.classes)
    start_epoch, progress, best_state, optimizer_file = 0, {}, None, None
    if args.resume_from:
        start_epoch, progress, (weights, optimizer_file) = read_resume(args.resume_from)
        load_weights(module, weights, "The checkpoint")
        # The resumed weights are the best so far when their epoch is the best epoch (loop.ts: checkpoint.isBest).
        best_state = cpu_state(module) if progress.get("bestEpoch") == start_epoch else None
    elif args.weights:
        load_weights(module, args.weights, "--weights")
    options = {"checkpoints": args.checkpoints, "every_batch": args.every_batch, "max_batches": args.max_batches}
    trainer = Trainer(module, data, h, dist, out, control, device, options)
    if optimizer_file:
        load_optimizer_state(trainer.optimizer, optimizer_file)
    out.emit(
        {
            "type": "started",
            "device": str(device) if device.type != "cuda" else f"cuda:{device.index}",
            "deviceName": device_name(device),
            "torch": torch.__version__,
            "processes": dist.world,
            "distributed": dist.backend,
            "threads": torch.get_num_threads(),
            "samples": {"train": data.train_count, "validation": data.val_count, "test": data.test_count},
        }
    )
    status, message, test = trainer.train(start_epoch, progress, best_state)
    rank_weights = os.environ.get("CNN_STUDIO_TRAIN_RANK_WEIGHTS")
    if rank_weights:  # tests: every process's final weights, to compare the processes
        safetensors_io.save_file(cpu_state(module), os.path.join(rank_weights, f"rank-{dist.rank}.safetensors"))
    return status, message, test


def explain(e):
    text = str(e)
    if "out of memory" in text.lower():
        return (
            f"Out of memory: {text.splitlines()[0]} Lower --batch-size, or set --micro-batch (the same step "
            "in smaller pieces)."
        )
    return f"{type(e).__name__}: {text}"


def main(argv=None):
    args = parse_args(argv)
    dist = Dist()
    out = Output(args.json, dist.rank)

    def fail(message, code):
        where = f" (rank {dist.rank})" if dist.world > 1 else ""
        print(f"train.py{where}: error: {message}", file=sys.stderr, flush=True)
        if args.json:
            out.emit({"type": "done", "status": "failed", "message": message, "test": None})
        return code

    try:
        path, config = read_config(args.config)
        h = hyperparameters(path, config, args)
    except ConfigError as e:
        return fail(str(e), 2)
    try:
        status, message, test = run(args, path, config, h, dist, out)
        out.emit({"type": "done", "status": status, "message": message, "test": test})
        return 0
    except TrainingError as e:
        return fail(str(e), 1)
    except Exception as e:
        traceback.print_exc()
        return fail(explain(e), 1)
    finally:
        dist.stop()


if __name__ == "__main__":
    sys.exit(main())
