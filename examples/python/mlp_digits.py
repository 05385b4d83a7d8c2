"""A multilayer perceptron from scratch, as in D2L's "Implementation of Multilayer Perceptrons",
on the handwritten digits kept in data/digits.csv (8x8 images, 10 classes): one hidden layer
of ReLUs, softmax cross-entropy, minibatch SGD, written with swiftgrad's PyTorch API only. Holds
out every fifth image; exits non-zero unless test accuracy reaches 95%.

    make demo      (or: PYTHONPATH=bindings/python python3 examples/python/mlp_digits.py)
"""
import csv
import pathlib
import random

import swiftgrad as torch
import swiftgrad.nn.functional as F

torch.manual_seed(0)
random.seed(0)

rows = list(csv.reader(open(pathlib.Path(__file__).resolve().parents[2] / "data" / "digits.csv")))
images = torch.tensor([[float(v) / 16 for v in row[:64]] for row in rows])
digits = torch.tensor([int(row[64]) for row in rows])
test_rows = torch.arange(0, len(rows), 5)
train_rows = torch.tensor([i for i in range(len(rows)) if i % 5])
X_train, y_train = images[train_rows], digits[train_rows]
X_test, y_test = images[test_rows], digits[test_rows]

num_inputs, num_hiddens, num_outputs = 64, 128, 10
W1 = (torch.randn(num_inputs, num_hiddens) * 0.1).requires_grad_()
b1 = torch.zeros(num_hiddens, requires_grad=True)
W2 = (torch.randn(num_hiddens, num_outputs) * 0.1).requires_grad_()
b2 = torch.zeros(num_outputs, requires_grad=True)
params = [W1, b1, W2, b2]


def relu(X):
    return torch.maximum(X, torch.zeros_like(X))


def net(X):
    H = relu(X @ W1 + b1)
    return H @ W2 + b2


def accuracy(X, y):
    with torch.no_grad():
        return float((net(X).argmax(dim=1) == y).float().mean())


def sgd(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


lr, batch_size, num_epochs = 0.2, 32, 30
for epoch in range(num_epochs):
    order = list(range(len(X_train)))
    random.shuffle(order)
    total = 0.0
    for i in range(0, len(order), batch_size):
        batch = torch.tensor(order[i:i + batch_size])
        loss = F.cross_entropy(net(X_train[batch]), y_train[batch])
        loss.backward()
        sgd(params, lr)
        total += loss.item() * len(batch)
    if (epoch + 1) % 5 == 0:
        print(f"epoch {epoch + 1:2d}, loss {total / len(order):.4f}, "
              f"train acc {accuracy(X_train, y_train):.3f}, test acc {accuracy(X_test, y_test):.3f}")

test_accuracy = accuracy(X_test, y_test)
print(f"test accuracy {test_accuracy:.3f} on {len(X_test)} held-out digits")
if test_accuracy < 0.95:
    raise SystemExit(f"the MLP reached only {test_accuracy:.3f} test accuracy")
