"""A faithful PyTorch port of the tutorial's MNIST jigsaw (UvA DL2 sampling, part 3, permutations:
log_sinkhorn, gumbel_sinkhorn, SinkhornConvNet, chunk_image / batch_chunk_image,
inverse_permutation_for_image, MSE (sum), Adam 1e-4 eps 1e-8, evaluation by linear_sum_assignment and
Kendall's tau), written by us for gumbel-torch's parity test and benchmark. The only changes to the
tutorial's code: the random permutation of chunk_image and the Gumbel noise of gumbel_sinkhorn may be
given (parity), and images come from MNIST's IDX files (no torchvision, no download).

  jigsaw_pytorch.py parity IN.pt OUT.pt
      IN (torch.save'd by test/tasks/jigsaw-parity.test.ts): pieces, tau, iters, lr, state (the model's
      initial state_dict), images [K, B, 28, 28] (normalised), perms [K, B, n], noise [K, B, n, n],
      test_images [M, 28, 28], test_perms [M, n]. Runs K training steps, then evaluates; OUT: losses [K],
      log_alpha0 (step 1's scores), grad0 (step 1's g_2.weight gradient), state (after K steps),
      eval_log_alpha [M, n, n], eval_positions [M, n] (scipy), kendall (mean over the M test images).
  jigsaw_pytorch.py evaluate CHECKPOINT MNIST_DIR [SEED]
      the tutorial's evaluation cell (shuffled test loader, batch_chunk_image, linear_sum_assignment,
      scipy's kendalltau) on the model of a `gumbel-torch train --task jigsaw` checkpoint (JSON)
  jigsaw_pytorch.py bench MNIST_DIR PIECES BATCH STEPS THREADS
      milliseconds per training step (JSON; wall, and this process's CPU time as stepCpu and modelCpu),
      after 2 warm-up steps: 'step' is the tutorial's whole
      step (batch_chunk_image, forward, backward, Adam, loss.item()); 'model' the same from pieces
      already scrambled (forward, backward, Adam, loss.item()).
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.stats import kendalltau


def log_sinkhorn(log_alpha, n_iter):
    for _ in range(n_iter):
        log_alpha = log_alpha - torch.logsumexp(log_alpha, -1, keepdim=True)
        log_alpha = log_alpha - torch.logsumexp(log_alpha, -2, keepdim=True)
    return log_alpha.exp()


def sample_gumbel(shape, device='cpu', eps=1e-20):
    u = torch.rand(shape, device=device)
    return -torch.log(-torch.log(u + eps) + eps)


def gumbel_sinkhorn(log_alpha, tau, n_iter, noise=None):
    gumbel_noise = sample_gumbel(log_alpha.shape, device=log_alpha.device) if noise is None else noise
    return log_sinkhorn((log_alpha + gumbel_noise) / tau, n_iter)


def matching(alpha):
    row, col = linear_sum_assignment(-alpha)
    permutation_matrix = coo_matrix((np.ones_like(row), (row, col))).toarray()
    return torch.from_numpy(permutation_matrix)


class SinkhornConvNet(nn.Module):
    def __init__(self, in_channels, num_pieces, image_size, hidden_channels, kernel_size, tau=1.0, n_sink_iter=20):
        super().__init__()
        self.tau = tau
        self.n_sink_iter = n_sink_iter
        self.g_1 = nn.Sequential(
            nn.Conv2d(in_channels, hidden_channels, kernel_size, padding=kernel_size // 2),
            nn.MaxPool2d(2),
            nn.ReLU(True),
            nn.BatchNorm2d(hidden_channels)
        )
        piece_size = image_size // num_pieces
        piece_size_after_conv = (piece_size) // (2 * 1)
        self.g_2 = nn.Linear(piece_size_after_conv ** 2 * hidden_channels, num_pieces ** 2, bias=False)
        self.noise = None  # given Gumbel noise for the next training forward (parity)

    def forward(self, batch_pieces):
        batch_size = batch_pieces.shape[0]
        pieces = batch_pieces.transpose(0, 1).contiguous()
        conv_pieces = []
        for piece in pieces:
            piece = self.g_1(piece)
            conv_piece = piece.reshape(batch_size, -1)
            conv_pieces.append(conv_piece)
        latent_pieces = []
        for piece in conv_pieces:
            latent_piece = self.g_2(piece)
            latent_pieces.append(latent_piece)
        log_alphas = torch.stack(latent_pieces, 1)
        self.last_log_alphas = log_alphas
        if self.training:
            permutation_matrices = gumbel_sinkhorn(log_alphas, tau=self.tau, n_iter=self.n_sink_iter, noise=self.noise)
        else:
            permutation_matrices = torch.stack([
                matching(log_alpha)
                for log_alpha in log_alphas.cpu().detach().numpy()]
            ).float().to(log_alphas.device)
        ordered_pieces = inverse_permutation_for_image(batch_pieces, permutation_matrices)
        return ordered_pieces, permutation_matrices


def chunk_image(image, num_pieces, permute_index=None):
    height, width = image.shape[-2:]
    piece_height = height // num_pieces
    piece_width = width // num_pieces
    pieces = []
    for p_h in range(num_pieces):
        for p_w in range(num_pieces):
            left = p_w * piece_width
            right = left + piece_width
            top = p_h * piece_height
            bottom = top + piece_height
            piece = image[:, top:bottom, left:right]
            pieces.append(piece)
    pieces = torch.stack(pieces, 0)
    if permute_index is None:
        permute_index = torch.randperm(num_pieces ** 2)
    random_pieces = pieces[permute_index]
    return pieces, random_pieces, permute_index


def batch_chunk_image(images, num_pieces, perms=None):
    batch_pieces, batch_random_pieces, batch_permute_index = [], [], []
    for i, image in enumerate(images):
        pieces, random_pieces, permute_index = chunk_image(image, num_pieces, None if perms is None else perms[i])
        batch_pieces.append(pieces)
        batch_random_pieces.append(random_pieces)
        batch_permute_index.append(permute_index)
    return torch.stack(batch_pieces, 0), torch.stack(batch_random_pieces, 0), torch.stack(batch_permute_index, 0)


def inverse_permutation_for_image(X, permutation_matrix):
    return torch.einsum("bpq,bpchw->bqchw", (permutation_matrix, X)).contiguous()


def build(pieces, tau, iters):
    return SinkhornConvNet(in_channels=1, num_pieces=pieces, image_size=28, hidden_channels=32, kernel_size=5, tau=tau, n_sink_iter=iters)


def parity(inp, outp):
    d = torch.load(inp)
    pieces = int(d['pieces'])
    model = build(pieces, float(d['tau']), int(d['iters']))
    model.load_state_dict(d['state'])
    optimizer = torch.optim.Adam(model.parameters(), float(d['lr']), eps=1e-8)
    model.train()
    losses = []
    out = {}
    for k in range(d['images'].shape[0]):
        inputs = d['images'][k].unsqueeze(1)  # [B, 1, 28, 28] as the loader gives them
        true_pieces, random_pieces, _ = batch_chunk_image(inputs, pieces, d['perms'][k])
        model.noise = d['noise'][k]
        ordered_pieces, _ = model(random_pieces)
        loss = torch.nn.functional.mse_loss(ordered_pieces, true_pieces, reduction='sum')
        optimizer.zero_grad()
        loss.backward()
        if k == 0:
            out['log_alpha0'] = model.last_log_alphas.detach().clone()
            out['grad0'] = model.g_2.weight.grad.clone()
        optimizer.step()
        losses.append(loss.item())
    model.noise = None
    out['losses'] = torch.tensor(losses, dtype=torch.float64)
    out['state'] = {k: v.clone() for k, v in model.state_dict().items()}
    model.eval()
    with torch.no_grad():
        inputs = d['test_images'].unsqueeze(1)
        _, random_pieces, perm_list = batch_chunk_image(inputs, pieces, d['test_perms'])
        _, predicted = model(random_pieces)
        predicted_perm_list = predicted.transpose(1, 2).max(1)[1]
        taus = [kendalltau(p1.cpu(), p2.cpu())[0] for p1, p2 in zip(perm_list, predicted_perm_list)]
    out['eval_log_alpha'] = model.last_log_alphas.clone()
    out['eval_positions'] = predicted_perm_list.clone()
    out['kendall'] = float(np.mean(taus))
    torch.save(out, outp)


def read_images(mnist_dir, count, split='train'):
    with open(os.path.join(mnist_dir, split + '-images-idx3-ubyte'), 'rb') as f:
        f.read(16)
        data = np.frombuffer(f.read(count * 784), dtype=np.uint8).reshape(count, 1, 28, 28)
    # ToTensor() then Normalize((0.1307,), (0.3081,))
    return (torch.from_numpy(data.astype(np.float32)) / 255 - 0.1307) / 0.3081


def bench(mnist_dir, pieces, batch, steps, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = build(pieces, 0.1, 20)
    optimizer = torch.optim.Adam(model.parameters(), 1e-4, eps=1e-8)
    model.train()
    images = read_images(mnist_dir, batch * (steps + 2))

    def step(inputs, pre=None):
        if pre is None:
            true_pieces, random_pieces, _ = batch_chunk_image(inputs, pieces)
        else:
            true_pieces, random_pieces = pre
        ordered_pieces, _ = model(random_pieces)
        loss = torch.nn.functional.mse_loss(ordered_pieces, true_pieces, reduction='sum')
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()

    whole, only, whole_cpu, only_cpu = [], [], [], []
    for s in range(steps + 2):
        inputs = images[s * batch:(s + 1) * batch]
        t0, c0 = time.perf_counter(), time.process_time()
        step(inputs)
        t1, c1 = time.perf_counter(), time.process_time()
        pre = batch_chunk_image(inputs, pieces)[:2]
        t2, c2 = time.perf_counter(), time.process_time()
        step(inputs, pre)
        t3, c3 = time.perf_counter(), time.process_time()
        if s >= 2:
            whole.append((t1 - t0) * 1000)
            only.append((t3 - t2) * 1000)
            whole_cpu.append((c1 - c0) * 1000)
            only_cpu.append((c3 - c2) * 1000)
    json.dump({'step': whole, 'model': only, 'stepCpu': whole_cpu, 'modelCpu': only_cpu, 'torch': torch.__version__,
               'threads': torch.get_num_threads()}, sys.stdout)


def evaluate(checkpoint, mnist_dir, seed):
    """The tutorial's evaluation cell on a model trained by gumbel-torch (checkpoint.pt of train --task jigsaw)."""
    ck = torch.load(checkpoint)
    config = ck['config'] if isinstance(ck['config'], dict) else json.loads(ck['config'])
    pieces = int(config['pieces'])
    model = build(pieces, 0.1, 20)
    model.load_state_dict(ck['state']['model'])
    model.eval()
    torch.manual_seed(seed)
    testset = read_images(mnist_dir, 10000, 't10k')
    test_loader = torch.utils.data.DataLoader(testset, 64, drop_last=False, shuffle=True)
    with torch.no_grad():
        kendall_taus = []
        for inputs in test_loader:
            pieces_, random_pieces, perm_list = batch_chunk_image(inputs, pieces)
            ordered_pieces, predicted_permutation_matrices = model(random_pieces)
            predicted_perm_list = predicted_permutation_matrices.transpose(1, 2).max(1)[1]
            for p1, p2 in zip(perm_list, predicted_perm_list):
                kendall_taus.append(kendalltau(p1.cpu(), p2.cpu())[0])
    json.dump({'pieces': pieces, 'kendall': float(np.mean(kendall_taus)), 'images': len(kendall_taus)}, sys.stdout)


if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'parity':
        parity(sys.argv[2], sys.argv[3])
    elif cmd == 'evaluate':
        evaluate(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    elif cmd == 'bench':
        bench(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    else:
        raise SystemExit(__doc__)
