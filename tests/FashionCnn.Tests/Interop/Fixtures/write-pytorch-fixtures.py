"""Writes the PyTorch fixtures of ExportTests once, with Debian's python3-torch (1.13): run from this folder,
/usr/bin/python3 write-pytorch-fixtures.py. The tests keep the files; they never run Python.

small-cnn.pt          torch.save(state_dict) of Conv2D(4, 3×3, same) → MaxPool(2) → Flatten (C, H, W) → Linear(784, 10)
small-cnn.safetensors the same tensors in the safetensors layout, written from torch's bytes (no safetensors package in Debian 12)
small-cnn.json        the logits PyTorch computes for test images 0-3 of Fashion-MNIST (pixels / 255)
"""
import collections, gzip, json, struct
import torch

torch.manual_seed(2026)
net = torch.nn.Sequential(collections.OrderedDict([
    ('conv2d', torch.nn.Conv2d(1, 4, 3, padding=1)), ('relu', torch.nn.ReLU()), ('pool', torch.nn.MaxPool2d(2)),
    ('flatten', torch.nn.Flatten(1)), ('dense', torch.nn.Linear(4 * 14 * 14, 10))]))
net.eval()
state = net.state_dict()
torch.save(state, 'small-cnn.pt')

header, offset, data = {}, 0, b''
for name, tensor in state.items():
    raw = tensor.contiguous().numpy().astype('<f4').tobytes()
    header[name] = {'dtype': 'F32', 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(raw)]}
    offset += len(raw)
    data += raw
text = json.dumps(header, separators=(',', ':')).encode()
with open('small-cnn.safetensors', 'wb') as f:
    f.write(struct.pack('<Q', len(text)) + text + data)

with gzip.open('../../../../data/fashion-mnist/t10k-images-idx3-ubyte.gz') as f:
    pixels = f.read()[16:16 + 4 * 784]
images = torch.tensor(list(pixels), dtype=torch.float32).reshape(4, 1, 28, 28) / 255
with torch.no_grad():
    logits = net(images)
with open('small-cnn.json', 'w') as f:
    json.dump({'torch': torch.__version__, 'test_images': [0, 1, 2, 3], 'logits': logits.tolist()}, f, indent=1)
