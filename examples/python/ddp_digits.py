"""Data-parallel training with DistributedDataParallel: the digit classifier of mlp_digits.py
(nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)), Adam, cross-entropy) trained
by every process that mpirun starts, each on its share of every batch of 32 (a
DistributedSampler and a DataLoader of 32 / world_size). DDP averages the gradients, so each
step is the step of one process on the whole batch of 32: the accuracy printed is the same for
any number of processes (float64, to keep the rounding of the split sums far below anything the
accuracy could see). Nothing below the import line is swiftgrad-specific: with `import torch` and
the "gloo" backend it runs on PyTorch.

    mpirun -np 2 python examples/python/ddp_digits.py      (make demo-distributed)
"""
import csv
import pathlib

import swiftgrad as torch
import swiftgrad.distributed as dist

nn, F = torch.nn, torch.nn.functional
BATCH, EPOCHS = 32, 12

dist.init_process_group("mpi")
rank, world = dist.get_rank(), dist.get_world_size()
if BATCH % world:
    raise SystemExit(f"the batch of {BATCH} must split evenly over the {world} processes")

rows = list(csv.reader(open(pathlib.Path(__file__).resolve().parents[2] / "data" / "digits.csv")))
images = torch.tensor([[float(v) / 16 for v in row[:64]] for row in rows], dtype=torch.float64)
digits = torch.tensor([int(row[64]) for row in rows])
test_rows = torch.arange(0, len(rows), 5)
train_rows = torch.tensor([i for i in range(len(rows)) if i % 5])
train = torch.utils.data.TensorDataset(images[train_rows], digits[train_rows])
X_test, y_test = images[test_rows], digits[test_rows]

# Each process takes every world-th index of the same shuffled order, BATCH // world at a time:
# together they take the same batches of 32 as one process would. The incomplete last batch is
# dropped, so that every step averages equal shares.
sampler = torch.utils.data.DistributedSampler(train, shuffle=True, seed=0)
loader = torch.utils.data.DataLoader(train, batch_size=BATCH // world, sampler=sampler, drop_last=True)

torch.manual_seed(rank)  # different on every process: DDP starts them all from rank 0's weights
model = nn.parallel.DistributedDataParallel(
    nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)).double())
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)


def accuracy(X, y):
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).double().mean().item()


for epoch in range(EPOCHS):
    sampler.set_epoch(epoch)
    for X, y in loader:
        optimizer.zero_grad()
        F.cross_entropy(model(X), y).backward()
        optimizer.step()
    if rank == 0 and (epoch + 1) % 4 == 0:
        print(f"epoch {epoch + 1:2d}, test acc {accuracy(X_test, y_test):.4f}")

test_accuracy = accuracy(X_test, y_test)
with torch.no_grad():
    test_loss = F.cross_entropy(model(X_test), y_test).item()
if rank == 0:
    print(f"test accuracy {test_accuracy:.4f} (test loss {test_loss:.10f}) on {len(X_test)} held-out digits, "
          f"{world} process{'es' if world > 1 else ''}, {EPOCHS * len(loader)} steps of {BATCH}")
dist.destroy_process_group()
if test_accuracy < 0.95:
    raise SystemExit(f"the MLP reached only {test_accuracy:.3f} test accuracy")
