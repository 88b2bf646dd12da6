"""The book's CNN in PyTorch, for speed comparisons with `fashioncnn bench` (scripts/bench-vs-pytorch.sh).

The same network as the tool's default (Conv2D 32 → max pool → Conv2D 64 → max pool → Dense 100 → Dropout 0.4 →
Dense 10; 333,526 parameters, Glorot-uniform kernels and zero biases as Keras initialises them), the same data and
split (the train part shuffled by numpy's RandomState(42), its first 12,000 images validation, as scikit-learn's
train_test_split(test_size=0.2, random_state=42) does), Adam(learning_rate=0.001, epsilon=1e-7) as Keras' defaults,
batch 32. It needs Debian's python3-torch and python3-numpy and runs with /usr/bin/python3.

Usage: pytorch_reference.py DATA_DIR [--epochs N] [--steps N] [--threads N] [--batch N]
Prints one JSON line per epoch and a last line with the training rate (train_samples_per_s); the first line holds
the rate of evaluating the 12,000 validation images (eval_samples_per_s).
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def read_idx(path):
    """An IDX file (gzip or not) as a numpy array: images (N, H, W) or labels (N,)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, rows, cols)
    if magic == 2049:
        return np.frombuffer(data, np.uint8, offset=8)
    raise SystemExit(f"{path}: not an IDX image or label file (magic {magic})")


def find(folder, name):
    for candidate in (name + ".gz", name):
        if os.path.exists(os.path.join(folder, candidate)):
            return os.path.join(folder, candidate)
    raise SystemExit(f"{folder}: no {name}[.gz]")


class BookCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv2d = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2d_1 = nn.Conv2d(32, 64, 3, padding=1)
        self.dense = nn.Linear(64 * 7 * 7, 100)
        self.dense_1 = nn.Linear(100, 10)
        for layer in (self.conv2d, self.conv2d_1, self.dense, self.dense_1):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv2d(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2d_1(x)), 2)
        x = F.relu(self.dense(torch.flatten(x, 1)))
        return self.dense_1(F.dropout(x, 0.4, self.training))


def evaluate(model, images, labels, batch=1000):
    model.eval()
    loss, correct = 0.0, 0
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, len(images), batch):
            logits = model(images[i:i + batch])
            loss += F.cross_entropy(logits, labels[i:i + batch], reduction="sum").item()
            correct += (logits.argmax(1) == labels[i:i + batch]).sum().item()
    seconds = time.perf_counter() - start
    return loss / len(images), correct / len(images), len(images) / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", help="folder with the Fashion-MNIST IDX files")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--steps", type=int, default=0, help="at most this many steps an epoch (0: the whole epoch)")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    images = read_idx(find(args.data, "train-images-idx3-ubyte")).astype(np.float32) / 255
    labels = read_idx(find(args.data, "train-labels-idx1-ubyte")).astype(np.int64)
    order = np.random.RandomState(42).permutation(len(images))
    val, train = order[:12000], order[12000:]
    train_x, train_y = torch.from_numpy(images[train]).unsqueeze(1), torch.from_numpy(labels[train])
    val_x, val_y = torch.from_numpy(images[val]).unsqueeze(1), torch.from_numpy(labels[val])

    model = BookCnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    steps_done, seconds_spent = 0, 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        shuffled = torch.randperm(len(train_x))
        steps = -(-len(train_x) // args.batch)
        if args.steps:
            steps = min(steps, args.steps)
        start, loss_sum = time.perf_counter(), 0.0
        for step in range(steps):
            batch = shuffled[step * args.batch:(step + 1) * args.batch]
            loss = F.cross_entropy(model(train_x[batch]), train_y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()
        seconds = time.perf_counter() - start
        steps_done, seconds_spent = steps_done + steps, seconds_spent + seconds
        val_loss, val_accuracy, eval_rate = evaluate(model, val_x, val_y)
        print(json.dumps({"epoch": epoch, "steps": steps, "ms_per_step": round(1000 * seconds / steps, 2),
                          "loss": round(loss_sum / steps, 4), "val_loss": round(val_loss, 4),
                          "val_accuracy": round(val_accuracy, 4), "eval_samples_per_s": round(eval_rate)}), flush=True)
    print(json.dumps({"pytorch": torch.__version__, "threads": args.threads, "batch": args.batch,
                      "train_samples_per_s": round(steps_done * args.batch / seconds_spent, 1)}), flush=True)


if __name__ == "__main__":
    main()
