#!/usr/bin/python3
"""Reference implementations of the gradient estimators in PyTorch, and the fixtures the parity tests
compare against (test/fixtures/estimators.json).

Run with Debian's torch:  /usr/bin/python3 scripts/make_estimator_fixtures.py
Each estimator is written from its paper, in the composed autograd form (value - value.detach() +
surrogate) that the native functions replace; the randomness (sample, exponentials) is drawn here and
stored, so the native code sees the same draws. Only elementwise ops and reductions are involved (no
BLAS), so the numbers are portable across x86-64 CPUs.
"""
import itertools, json, math, os
import torch
from torch.distributions import OneHotCategorical

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')
DT = {torch.float32: 'float32', torch.float64: 'float64', torch.int64: 'int64', torch.bool: 'bool'}


def enc(t):
    t = t.detach()
    vals = [v if not isinstance(v, float) or math.isfinite(v) else repr(v) for v in t.reshape(-1).tolist()]
    return {'shape': list(t.shape), 'dtype': DT[t.dtype], 'values': vals}


def straight_through(sample, surrogate):
    """Forward: the one-hot sample; backward: the surrogate's gradient."""
    return sample - surrogate.detach() + surrogate


# ---- the estimators (categories on the last dim)
def st(logits, d, tau):
    return straight_through(d, (logits / tau).softmax(-1))


def reinmax(logits, d, tau):
    # Liu et al. 2023, Algorithm 2.
    pi0 = logits.softmax(-1)
    pi1 = (d + (logits / tau).softmax(-1)) / 2
    # The detached shift is 0 at masked (-inf) logits, which stay -inf (log 0 - (-inf) is NaN).
    shift = torch.where(torch.isfinite(logits), pi1.log() - logits, torch.zeros_like(logits))
    pi1 = (shift.detach() + logits).softmax(-1)
    pi2 = 2 * pi1 - 0.5 * pi0
    return pi2 - pi2.detach() + d


def gst(logits, d, tau, gap):
    # Fan et al. 2022: move the sampled logit to the top, push the others at least `gap` below it.
    l = logits.detach()
    chosen = d > 0.5
    top = l.max(-1, keepdim=True).values
    if gap == 'adaptive':
        pi = (l.softmax(-1) * d).sum(-1, keepdim=True) * (1 - 1e-5)
        gap = -torch.log1p(-pi) / pi
    zero = torch.zeros_like(l)
    up = torch.where(chosen, top - l, zero)
    down = torch.where(chosen, zero, (l - top + gap).clamp(min=0))
    m = logits + (up - down)
    return straight_through(d, (m / tau).softmax(-1))


def conditional_gumbel_logits(logits, d, e):
    # Perturbed logits logits + G with G ~ Gumbel conditioned on argmax(logits + G) = d (top-down).
    l = logits.detach()
    log_e = e.log()
    log_z = l.logsumexp(-1, keepdim=True)
    log_ei = (log_e * d).sum(-1, keepdim=True)
    others = -torch.logaddexp(log_e - l, log_ei - log_z)
    return torch.where(d > 0.5, log_z - log_ei, others)


def gumbel_rao(logits, d, e, tau):
    # Paulus et al. 2021: the ST Gumbel-Softmax gradient averaged over K conditional perturbations.
    l = logits.detach()
    g = torch.where(torch.isfinite(l), conditional_gumbel_logits(logits, d, e) - l, torch.zeros_like(l))
    return straight_through(d, ((logits + g) / tau).softmax(-1).mean(0))


def rloo(logits, z, f):
    # Kool et al. 2019: f's mean plus the score-function term with the leave-one-out baseline.
    v = f(z)
    s = v.shape[0]
    baseline = (v.sum(0, keepdim=True) - v) / (s - 1)
    logp = (z * logits.log_softmax(-1)).sum((-1, -2))
    return v.mean(0) + ((v - baseline).detach() * logp).mean(0) - ((v - baseline).detach() * logp).mean(0).detach()


def exact_bruteforce(logits, f):
    # Sum over every configuration, one at a time.
    b, l, c = logits.shape
    probs = logits.softmax(-1)
    total = 0
    for cfg in itertools.product(range(c), repeat=l):
        z = torch.nn.functional.one_hot(torch.tensor(cfg), c).to(logits.dtype)
        p = probs[:, torch.arange(l), torch.tensor(cfg)].prod(-1)
        total = total + p * f(z.view(1, 1, l, c))[0]
    return total


