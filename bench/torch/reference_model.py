"""PyTorch twin of bench/models/reference-model.ts, timed the same way (see bench/train-speed.bench.ts).

Topology (stack-feasibility.md): input 4096x1 -> 4 x conv1d(64, k7, s2, 'same') + ReLU -> linear 64->128
+ learned positional embedding -> 2 pre-LN transformer blocks (4 heads, d 128, MLP 128->256->128 GELU)
-> mean over time -> 128->64 ReLU -> 64->10, softmax cross-entropy, AdamW(lr 1e-3, wd 1e-4).
Prints one JSON line: params, train and inference samples/s.
"""
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
batch, steps, length = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])


class Block(nn.Module):
    def __init__(self, d=128, heads=4, hidden=256):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.out = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc1, self.fc2 = nn.Linear(d, hidden), nn.Linear(hidden, d)
        self.heads = heads

    def forward(self, x):
        b, t, d = x.shape
        h = self.ln1(x)
        q, k, v = self.qkv(h).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / (d // self.heads) ** 0.5, dim=-1)
        x = x + self.out((att @ v).transpose(1, 2).reshape(b, t, d))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        chans = [1, 64, 64, 64, 64]
        self.convs = nn.ModuleList(nn.Conv1d(chans[i], chans[i + 1], 7, stride=2, padding=3) for i in range(4))
        self.proj = nn.Linear(64, 128)
        self.pos = nn.Parameter(torch.zeros(1, length // 16, 128))
        self.blocks = nn.ModuleList([Block(), Block()])
        self.head1, self.head2 = nn.Linear(128, 64), nn.Linear(64, 10)

    def forward(self, x):
        for c in self.convs:
            x = F.relu(c(x))
        x = self.proj(x.transpose(1, 2)) + self.pos
        for b in self.blocks:
            x = b(x)
        return self.head2(F.relu(self.head1(x.mean(1))))


model = Model()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
x = torch.randn(batch, 1, length)
y = torch.randint(0, 10, (batch,))

def step():
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()

def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        fn()
    return batch * steps / (time.perf_counter() - t0), batch * steps / max(time.process_time() - c0, 1e-9)


step()  # warm-up
train, train_cpu = timed(step)
with torch.no_grad():
    model(x)
    infer, infer_cpu = timed(lambda: model(x))
print(json.dumps({"params": sum(p.numel() for p in model.parameters()), "trainSamplesPerSec": train,
                  "trainSamplesPerCpuSec": train_cpu, "inferSamplesPerSec": infer, "embedStarsPerSec": infer,
                  "embedStarsPerCpuSec": infer_cpu}))
