#!/usr/bin/python3
"""By-hand check of `fashioncnn explain` against PyTorch on the book's model (not part of the tests).

Usage: /usr/bin/python3 scripts/explain-vs-pytorch.py [FASHIONCNN]   (default: the Release build's executable)
Needs Debian's python3-torch and python3-numpy. Exports models/book/best-cnn-model.h5 as a PyTorch state_dict,
computes Grad-CAM (conv2d_1 and conv2d), saliency and occlusion for test images 0-9 and their predicted classes
with PyTorch's autograd, and prints the largest difference from fashioncnn's --json maps.
"""
import gzip, json, os, subprocess, sys, tempfile
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
tool = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "src/FashionCnn.Cli/bin/Release/net10.0/fashioncnn")
book = os.path.join(root, "models/book/best-cnn-model.h5")
work = tempfile.mkdtemp()
subprocess.run([tool, "export", "--model", book, "--format", "pt", "--output", f"{work}/book.pt"], check=True, stdout=subprocess.DEVNULL)

def ours(*options):
    out = subprocess.run([tool, "explain", "--model", book, "--index", "0-9", "--split", "test", "--out", work, "--json", *options],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)

class Net(nn.Module):
    """The book's CNN as plain PyTorch; the export puts dense's columns in PyTorch's (C, H, W) flatten order."""
    def __init__(self):
        super().__init__()
        self.conv2d, self.conv2d_1 = nn.Conv2d(1, 32, 3, padding=1), nn.Conv2d(32, 64, 3, padding=1)
        self.dense, self.dense_1 = nn.Linear(3136, 100), nn.Linear(100, 10)
    def layer0(self, x): return F.relu(self.conv2d(x))
    def layer2(self, a): return F.relu(self.conv2d_1(F.max_pool2d(a, 2)))
    def head(self, a): return self.dense_1(F.relu(self.dense(torch.flatten(F.max_pool2d(a, 2), 1))))
    def forward(self, x): return self.head(self.layer2(self.layer0(x)))

net = Net(); net.load_state_dict(torch.load(f"{work}/book.pt")); net.eval()
with gzip.open(os.path.join(root, "data/fashion-mnist/t10k-images-idx3-ubyte.gz")) as f:
    x = torch.tensor(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)[:10].astype(np.float32) / 255)
with torch.no_grad():
    predicted = net(x).argmax(1)

def grad_cam(layer):
    with torch.no_grad():
        a = net.layer0(x) if layer == 0 else net.layer2(net.layer0(x))
    a.requires_grad_(True)
    logits = net.head(net.layer2(a)) if layer == 0 else net.head(a)
    g, = torch.autograd.grad(logits.gather(1, predicted[:, None]).sum(), a)
    return F.relu((g.mean((2, 3), keepdim=True) * a).sum(1))

def saliency():
    xs = x.clone().requires_grad_(True)
    g, = torch.autograd.grad(net(xs).gather(1, predicted[:, None]).sum(), xs)
    return g.abs()[:, 0]

def occlusion(patch=4, stride=2):
    places = list(range(0, 28 - patch + 1, stride))
    if places[-1] != 28 - patch: places.append(28 - patch)
    total, count = torch.zeros(10, 28, 28, dtype=torch.float64), torch.zeros(28, 28, dtype=torch.float64)
    with torch.no_grad():
        p = lambda images: F.softmax(net(images), 1).gather(1, predicted[:, None])[:, 0].double()
        original = p(x)
        for top in places:
            for left in places:
                hidden = x.clone(); hidden[:, :, top:top + patch, left:left + patch] = 0
                total[:, top:top + patch, left:left + patch] += (original - p(hidden))[:, None, None]
                count[top:top + patch, left:left + patch] += 1
    return total / count

for name, reference, options in [("Grad-CAM conv2d_1", grad_cam(2), []), ("Grad-CAM conv2d", grad_cam(0), ["--layer", "conv2d"]),
                                 ("saliency", saliency(), ["--method", "saliency"]), ("occlusion", occlusion(), ["--method", "occlusion"])]:
    maps = ours(*options)
    assert [m["class"] for m in maps] == predicted.tolist(), name
    raw = np.array([np.array(m["map"]).ravel() * m["map_maximum"] for m in maps])
    expected = np.maximum(reference.detach().double().numpy().reshape(10, -1), 0)
    scaled = np.array([np.array(m["map"]).ravel() for m in maps])
    expected_scaled = np.array([e / e.max() if e.max() > 0 else e for e in expected])
    print(f"{name:18s} {np.array(maps[0]['map']).shape}: max |difference| raw {np.abs(raw - expected).max():.1e}, "
          f"scaled to 1 {np.abs(scaled - expected_scaled).max():.1e}; all-zero maps {sum(m['map_maximum'] == 0 for m in maps)} of 10")