def st_cases():
    cases = []
    torch.manual_seed(7)
    for dtype in [torch.float32, torch.float64]:
        for shape, dim in [((4, 6), -1), ((3, 5, 4), -1), ((5, 3, 2), 1)]:
            logits = (torch.randn(shape, dtype=dtype) * 2)
            moved = logits.movedim(dim, -1)
            d = OneHotCategorical(logits=moved).sample().movedim(-1, dim)
            e = torch.empty((3,) + tuple(shape), dtype=dtype).exponential_()
            w = torch.randn(shape, dtype=dtype)
            for name, tau, extra in [('st', 0.7, {}), ('reinmax', 1.3, {}), ('gst', 0.5, {'gap': 1.0}),
                                     ('gst', 0.9, {'gap': 'adaptive'}), ('gumbel-rao', 0.6, {'k': 3})]:
                x = logits.clone().requires_grad_()
                xm, dm = x.movedim(dim, -1), d.movedim(dim, -1)
                if name == 'st': y = st(xm, dm, tau)
                elif name == 'reinmax': y = reinmax(xm, dm, tau)
                elif name == 'gst': y = gst(xm, dm, tau, extra['gap'])
                else: y = gumbel_rao(xm, dm, e.movedim(dim % len(shape) + 1, -1), tau)
                y = y.movedim(-1, dim)
                (y * w).sum().backward()
                cases.append({'name': name, 'dtype': DT[dtype], 'dim': dim, 'tau': tau, **extra,
                              'logits': enc(logits), 'sample': enc(d), 'exponentials': enc(e), 'w': enc(w),
                              'y': enc(y), 'grad': enc(x.grad)})
    # -inf (masked) categories: never sampled, zero gradient.
    logits = torch.tensor([[0.5, -math.inf, 1.0, -0.3], [-math.inf, 2.0, 0.0, -math.inf]])
    d = torch.tensor([[0., 0., 1., 0.], [0., 1., 0., 0.]])
    e = torch.empty((3, 2, 4)).exponential_()
    w = torch.randn(2, 4)
    for name, tau, extra in [('st', 0.7, {}), ('reinmax', 1.3, {}), ('gst', 0.5, {'gap': 1.0}),
                             ('gst', 0.9, {'gap': 'adaptive'}), ('gumbel-rao', 0.6, {'k': 3})]:
        x = logits.clone().requires_grad_()
        if name == 'st': y = st(x, d, tau)
        elif name == 'reinmax': y = reinmax(x, d, tau)
        elif name == 'gst': y = gst(x, d, tau, extra['gap'])
        else: y = gumbel_rao(x, d, e, tau)
        (y * w).sum().backward()
        cases.append({'name': name, 'dtype': 'float32', 'dim': -1, 'tau': tau, 'masked': True, **extra,
                      'logits': enc(logits), 'sample': enc(d), 'exponentials': enc(e), 'w': enc(w),
                      'y': enc(y), 'grad': enc(torch.nan_to_num(x.grad, nan=0.0))})
    return cases


def score_cases():
    """rloo and exact on logits [B, L, C] with f(z) = ((z * W).sum over latents and categories - t_b)^2."""
    out = []
    torch.manual_seed(11)
    for dtype in [torch.float32, torch.float64]:
        b, l, c, s = 3, 2, 3, 4
        logits = torch.randn(b, l, c, dtype=dtype)
        weight = torch.randn(l, c, dtype=dtype)
        target = torch.randn(b, dtype=dtype)
        z = OneHotCategorical(logits=logits).sample((s,))

        def run(kind):
            x = logits.clone().requires_grad_()
            W = weight.clone().requires_grad_()
            f = lambda zz: ((zz * W).sum((-1, -2)) - target) ** 2
            val = rloo(x, z, f) if kind == 'rloo' else exact_bruteforce(x, f)
            val.sum().backward()
            return val, x.grad, W.grad

        rv, rg, rw = run('rloo')
        ev, eg, ew = run('exact')
        out.append({'dtype': DT[dtype], 'logits': enc(logits), 'weight': enc(weight), 'target': enc(target),
                    'samples': enc(z), 'rloo': {'value': enc(rv), 'grad': enc(rg), 'gradWeight': enc(rw)},
                    'exact': {'value': enc(ev), 'grad': enc(eg), 'gradWeight': enc(ew)}})
    return out


