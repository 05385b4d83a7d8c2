"""Records PyTorch's DistributedSampler index lists into distributed_sampler.json (next to this
file), with the permutation torch shuffled by, so that test_distributed.py replays them without
torch. Run with a Python that imports torch:
    /work/torchenv/bin/python bindings/python/tests/distributed/record_sampler.py"""
import json
import pathlib

import torch
from torch.utils.data.distributed import DistributedSampler

CASES = [  # (dataset length, replicas, shuffle, drop_last, seed, epoch)
    (10, 3, False, False, 0, 0), (10, 3, False, True, 0, 0), (2, 5, False, False, 0, 0),
    (1, 4, False, False, 0, 0), (9, 3, True, True, 0, 0), (12, 4, False, False, 0, 0),
    (7, 3, False, True, 0, 0), (3, 7, False, False, 0, 0), (10, 3, True, False, 0, 0),
    (10, 3, True, False, 0, 1), (10, 4, True, True, 5, 2), (17, 2, True, False, 123, 0),
    (17, 5, True, True, 7, 3), (5, 8, True, False, 1, 0), (100, 6, True, False, 42, 9),
]


def main():
    records = []
    for n, replicas, shuffle, drop_last, seed, epoch in CASES:
        shares, lengths = [], []
        for rank in range(replicas):
            s = DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=shuffle, seed=seed,
                                   drop_last=drop_last)
            s.set_epoch(epoch)
            shares.append(list(s))
            lengths.append(len(s))
        permutation = None
        if shuffle:
            g = torch.Generator()
            g.manual_seed(seed + epoch)
            permutation = torch.randperm(n, generator=g).tolist()
        records.append({"n": n, "replicas": replicas, "shuffle": shuffle, "drop_last": drop_last, "seed": seed,
                        "epoch": epoch, "permutation": permutation, "shares": shares, "lengths": lengths})
    out = pathlib.Path(__file__).with_name("distributed_sampler.json")
    out.write_text(json.dumps({"torch": torch.__version__, "cases": records}, separators=(",", ":")) + "\n")
    print(f"wrote {out} ({len(records)} cases)")


if __name__ == "__main__":
    main()
