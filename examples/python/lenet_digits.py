"""LeNet on swiftgrad, as D2L's chapter 7.6 builds it (lazy layers: the input sizes are found on
the first batch), trained on the handwritten digits in data/digits.csv (8x8 images, 10 classes),
each image upsampled to LeNet's 28x28 with F.interpolate. Two changes from the book's 1998
network, as its exercises suggest: ReLU instead of sigmoid and max pooling instead of average
pooling, trained with Adam and a cosine learning-rate schedule; every fifth image is held out. Batches come from a DataLoader over
a TensorDataset. Nothing below the import line is swiftgrad-specific: with `import torch` it
runs on PyTorch. Writes OUT/lenet_curve.svg (loss and accuracies per epoch) and exits non-zero
unless test accuracy reaches 97%.

    make demo      (or: PYTHONPATH=bindings/python python3 examples/python/lenet_digits.py [OUT])
"""
import csv
import pathlib
import sys

import swiftgrad as torch
from _progress import ProgressBar, write_svg

nn, F = torch.nn, torch.nn.functional
DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset

torch.manual_seed(0)
out_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "build/demo")
out_dir.mkdir(parents=True, exist_ok=True)

rows = list(csv.reader(open(pathlib.Path(__file__).resolve().parents[2] / "data" / "digits.csv")))
images = torch.tensor([[float(v) / 16 for v in row[:64]] for row in rows]).reshape(-1, 1, 8, 8)
images = F.interpolate(images, size=(28, 28), mode="bilinear", align_corners=False)
digits = torch.tensor([int(row[64]) for row in rows])
held_out = torch.arange(len(rows)) % 5 == 0
train = TensorDataset(images[~held_out], digits[~held_out])
test = TensorDataset(images[held_out], digits[held_out])

model = nn.Sequential(
    nn.LazyConv2d(6, kernel_size=5, padding=2), nn.ReLU(),
    nn.MaxPool2d(kernel_size=2, stride=2),
    nn.LazyConv2d(16, kernel_size=5), nn.ReLU(),
    nn.MaxPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.LazyLinear(120), nn.ReLU(),
    nn.LazyLinear(84), nn.ReLU(),
    nn.LazyLinear(10))
model(torch.zeros(1, 1, 28, 28))  # materialises the lazy layers
print(model)
num_epochs = 15
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=num_epochs)


def accuracy(dataset):
    model.eval()
    X, y = dataset.tensors
    with torch.no_grad():
        result = (model(X).argmax(dim=1) == y).float().mean().item()
    model.train()
    return result


loader = DataLoader(train, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(0))
history = {"train loss": [], "train acc": [], "test acc": []}
for epoch in range(num_epochs):
    bar = ProgressBar(len(loader), f"epoch {epoch + 1:2d}/{num_epochs}")
    total, seen = 0.0, 0
    for i, (X, y) in enumerate(loader):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
        total, seen = total + loss.item() * len(y), seen + len(y)
        bar.update(i + 1, f"loss {total / seen:.4f}")
    scheduler.step()
    history["train loss"].append(total / seen)
    history["train acc"].append(accuracy(train))
    history["test acc"].append(accuracy(test))
    print(f"  train acc {history['train acc'][-1]:.3f}, test acc {history['test acc'][-1]:.3f}")

write_svg(out_dir / "lenet_curve.svg", "LeNet on digits (Python, swiftgrad)", history)
test_accuracy = history["test acc"][-1]
print(f"test accuracy {test_accuracy:.3f} on {len(test)} held-out digits; curves: {out_dir / 'lenet_curve.svg'}")
if test_accuracy < 0.97:
    raise SystemExit(f"LeNet reached only {test_accuracy:.3f} test accuracy")
