"""A faithful PyTorch port of the tutorial's NRI model (UvA DL2 sampling, part 4: MLPEncoder, MLPDecoder,
nll_gaussian, kl_categorical_uniform, Adam 5e-4), written for gumbel-torch's parity tests and benchmark.

  nri_pytorch.py parity BATCH STEPS   JSON on stdout: the same seeded model, data and noise as
                                      test/tasks/nri-model.test.ts; forward quantities and the
                                      parameters after STEPS Adam steps
  nri_pytorch.py bench BATCH STEPS THREADS
                                      milliseconds per training step (JSON), after 2 warm-up steps
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self, n_in, n_hid, n_out):
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hid)
        self.fc2 = nn.Linear(n_hid, n_out)
        self.bn = nn.BatchNorm1d(n_out)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_normal_(m.weight.data)
                m.bias.data.fill_(0.1)
            elif isinstance(m, nn.BatchNorm1d):
                m.weight.data.fill_(1)
                m.bias.data.zero_()

    def forward(self, x):
        h = F.elu(self.fc2(F.elu(self.fc1(x))))
        return self.bn(h.view(h.size(0) * h.size(1), -1)).view(h.size(0), h.size(1), -1)


class Encoder(nn.Module):
    def __init__(self, n_in, n_hid, n_out):
        super().__init__()
        self.mlp1 = MLP(n_in, n_hid, n_hid)
        self.mlp2 = MLP(n_hid * 2, n_hid, n_hid)
        self.mlp3 = MLP(n_hid, n_hid, n_hid)
        self.mlp4 = MLP(n_hid * 3, n_hid, n_hid)
        self.fc_out = nn.Linear(n_hid, n_out)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_normal_(m.weight.data)
                m.bias.data.fill_(0.1)

    def forward(self, inputs, rel_rec, rel_send):
        x = self.mlp1(inputs.view(inputs.size(0), inputs.size(1), -1))
        x = torch.cat([torch.matmul(rel_send, x), torch.matmul(rel_rec, x)], dim=2)
        x = self.mlp2(x)
        skip = x
        incoming = torch.matmul(rel_rec.t(), x)
        x = self.mlp3(incoming / incoming.size(1))
        x = torch.cat([torch.matmul(rel_send, x), torch.matmul(rel_rec, x)], dim=2)
        x = self.mlp4(torch.cat((x, skip), dim=2))
        return self.fc_out(x)


class Decoder(nn.Module):
    def __init__(self, n_in_node, msg_hid, msg_out, n_hid):
        super().__init__()
        self.msg_fc1 = nn.Linear(2 * n_in_node, msg_hid)
        self.msg_fc2 = nn.Linear(msg_hid, msg_out)
        self.out_fc1 = nn.Linear(n_in_node + msg_out, n_hid)
        self.out_fc2 = nn.Linear(n_hid, n_hid)
        self.out_fc3 = nn.Linear(n_hid, n_in_node)

    def single_step(self, x, rel_rec, rel_send, rel_type):
        pre_msg = torch.cat([torch.matmul(rel_send, x), torch.matmul(rel_rec, x)], dim=-1)
        msg = F.relu(self.msg_fc1(pre_msg))
        msg = F.relu(self.msg_fc2(msg))
        msg = msg * rel_type[:, :, 1:2]
        agg = msg.transpose(-2, -1).matmul(rel_rec).transpose(-2, -1)
        pred = F.relu(self.out_fc1(torch.cat([x, agg], dim=-1)))
        pred = F.relu(self.out_fc2(pred))
        return x + self.out_fc3(pred)

    def forward(self, inputs, rel_type, rel_rec, rel_send):
        # The tutorial rolls out `frames` steps and drops the last; the kept ones are these.
        state = inputs[:, :, 0, :]
        preds = []
        for _ in range(inputs.size(2) - 1):
            state = self.single_step(state, rel_rec, rel_send, rel_type)
            preds.append(state)
        return torch.stack(preds, dim=2)


def relations(n):
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    rec = torch.zeros(len(pairs), n)
    send = torch.zeros(len(pairs), n)
    for e, (i, j) in enumerate(pairs):
        rec[e, i] = 1
        send[e, j] = 1
    return rec, send


def build(seed, frames=49, dims=4, hidden=256):
    torch.manual_seed(seed)
    encoder = Encoder(frames * dims, hidden, 2)
    decoder = Decoder(dims, hidden, hidden, hidden)
    return encoder, decoder


def loss_of(encoder, decoder, data, noise, rec, send, tau=0.5, variance=5e-5):
    logits = encoder(data, rec, send)
    edges = F.softmax((logits + noise) / tau, dim=-1)
    output = decoder(data, edges, rec, send)
    target = data[:, :, 1:, :]
    nll = ((output - target) ** 2 / (2 * variance)).sum() / (target.size(0) * target.size(1))
    prob = F.softmax(logits, dim=-1)
    kl = (prob * torch.log(prob + 1e-16)).sum() / (data.size(1) * prob.size(0))
    return logits, edges, output, nll, kl, nll + kl


def inputs(batch, seed=7, n=5, frames=49, dims=4):
    """Data and Gumbel noise drawn from torch's generator (gumbel-torch draws the same)."""
    torch.manual_seed(seed)
    data = torch.rand(batch, n, frames, dims) * 2 - 1
    u = torch.rand(batch, n * (n - 1), 2)
    return data, u


