"""PyTorch CPU twin of DESA Studio's spectra encoder (src/main/model/spectra/multitask-regressor.ts), for
bench/train-speed.bench.ts. Same topology and parameter count per size; the configs come from the caller
as JSON, so the two sides cannot drift apart.

  CNN: stem Conv1d(k3, same, no bias) + BN + SiLU, then `numLayers` × [Conv1d(k, same, no bias) + BN + SiLU,
       MaxPool1d(2) while the length > 2]
  Conformer: per block, post-norm LN(f(x) + x) around RoPE attention (q/k/v/out Linear, rotary on half of each
       head), token Conv1d(k) + BN + SiLU, and FFN LN → Linear(D, 4D) → SiLU → Dropout → Linear(4D, D) → Dropout
  features = Σ tokens; head Linear(D, D/2) + BN + SiLU + Dropout + Linear(D/2, 3·5)
  decoder: `numLayers` × [ConvTranspose1d(k4, s2, p1, no bias) + BN + SiLU], ConvTranspose1d(k3, p1) → 1;
       plus the unused `initial_expand` Linear the reference (and our port) registers
  loss: 0.5·MSE(reconstruction, x) + 0.5·pinball(quantiles, targets); AdamW(lr 1e-3, wd 1e-2)

Usage: desa_spectra.py CONFIG_JSON BATCH TRAIN_STEPS EMBED_STEPS THREADS
Prints one JSON line: params, train samples/s, embedding stars/s (wall clock and per CPU second).
"""
import json, math, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
batch, train_steps, embed_steps = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
torch.manual_seed(0)
QUANTILES = torch.tensor([0.05, 0.25, 0.5, 0.75, 0.95])


class ConvBnAct(nn.Module):
    def __init__(self, cin, cout, k):
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, k, padding='same', bias=False)
        self.bn = nn.BatchNorm1d(cout)

    def forward(self, x):  # (B, C, L)
        return F.silu(self.bn(self.conv(x)))


class CnnEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        dims = c['encoderDims']
        self.embedding = ConvBnAct(c['inChannels'], dims[0], 3)
        self.layers = nn.ModuleList()
        for n in range(1, c['numLayers'] + 1):
            cin = dims[n - 1] if n < len(dims) else dims[-1]
            cout = dims[n] if n < len(dims) else dims[-1]
            self.layers.append(ConvBnAct(cin, cout, c['kernelSize']))

    def forward(self, x):
        h = self.embedding(x)
        for layer in self.layers:
            h = layer(h)
            if h.shape[-1] > 2:
                h = F.max_pool1d(h, 2)
        return h.transpose(1, 2)  # (B, T, C)


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


class RotaryAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.rot = int(d // heads * 0.5)
        self.query, self.key, self.value, self.output = (nn.Linear(d, d) for _ in range(4))

    def rope(self, x, cos, sin):
        r = self.rot
        return torch.cat((x[..., :r] * cos + rotate_half(x[..., :r]) * sin, x[..., r:]), dim=-1)

    def forward(self, x, cos, sin):
        b, t, d = x.shape
        split = lambda y: y.reshape(b, t, self.heads, d // self.heads).transpose(1, 2)
        q = self.rope(split(self.query(x)), cos, sin)
        k = self.rope(split(self.key(x)), cos, sin)
        v = split(self.value(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // self.heads), dim=-1)
        return self.output((att @ v).transpose(1, 2).reshape(b, t, d))


class TokenConv(nn.Module):
    def __init__(self, d, k):
        super().__init__()
        self.inner = ConvBnAct(d, d, k)

    def forward(self, x, cos, sin):
        return self.inner(x.transpose(1, 2)).transpose(1, 2)


class FeedForward(nn.Module):
    def __init__(self, d, p):
        super().__init__()
        self.norm, self.up, self.down, self.p = nn.LayerNorm(d), nn.Linear(d, 4 * d), nn.Linear(4 * d, d), p

    def forward(self, x, cos, sin):
        h = F.dropout(F.silu(self.up(self.norm(x))), self.p, self.training)
        return F.dropout(self.down(h), self.p, self.training)


class PostNorm(nn.Module):
    def __init__(self, inner, d):
        super().__init__()
        self.inner, self.norm = inner, nn.LayerNorm(d)

    def forward(self, x, cos, sin):
        return self.norm(self.inner(x, cos, sin) + x)


class SpectraEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        conf, cnn, head = c['conformer'], c['cnn'], c['head']
        d = conf['encoderDim']
        self.backbone = CnnEncoder(cnn)
        make = {'mhsa_pro': lambda: RotaryAttention(d, conf['numHeads']),
                'conv': lambda: TokenConv(d, conf['kernelSize']),
                'ffn': lambda: FeedForward(d, conf['dropout'])}
        self.blocks = nn.ModuleList(PostNorm(make[kind](), d) for _ in range(conf['numLayers']) for kind in conf['blocks'])
        rot = int(d // conf['numHeads'] * 0.5)
        self.register_buffer('inv_freq', 1.0 / (10000 ** (torch.arange(0, rot, 2).float() / rot)))
        self.head1, self.head_bn = nn.Linear(d, d // 2), nn.BatchNorm1d(d // 2)
        self.head2 = nn.Linear(d // 2, head['outputDim'] * head['numQuantiles'])
        self.head_p, self.out_dim, self.nq = head['dropout'], head['outputDim'], head['numQuantiles']
        dims = cnn['encoderDims'][::-1]
        self.initial_expand = nn.Linear(dims[0], dims[0] * 4)  # unused, as in the reference
        self.up = nn.ModuleList()
        for i in range(cnn['numLayers']):
            cin = dims[i] if i < len(dims) - 1 else dims[-1]
            cout = dims[i + 1] if i < len(dims) - 1 else dims[-1]
            self.up.append(nn.Sequential(nn.ConvTranspose1d(cin, cout, 4, stride=2, padding=1, bias=False), nn.BatchNorm1d(cout), nn.SiLU()))
        self.final_conv = nn.ConvTranspose1d(dims[-1], 1, 3, stride=1, padding=1)

    def encode(self, x):
        tokens = self.backbone(x.unsqueeze(1))
        t = tokens.shape[1]
        freqs = torch.outer(torch.arange(t).float(), self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        h = tokens
        for blk in self.blocks:
            h = blk(h, cos, sin)
        return tokens, h.sum(1)

    def forward(self, x):
        tokens, features = self.encode(x)
        h = F.dropout(F.silu(self.head_bn(self.head1(features))), self.head_p, self.training)
        quantiles = self.head2(h).reshape(x.shape[0], self.out_dim, self.nq)
        r = tokens.transpose(1, 2)
        for blk in self.up:
            r = blk(r)
        return quantiles, self.final_conv(r).squeeze(1)


def loss_fn(quantiles, recon, x, y):
    err = y.unsqueeze(-1) - quantiles
    pinball = torch.maximum(QUANTILES * err, (QUANTILES - 1) * err).mean()
    return 0.5 * F.mse_loss(recon, x) + 0.5 * pinball


model = SpectraEncoder(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
x = torch.randn(batch, cfg['inputLength'])
y = torch.randn(batch, cfg['head']['outputDim'])


def train_step():
    opt.zero_grad()
    q, r = model(x)
    loss = loss_fn(q, r, x, y)
    loss.backward()
    opt.step()
    return loss.item()


def timed(fn, steps):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        fn()
    return batch * steps / (time.perf_counter() - t0), batch * steps / max(time.process_time() - c0, 1e-9)


model.train()
losses = [train_step()]  # warm-up
train_wall, train_cpu = timed(lambda: losses.append(train_step()), train_steps)
model.eval()
with torch.no_grad():
    model.encode(x)
    embed_wall, embed_cpu = timed(lambda: model.encode(x), embed_steps)
print(json.dumps({
    "params": sum(p.numel() for p in model.parameters()),
    "trainSamplesPerSec": train_wall, "trainSamplesPerCpuSec": train_cpu,
    "embedStarsPerSec": embed_wall, "embedStarsPerCpuSec": embed_cpu, "losses": losses,
    "torch": torch.__version__, "threads": torch.get_num_threads(),
}))
