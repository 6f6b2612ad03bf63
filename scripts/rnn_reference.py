"""PyTorch's RNN, GRU, LSTM and their cells on seeded inputs, for test/nn-rnn.test.ts.

Usage: rnn_reference.py OUT_DIR

Writes OUT_DIR/rnn.json: per case its configuration, outputs, hidden states, input and hidden-state
gradients and every parameter's gradient (in named_parameters order), and the state_dict keys; and
OUT_DIR/<case>.pt: torch.save({'state_dict': ..., 'x': ..., 'hx': ..., 'out': ...}) for the loading test.
Every case: torch.manual_seed(seed), the module (its init draws), x = randn, hx = randn (when given),
the forward (dropout draws), then the loss weights = randn; loss = sum(out * w) + sum(h * wh) (+ c).
gumbel-torch draws identically, so the same seed gives the same numbers.
"""
import json
import os
import sys

import torch
import torch.nn as nn

CASES = [
    # name, module, args, kwargs, input shape, hx given, train
    ('gru_default', 'GRU', [5, 7], {}, [6, 3, 5], False),
    ('gru_stack_bi_bf_hx', 'GRU', [5, 7], {'num_layers': 2, 'bidirectional': True, 'batch_first': True}, [3, 6, 5], True),
    ('gru_dropout_nobias', 'GRU', [5, 7], {'num_layers': 3, 'dropout': 0.3, 'bias': False}, [6, 3, 5], False),
    ('gru_unbatched_hx', 'GRU', [5, 7], {'num_layers': 2}, [6, 5], True),
    ('gru_float64', 'GRU', [4, 6], {'dtype': 'float64', 'bidirectional': True}, [5, 2, 4], True),
    ('lstm_default', 'LSTM', [5, 7], {}, [6, 3, 5], False),
    ('lstm_stack_bi_bf_hx', 'LSTM', [5, 7], {'num_layers': 2, 'bidirectional': True, 'batch_first': True}, [3, 6, 5], True),
    ('lstm_proj', 'LSTM', [5, 7], {'num_layers': 2, 'bidirectional': True, 'proj_size': 3}, [6, 3, 5], True),
    ('lstm_unbatched_dropout', 'LSTM', [5, 7], {'num_layers': 2, 'dropout': 0.5}, [6, 5], False),
    ('rnn_tanh', 'RNN', [5, 7], {'num_layers': 2}, [6, 3, 5], True),
    ('rnn_relu_bi', 'RNN', [5, 7], {'nonlinearity': 'relu', 'bidirectional': True, 'batch_first': True}, [3, 6, 5], False),
    ('grucell', 'GRUCell', [5, 7], {}, [3, 5], True),
    ('grucell_unbatched', 'GRUCell', [5, 7], {}, [5], False),
    ('lstmcell', 'LSTMCell', [5, 7], {}, [3, 5], True),
    ('lstmcell_nobias', 'LSTMCell', [5, 7], {'bias': False}, [3, 5], False),
    ('rnncell_relu', 'RNNCell', [5, 7], {'nonlinearity': 'relu'}, [3, 5], True),
]


def flat(t):
    return t.detach().double().reshape(-1).tolist()


def hidden_shapes(m, x):
    """The shapes of the hidden state(s) the module takes for input x."""
    cell = isinstance(m, nn.RNNCellBase)
    if cell:
        shape = [x.shape[0], m.hidden_size] if x.dim() == 2 else [m.hidden_size]
        return [shape, shape] if isinstance(m, nn.LSTMCell) else [shape]
    dirs = 2 if m.bidirectional else 1
    batched = x.dim() == 3
    batch = [x.shape[0 if m.batch_first else 1]] if batched else []
    real = m.proj_size if getattr(m, 'proj_size', 0) > 0 else m.hidden_size
    h = [m.num_layers * dirs] + batch + [real]
    if isinstance(m, nn.LSTM):
        return [h, [m.num_layers * dirs] + batch + [m.hidden_size]]
    return [h]


def run(name, kind, args, kwargs, shape, give_hx, seed):
    kw = dict(kwargs)
    dtype = getattr(torch, kw.pop('dtype', 'float32'))
    torch.manual_seed(seed)
    m = getattr(nn, kind)(*args, **kw, dtype=dtype)
    x = torch.randn(*shape, dtype=dtype).requires_grad_()
    hx = [torch.randn(*s, dtype=dtype).requires_grad_() for s in hidden_shapes(m, x)] if give_hx else None
    if isinstance(m, nn.RNNCellBase):
        arg = None if hx is None else (tuple(hx) if len(hx) == 2 else hx[0])
        r = m(x, arg)
        # A cell's output is its new state: [h] or [h, c].
        out, states = None, (list(r) if isinstance(r, tuple) else [r])
    else:
        arg = None if hx is None else (tuple(hx) if len(hx) == 2 else hx[0])
        out, h = m(x, arg)
        states = list(h) if isinstance(h, tuple) else [h]
    loss = 0
    res = {'kind': kind, 'args': args, 'kwargs': kwargs, 'shape': shape, 'hx': give_hx, 'seed': seed}
    if out is not None:
        w = torch.randn(*out.shape, dtype=dtype)
        loss = (out * w).sum()
        res['out'] = flat(out)
        res['out_shape'] = list(out.shape)
    for i, s in enumerate(states):
        w = torch.randn(*s.shape, dtype=dtype)
        loss = loss + (s * w).sum()
        res[f'state{i}'] = flat(s)
        res[f'state{i}_shape'] = list(s.shape)
    loss.backward()
    res['dx'] = flat(x.grad)
    if hx is not None:
        res['dhx'] = [flat(h.grad) for h in hx]
    res['grads'] = {k: flat(p.grad) for k, p in m.named_parameters()}
    res['keys'] = list(m.state_dict().keys())
    res['shapes'] = {k: list(v.shape) for k, v in m.state_dict().items()}
    # For the loading test: an eval-mode forward of a fresh input under the saved weights.
    m.eval()
    torch.manual_seed(seed + 1000)
    x2 = torch.randn(*shape, dtype=dtype)
    with torch.no_grad():
        r2 = m(x2)
    r2 = r2[0] if isinstance(r2, tuple) else r2
    torch.save({'state_dict': m.state_dict(), 'x': x2, 'out': r2}, os.path.join(OUT, f'{name}.pt'))
    return res


if __name__ == '__main__':
    OUT = sys.argv[1]
    result = {'torch': torch.__version__, 'cases': {}}
    for k, (name, kind, args, kwargs, shape, give_hx) in enumerate(CASES):
        result['cases'][name] = run(name, kind, args, kwargs, shape, give_hx, 10 + k)
    with open(os.path.join(OUT, 'rnn.json'), 'w') as f:
        json.dump(result, f)