def distribution_cases():
    """torch.distributions numbers for test/distributions.test.ts (test/fixtures/distributions.json)."""
    from torch.distributions.relaxed_categorical import ExpRelaxedCategorical
    from torch.distributions import (Bernoulli, RelaxedBernoulli,
                                     RelaxedOneHotCategorical, kl_divergence)
    torch.manual_seed(21)
    out = {}
    for dtype in [torch.float32, torch.float64]:
        name = DT[dtype]
        logits = torch.randn(3, 5, dtype=dtype) * 1.5
        logits_q = torch.randn(3, 5, dtype=dtype)
        probs = torch.rand(3, 5, dtype=dtype) + 0.05
        value = torch.nn.functional.one_hot(torch.tensor([4, 0, 2]), 5).to(dtype)
        p, q, pp = OneHotCategorical(logits=logits), OneHotCategorical(logits=logits_q), OneHotCategorical(probs=probs)
        cat = {'logits': enc(logits), 'logitsQ': enc(logits_q), 'probsIn': enc(probs), 'value': enc(value),
               'normLogits': enc(p.logits), 'probs': enc(p.probs), 'fromProbsLogits': enc(pp.logits),
               'fromProbsProbs': enc(pp.probs), 'logProb': enc(p.log_prob(value)), 'entropy': enc(p.entropy()),
               'mean': enc(p.mean), 'variance': enc(p.variance), 'kl': enc(kl_divergence(p, q)),
               'klFromProbs': enc(kl_divergence(pp, p))}
        # Zero probabilities: KL is +inf where q = 0 < p, and p = 0 terms contribute 0.
        pz = torch.tensor([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]], dtype=dtype)
        qz = torch.tensor([[0.5, 0.0, 0.5], [0.0, 0.5, 0.5]], dtype=dtype)
        cat['zeroP'], cat['zeroQ'] = enc(pz), enc(qz)
        cat['klZero'] = enc(kl_divergence(OneHotCategorical(probs=pz), OneHotCategorical(probs=qz)))
        tau = 0.7
        seed = 5
        torch.manual_seed(seed)
        ex = ExpRelaxedCategorical(torch.tensor(tau, dtype=dtype), logits=logits)
        ex_sample = ex.rsample()
        torch.manual_seed(seed)
        rx = RelaxedOneHotCategorical(torch.tensor(tau, dtype=dtype), logits=logits)
        rx_sample = rx.rsample()
        relaxed = {'tau': tau, 'seed': seed, 'expSample': enc(ex_sample), 'expLogProb': enc(ex.log_prob(ex_sample)),
                   'sample': enc(rx_sample), 'logProb': enc(rx.log_prob(rx_sample))}
        torch.manual_seed(seed)
        one_hot = OneHotCategorical(logits=logits).sample()
        cat['seed'], cat['seededSample'] = seed, enc(one_hot)
        bl = torch.randn(4, dtype=dtype) * 2
        bprobs = torch.rand(4, dtype=dtype) * 0.9 + 0.05
        bval = torch.tensor([1., 0., 1., 1.], dtype=dtype)
        b, bq, bp = Bernoulli(logits=bl), Bernoulli(logits=bl.flip(0)), Bernoulli(probs=bprobs)
        torch.manual_seed(seed)
        bsample = Bernoulli(probs=bprobs).sample((2,))
        bern = {'logits': enc(bl), 'probsIn': enc(bprobs), 'value': enc(bval), 'probs': enc(b.probs),
                'fromProbsLogits': enc(bp.logits), 'logProb': enc(b.log_prob(bval)), 'entropy': enc(b.entropy()),
                'mean': enc(b.mean), 'variance': enc(b.variance), 'kl': enc(kl_divergence(b, bq)),
                'klFromProbs': enc(kl_divergence(bp, b)), 'seed': seed, 'seededSample': enc(bsample)}
        torch.manual_seed(seed)
        rb = RelaxedBernoulli(torch.tensor(tau, dtype=dtype), logits=bl)
        rb_sample = rb.rsample()
        bern['relaxedSample'] = enc(rb_sample)
        bern['relaxedLogProb'] = enc(rb.log_prob(rb_sample))
        out[name] = {'categorical': cat, 'relaxed': relaxed, 'bernoulli': bern}
    return out


def main():
    obj = {'torch': torch.__version__, 'generator': 'scripts/make_estimator_fixtures.py',
           'straightThrough': st_cases(), 'score': score_cases()}
    with open(os.path.join(OUT, 'estimators.json'), 'w') as fh:
        json.dump(obj, fh)
    print('wrote estimators.json')
    with open(os.path.join(OUT, 'distributions.json'), 'w') as fh:
        json.dump({'torch': torch.__version__, 'generator': 'scripts/make_estimator_fixtures.py', **distribution_cases()}, fh)
    print('wrote distributions.json')


if __name__ == '__main__':
    main()
