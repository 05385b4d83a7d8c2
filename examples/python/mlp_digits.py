"""The usual PyTorch training loop, on swiftgrad: the handwritten digits kept in data/digits.csv
(8x8 images, 10 classes), nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)),
optim.Adam, nn.functional.cross_entropy, minibatches of 32; every fifth image held out. The
same model the C demo trains (examples/c/mlp_digits.c). Nothing below the import line is
swiftgrad-specific: with `import torch` it runs on PyTorch. Exits non-zero unless test accuracy
reaches 95%.

    make demo      (or: PYTHONPATH=bindings/python python3 examples/python/mlp_digits.py)
"""
import csv
import pathlib
import random

import swiftgrad as torch

nn, F = torch.nn, torch.nn.functional

torch.manual_seed(0)
random.seed(0)

rows = list(csv.reader(open(pathlib.Path(__file__).resolve().parents[2] / "data" / "digits.csv")))
images = torch.tensor([[float(v) / 16 for v in row[:64]] for row in rows])
digits = torch.tensor([int(row[64]) for row in rows])
test_rows = torch.arange(0, len(rows), 5)
train_rows = torch.tensor([i for i in range(len(rows)) if i % 5])
X_train, y_train = images[train_rows], digits[train_rows]
X_test, y_test = images[test_rows], digits[test_rows]

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)


def accuracy(X, y):
    model.eval()
    with torch.no_grad():
        result = (model(X).argmax(dim=1) == y).float().mean().item()
    model.train()
    return result


batch_size, num_epochs = 32, 20
for epoch in range(num_epochs):
    order = list(range(len(X_train)))
    random.shuffle(order)
    total = 0.0
    for i in range(0, len(order), batch_size):
        batch = torch.tensor(order[i:i + batch_size])
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X_train[batch]), y_train[batch])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
    if (epoch + 1) % 5 == 0:
        print(f"epoch {epoch + 1:2d}, loss {total / len(order):.4f}, "
              f"train acc {accuracy(X_train, y_train):.3f}, test acc {accuracy(X_test, y_test):.3f}")

test_accuracy = accuracy(X_test, y_test)
print(f"test accuracy {test_accuracy:.3f} on {len(X_test)} held-out digits")
if test_accuracy < 0.95:
    raise SystemExit(f"the MLP reached only {test_accuracy:.3f} test accuracy")