def tutorial_noise(u, eps=1e-10):
    return -torch.log(eps - torch.log(u + eps))


def flat(t):
    return t.detach().double().reshape(-1).tolist()


def parity(batch, steps):
    encoder, decoder = build(0)
    rec, send = relations(5)
    data, u = inputs(batch)
    noise = tutorial_noise(u)
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.Adam(params, lr=5e-4)
    out = {'init': {k: flat(v) for k, v in list(encoder.state_dict().items()) + list(decoder.state_dict().items())
                    if k in ('mlp1.fc1.weight', 'fc_out.weight', 'msg_fc1.weight', 'out_fc3.bias')}}
    out['noise'] = flat(noise)
    losses = []
    for s in range(steps):
        opt.zero_grad()
        logits, edges, output, nll, kl, loss = loss_of(encoder, decoder, data, noise, rec, send)
        if s == 0:
            out['logits'] = flat(logits)
            out['edges'] = flat(edges)
            out['output'] = flat(output)
            out['nll'] = nll.item()
            out['kl'] = kl.item()
        loss.backward()
        if s == 0:
            out['grad'] = {'mlp1.fc1.weight': flat(encoder.mlp1.fc1.weight.grad), 'out_fc3.weight': flat(decoder.out_fc3.weight.grad)}
        opt.step()
        losses.append(loss.item())
    out['losses'] = losses
    # Every parameter and buffer after the steps, under our state-dict keys (encoder. / decoder.).
    out['after'] = {f'{name}.{k}': flat(v) for name, m in (('encoder', encoder), ('decoder', decoder)) for k, v in m.state_dict().items()}
    encoder.eval()
    out['eval_logits'] = flat(encoder(data, rec, send))
    json.dump(out, sys.stdout)


def bench(batch, steps, threads):
    torch.set_num_threads(threads)
    encoder, decoder = build(0)
    rec, send = relations(5)
    data, u = inputs(batch)
    params = list(encoder.parameters()) + list(decoder.parameters())
    opt = torch.optim.Adam(params, lr=5e-4)
    times = []
    for s in range(steps + 2):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_of(encoder, decoder, data, tutorial_noise(torch.rand_like(u)), rec, send)[-1]
        loss.backward()
        opt.step()
        if s >= 2:
            times.append((time.perf_counter() - t0) * 1000)
    json.dump({'ms': times, 'torch': torch.__version__, 'threads': torch.get_num_threads()}, sys.stdout)


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'parity':
        parity(int(sys.argv[2]), int(sys.argv[3]))
    elif cmd == 'bench':
        bench(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        raise SystemExit(__doc__)
