"""Loads the classifier that the C demo trained (build/bin/mlp_digits data/digits.csv OUT saves
OUT/digits.safetensors) into an ordinary PyTorch-style model and evaluates it on the held-out
digits: the weights cross from C to Python through a safetensors file, and the model is
nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)) with load_state_dict. Exits
non-zero unless its accuracy is the one the C program measured.

    PYTHONPATH=bindings/python python3 examples/python/evaluate_digits.py build/demo/digits.safetensors
"""
import csv
import pathlib
import sys

import swiftgrad as torch

nn = torch.nn

weights_path = sys.argv[1] if len(sys.argv) > 1 else "build/demo/digits.safetensors"
state = torch.load_file(weights_path)
metadata = torch.safetensors.load_metadata(weights_path)
print(f"{weights_path}: " + ", ".join(f"{name} {tuple(t.shape)}" for name, t in state.items()))

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
print(model.load_state_dict(state))
model.eval()

rows = list(csv.reader(open(pathlib.Path(__file__).resolve().parents[2] / "data" / "digits.csv")))
held_out = rows[::5]  # every fifth image, as the C program held out
X = torch.tensor([[float(v) / 16 for v in row[:64]] for row in held_out])
y = torch.tensor([int(row[64]) for row in held_out])

with torch.no_grad():
    predicted = model(X).argmax(dim=1)
accuracy = (predicted == y).double().mean().item()

print("confusion matrix (rows: true digit, columns: predicted)")
print("     " + " ".join(f"{d:3d}" for d in range(10)))
for digit in range(10):
    counts = [0] * 10
    for true, guess in zip(y.tolist(), predicted.tolist()):
        if true == digit:
            counts[guess] += 1
    print(f"{digit:3d}  " + " ".join(f"{c:3d}" if c else "  ." for c in counts))
print(f"test accuracy {accuracy:.3f} on {len(held_out)} held-out digits (C measured {float(metadata['test_accuracy']):.3f})")
# One prediction more or less changes the accuracy by 1/360; rounding differences are far smaller.
if abs(accuracy - float(metadata["test_accuracy"])) > 1e-9:
    raise SystemExit("the model loaded in Python disagrees with the one trained in C")
