"""A character-level transformer on swiftgrad: the Book of Genesis (King James Version, public
domain; data/genesis.txt) read as a stream of characters, a model of two pre-norm
nn.TransformerEncoderLayers with a causal mask predicting each next character, trained with
AdamW on random windows of the text. Prints the falling loss, samples text from the model, then
saves the state dict with torch.save, loads it into a fresh model with torch.load +
load_state_dict and checks that it predicts the same. Nothing below the import line is
swiftgrad-specific: with `import torch` it runs on PyTorch (and the saved file loads there).
Writes OUT/char_transformer.pt and OUT/char_transformer_loss.svg.

    make demo      (or: PYTHONPATH=bindings/python python3 examples/python/char_transformer.py [OUT [STEPS]])
"""
import math
import pathlib
import sys
import time

import swiftgrad as torch
from _progress import ProgressBar, write_svg

nn, F = torch.nn, torch.nn.functional

torch.manual_seed(0)
out_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "build/demo")
out_dir.mkdir(parents=True, exist_ok=True)
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 800

text = (pathlib.Path(__file__).resolve().parents[2] / "data" / "genesis.txt").read_text()
alphabet = sorted(set(text))
index = {c: i for i, c in enumerate(alphabet)}
data = torch.tensor([index[c] for c in text])
split = int(0.9 * len(data))
train_data, valid_data = data[:split], data[split:]
context, batch_size = 64, 32


class CharTransformer(nn.Module):
    def __init__(self, vocab, d_model=64, heads=4, layers=2, context=context):
        super().__init__()
        self.tokens = nn.Embedding(vocab, d_model)
        self.positions = nn.Embedding(context, d_model)
        layer = nn.TransformerEncoderLayer(d_model, heads, 4 * d_model, dropout=0.0, batch_first=True,
                                           norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab)

    def forward(self, idx):
        length = idx.shape[1]
        x = self.tokens(idx) + self.positions(torch.arange(length))
        mask = nn.Transformer.generate_square_subsequent_mask(length)
        return self.head(self.norm(self.encoder(x, mask=mask, is_causal=True)))


def batch(source, generator):
    starts = torch.randint(0, len(source) - context - 1, (batch_size,), generator=generator)
    offsets = torch.arange(context)
    windows = starts[:, None] + offsets
    return source[windows], source[windows + 1]


def loss_on(model, source, generator, batches=4):
    model.eval()
    with torch.no_grad():
        total = sum(F.cross_entropy(model(X).flatten(0, 1), Y.flatten()).item()
                    for X, Y in (batch(source, generator) for _ in range(batches)))
    model.train()
    return total / batches


def sample(model, prompt, length, temperature=0.8, generator=None):
    model.eval()
    idx = torch.tensor([[index[c] for c in prompt]])
    with torch.no_grad():
        for _ in range(length):
            logits = model(idx[:, -context:])[0, -1] / temperature
            next_char = torch.multinomial(F.softmax(logits, dim=-1), 1, generator=generator)
            idx = torch.cat([idx, next_char[None]], dim=1)
    model.train()
    return "".join(alphabet[i] for i in idx[0].tolist())


model = CharTransformer(len(alphabet))
print(f"{sum(p.numel() for p in model.parameters()):,} parameters, {len(alphabet)} characters, "
      f"{len(text):,} characters of text")
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
scheduler = torch.optim.lr_scheduler.LambdaLR(
    optimizer, lambda step: min(1.0, (step + 1) / 50) * 0.5 * (1 + math.cos(math.pi * step / steps)))
generator = torch.Generator().manual_seed(0)
history = {"train loss": [], "validation loss": []}
start, every = time.time(), max(1, steps // 20)
bar, running = ProgressBar(steps, "training"), 0.0
for step in range(steps):
    X, Y = batch(train_data, generator)
    loss = F.cross_entropy(model(X).flatten(0, 1), Y.flatten())
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    scheduler.step()
    running += loss.item()
    bar.update(step + 1, f"loss {loss.item():.3f}")
    if (step + 1) % every == 0:
        history["train loss"].append(running / every)
        history["validation loss"].append(loss_on(model, valid_data, generator))
        running = 0.0
        if (step + 1) % (5 * every) == 0:
            print(f"step {step + 1:4d}: train loss {history['train loss'][-1]:.3f}, "
                  f"validation loss {history['validation loss'][-1]:.3f} ({time.time() - start:.0f} s)")

print("sample:", sample(model, "And God said", 240, generator=torch.Generator().manual_seed(1)))
write_svg(out_dir / "char_transformer_loss.svg", "Character transformer on Genesis (swiftgrad)", history,
          x_label=f"x {every} steps")

path = out_dir / "char_transformer.pt"
torch.save(model.state_dict(), path)
reloaded = CharTransformer(len(alphabet))
reloaded.load_state_dict(torch.load(path))
X, _ = batch(valid_data, torch.Generator().manual_seed(2))
model.eval()
reloaded.eval()
with torch.no_grad():
    same = torch.equal(model(X), reloaded(X))
print(f"saved to {path} (torch.save format) and reloaded: {'same' if same else 'DIFFERENT'} predictions")
first, last = history["validation loss"][0], history["validation loss"][-1]
print(f"validation loss {first:.3f} -> {last:.3f} (uniform guessing: {math.log(len(alphabet)):.3f})")
if not same or not last < 0.75 * first:
    raise SystemExit("the transformer did not learn, or did not reload as saved")
