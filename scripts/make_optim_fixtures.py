#!/usr/bin/python3
"""Fixtures for optim.SGD, AdamW, RMSprop, Adagrad, RAdam (also with parameter groups) and optim.lrScheduler
from real PyTorch (torch 1.13 here).

Writes OUT_DIR/optim.json (default test/fixtures). Run: /usr/bin/python3 scripts/make_optim_fixtures.py [OUT_DIR]
Schedulers: each one's lr (and OneCycleLR's momentum) after construction and after every step, and its
state_dict's plain-data keys; pure double arithmetic, so the values hold on any CPU.
SGD: 20 steps per option set over two float32 parameters (odd sizes, so ATen's vector loops leave
tails) with gradients given as data; elementwise ops only (no BLAS), so the test compares exactly with
a live run on the same CPU and to 1 ulp-ish (1e-6 relative) with this committed fixture elsewhere.
"""
import json, math, os, sys
import torch
from torch.optim import SGD, lr_scheduler as S

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'test', 'fixtures')
SHAPES = [[37], [5, 7]]
STEPS = 20


def flat(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def plain(sd):
    out = {}
    for k, v in sd.items():
        if k in ('anneal_func', '_get_lr_called_within_step'):
            continue
        if isinstance(v, float) and math.isinf(v):
            v = 'inf' if v > 0 else '-inf'
        if k == 'milestones':
            v = dict((str(m), c) for m, c in v.items())
        out[k] = v
    return out


def sched_run(name, make, steps, metrics=None, momentum=0.0, lr=0.1):
    p = torch.zeros(1, requires_grad=True)
    opt = SGD([p], lr=lr, momentum=momentum)
    s = make(opt)
    lrs, moms = [opt.param_groups[0]['lr']], [opt.param_groups[0]['momentum']]
    for k in range(steps):
        opt.step()
        s.step(metrics[k]) if metrics is not None else s.step()
        lrs.append(opt.param_groups[0]['lr'])
        moms.append(opt.param_groups[0]['momentum'])
    return {'name': name, 'lrs': lrs, 'momentums': moms, 'stateDict': plain(s.state_dict())}


def schedulers():
    plateau = [1.0, 0.9, 0.95, 0.93, 0.91, 0.9, 0.92, 0.899, 0.95, 0.97, 0.96, 0.98, 0.97, 0.5, 0.6, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]
    up = [-m for m in plateau]
    return [
        sched_run('StepLR', lambda o: S.StepLR(o, step_size=3), 12),
        sched_run('StepLR gamma 0.5', lambda o: S.StepLR(o, step_size=2, gamma=0.5), 12),
        sched_run('MultiStepLR', lambda o: S.MultiStepLR(o, milestones=[2, 5, 5, 9]), 12),
        sched_run('ExponentialLR', lambda o: S.ExponentialLR(o, gamma=0.9), 30),
        sched_run('CosineAnnealingLR', lambda o: S.CosineAnnealingLR(o, T_max=10), 35),
        sched_run('CosineAnnealingLR etaMin', lambda o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.01), 30),
        sched_run('LambdaLR', lambda o: S.LambdaLR(o, lambda e: 1 / (e + 1)), 12),
        sched_run('LambdaLR floor', lambda o: S.LambdaLR(o, lambda e: e // 3 + 0.5), 12),
        sched_run('OneCycleLR', lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=20), 20, momentum=0.9),
        sched_run('OneCycleLR linear three phase', lambda o: S.OneCycleLR(o, max_lr=0.5, epochs=3, steps_per_epoch=7, pct_start=0.25, anneal_strategy='linear', three_phase=True, div_factor=10.0, final_div_factor=100.0), 20, momentum=0.9),
        sched_run('OneCycleLR no momentum', lambda o: S.OneCycleLR(o, max_lr=0.3, total_steps=15, cycle_momentum=False), 15),
        sched_run('ReduceLROnPlateau', lambda o: S.ReduceLROnPlateau(o, patience=2), 25, plateau),
        sched_run('ReduceLROnPlateau max abs cooldown', lambda o: S.ReduceLROnPlateau(o, mode='max', factor=0.5, patience=1, threshold=0.01, threshold_mode='abs', cooldown=2, min_lr=0.02), 25, up),
    ]


def sched_groups_run(name, make, steps, metrics=None):
    # Two parameter groups with their own lr and momentum: every group follows its own schedule.
    p, q = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    opt = SGD([{'params': [p]}, {'params': [q], 'lr': 0.3, 'momentum': 0.8}], lr=0.1, momentum=0.9)
    s = make(opt)
    lrs, moms = [[g['lr'] for g in opt.param_groups]], [[g['momentum'] for g in opt.param_groups]]
    for k in range(steps):
        opt.step()
        s.step(metrics[k]) if metrics is not None else s.step()
        lrs.append([g['lr'] for g in opt.param_groups])
        moms.append([g['momentum'] for g in opt.param_groups])
    return {'name': name, 'lrs': lrs, 'momentums': moms, 'stateDict': plain(s.state_dict())}


def scheduler_groups():
    plateau = [1.0, 0.9, 0.95, 0.93, 0.91, 0.9, 0.92, 0.899, 0.95, 0.97, 0.96, 0.98, 0.97, 0.5, 0.6, 0.7, 0.7, 0.7, 0.7, 0.7]
    return [
        sched_groups_run('StepLR', lambda o: S.StepLR(o, step_size=3, gamma=0.5), 12),
        sched_groups_run('CosineAnnealingLR', lambda o: S.CosineAnnealingLR(o, T_max=6, eta_min=0.01), 20),
        sched_groups_run('LambdaLR', lambda o: S.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: e // 2 + 1]), 12),
        sched_groups_run('OneCycleLR', lambda o: S.OneCycleLR(o, max_lr=[1.0, 0.4], total_steps=15, max_momentum=[0.95, 0.9], base_momentum=0.8), 15),
        sched_groups_run('ReduceLROnPlateau', lambda o: S.ReduceLROnPlateau(o, patience=1, min_lr=[0.0, 0.01]), 20, plateau),
    ]


SGD_SETS = [
    {'lr': 0.1},
    {'lr': 0.05, 'momentum': 0.9},
    {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.1},
    {'lr': 0.05, 'momentum': 0.9, 'nesterov': True},
    {'lr': 0.1, 'weight_decay': 0.01},
    {'lr': 0.03, 'momentum': 0.8, 'dampening': 0.0, 'weight_decay': 0.05, 'nesterov': True},
]
CAMEL = {'weight_decay': 'weightDecay'}


def sgd():
    torch.manual_seed(7)
    init = [torch.randn(s) for s in SHAPES]
    grads = [[torch.randn(s) * (10.0 ** (k % 5 - 2)) for s in SHAPES] for k in range(STEPS)]
    runs = []
    for opts in SGD_SETS:
        ps = [t.clone().requires_grad_() for t in init]
        opt = SGD(ps, **opts)
        traj = trajectory(opt, ps, grads)
        sd = opt.state_dict()
        runs.append({
            'opts': dict((CAMEL.get(k, k), v) for k, v in opts.items()),
            'trajectory': traj,
            'momentumBuffers': [flat(sd['state'][i]['momentum_buffer']) if i in sd['state'] and sd['state'][i].get('momentum_buffer') is not None else None for i in range(len(ps))],
            'paramGroup': dict((k, v) for k, v in sd['param_groups'][0].items()),
        })
    # Parameter groups: per-group options over the defaults.
    ps = [t.clone().requires_grad_() for t in init]
    opt = SGD([{'params': [ps[0]], 'lr': 0.1, 'momentum': 0.9}, {'params': [ps[1]], 'weight_decay': 0.1, 'nesterov': True, 'momentum': 0.5}], lr=0.05)
    traj = trajectory(opt, ps, grads)
    groups_run = {'trajectory': traj, 'paramGroups': opt.state_dict()['param_groups']}
    return {'shapes': SHAPES, 'init': [flat(t) for t in init], 'grads': [[flat(g) for g in gs] for gs in grads], 'runs': runs, 'groups': groups_run}


OTHER_SETS = [
    ('AdamW', {}), ('AdamW', {'lr': 0.01, 'betas': (0.8, 0.99), 'weight_decay': 0.1, 'amsgrad': True}),
    ('RMSprop', {}), ('RMSprop', {'lr': 0.005, 'alpha': 0.9, 'momentum': 0.5, 'centered': True, 'weight_decay': 0.01}),
    ('Adagrad', {}), ('Adagrad', {'lr': 0.05, 'lr_decay': 0.01, 'weight_decay': 0.02, 'initial_accumulator_value': 0.1, 'eps': 1e-8}),
    # RAdam: rectified from step 6 (default betas), from step 3 (beta2 0.95: rho_inf 39), never (beta2 0.6:
    # rho_inf 4 <= 5), so both branches and the threshold are crossed within the 20 steps.
    ('RAdam', {}), ('RAdam', {'lr': 0.01, 'betas': (0.8, 0.95), 'weight_decay': 0.05, 'eps': 1e-6}), ('RAdam', {'lr': 0.02, 'betas': (0.9, 0.6)}),
]

# Two parameter groups, each with its own options over the defaults (the second argument).
GROUP_SETS = [
    ('AdamW', [{'lr': 0.01, 'amsgrad': True}, {'weight_decay': 0.1, 'betas': (0.8, 0.99)}], {'lr': 0.005}),
    ('RMSprop', [{'momentum': 0.5}, {'centered': True, 'alpha': 0.9, 'lr': 0.002}], {'lr': 0.005}),
    # torch 1.13's Adagrad fills every group's sum with the constructor's initial_accumulator_value (0 here),
    # whatever the group says; its param_groups still list the group's own.
    ('Adagrad', [{'lr_decay': 0.01, 'initial_accumulator_value': 0.2}, {'initial_accumulator_value': 0.1, 'weight_decay': 0.02}], {'lr': 0.05}),
    ('RAdam', [{'betas': (0.9, 0.6)}, {'weight_decay': 0.05, 'lr': 0.01}], {'lr': 0.003}),
]
CAMEL.update({'lr_decay': 'lrDecay', 'initial_accumulator_value': 'initialAccumulatorValue'})


def trajectory(opt, ps, grads, after=None):
    """STEPS steps with the given gradients; the parameters after each. after(k) runs after step k."""
    traj = []
    for k in range(STEPS):
        opt.zero_grad()
        for p, g in zip(ps, grads[k]):
            p.grad = g.clone()
        opt.step()
        traj.append([flat(p) for p in ps])
        if after:
            after(k)
    return traj


def others(sgd_fixture):
    # AdamW, RMSprop, Adagrad over the same parameters and gradients as SGD's runs.
    init = [torch.tensor(v).reshape(s) for v, s in zip(sgd_fixture['init'], SHAPES)]
    grads = [[torch.tensor(v).reshape(s) for v, s in zip(gs, SHAPES)] for gs in sgd_fixture['grads']]
    runs = []
    for name, opts in OTHER_SETS:
        ps = [t.clone().requires_grad_() for t in init]
        opt = getattr(torch.optim, name)(ps, **opts)
        traj = trajectory(opt, ps, grads)
        sd = opt.state_dict()
        state = {}
        for i, st in sd['state'].items():
            state[str(i)] = dict((k, float(v) if not torch.is_tensor(v) or v.dim() == 0 else flat(v)) for k, v in st.items())
        group = dict((k, list(v) if isinstance(v, tuple) else v) for k, v in sd['param_groups'][0].items())
        o = dict((CAMEL.get(k, k), list(v) if isinstance(v, tuple) else v) for k, v in opts.items())
        runs.append({'name': name, 'opts': o, 'trajectory': traj, 'state': state, 'paramGroup': group})
    return runs


def tuples_to_lists(d):
    return dict((k, list(v) if isinstance(v, tuple) else v) for k, v in d.items())


def other_groups(sgd_fixture):
    # AdamW, RMSprop, Adagrad, RAdam with two parameter groups; the state_dict after 10 steps is saved for
    # test/optim/pytorch-state-dicts.test.ts, the trajectory and final state_dict go to the JSON.
    init = [torch.tensor(v).reshape(s) for v, s in zip(sgd_fixture['init'], SHAPES)]
    grads = [[torch.tensor(v).reshape(s) for v, s in zip(gs, SHAPES)] for gs in sgd_fixture['grads']]
    runs = []
    for name, groups, defaults in GROUP_SETS:
        ps = [t.clone().requires_grad_() for t in init]
        opt = getattr(torch.optim, name)([dict(g, params=[p]) for g, p in zip(groups, ps)], **defaults)
        save = os.path.join(OUT, f'optim_{name.lower()}_groups_step10.pt')
        traj = trajectory(opt, ps, grads, lambda k: k == 9 and torch.save({'params': [p.detach().clone() for p in ps], 'optimizer': opt.state_dict()}, save))
        sd = opt.state_dict()
        state = dict((str(i), dict((k, float(v) if not torch.is_tensor(v) or v.dim() == 0 else flat(v)) for k, v in st.items())) for i, st in sd['state'].items())
        runs.append({
            'name': name,
            'groups': [dict((CAMEL.get(k, k), list(v) if isinstance(v, tuple) else v) for k, v in g.items()) for g in groups],
            'defaults': dict((CAMEL.get(k, k), v) for k, v in defaults.items()),
            'trajectory': traj,
            'state': state,
            'paramGroups': [tuples_to_lists(g) for g in sd['param_groups']],
        })
    return runs


def clipping(sgd_fixture):
    # nn.utils.clip_grad_norm_ (several norms, clipping or not) and clip_grad_value_ on step 3's gradients
    # (norms go through ATen's vectorised reductions: exact on the same CPU only).
    out = []
    for norm_type, max_norm in [(2.0, 0.5), (2.0, 1e6), (1.0, 0.3), (3.0, 0.1), (float('inf'), 0.05), (0.5, 2.0)]:
        ps = [torch.zeros(s, requires_grad=True) for s in SHAPES]
        for p, g in zip(ps, sgd_fixture['grads'][3]):
            p.grad = torch.tensor(g).reshape(p.shape)
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        out.append({'kind': 'norm', 'normType': 'inf' if norm_type == float('inf') else norm_type, 'maxNorm': max_norm, 'total': float(total), 'grads': [flat(p.grad) for p in ps]})
    ps = [torch.zeros(s, requires_grad=True) for s in SHAPES]
    for p, g in zip(ps, sgd_fixture['grads'][3]):
        p.grad = torch.tensor(g).reshape(p.shape)
    torch.nn.utils.clip_grad_value_(ps, 0.01)
    out.append({'kind': 'value', 'clipValue': 0.01, 'grads': [flat(p.grad) for p in ps]})
    return out


def saved_states(sgd_fixture):
    # torch.save'd optimizer state_dicts after 10 of the 20 steps (SGD with momentum, AdamW amsgrad,
    # RMSprop centered, Adagrad): loaded into ours, the last 10 steps must give PyTorch's step 20.
    init = [torch.tensor(v).reshape(s) for v, s in zip(sgd_fixture['init'], SHAPES)]
    grads = [[torch.tensor(v).reshape(s) for v, s in zip(gs, SHAPES)] for gs in sgd_fixture['grads']]
    cases = {
        'sgd': lambda ps: SGD(ps, lr=0.05, momentum=0.9, dampening=0.1),
        'adamw': lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True),
        'rmsprop': lambda ps: torch.optim.RMSprop(ps, lr=0.005, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01),
        'adagrad': lambda ps: torch.optim.Adagrad(ps, lr=0.05, lr_decay=0.01, weight_decay=0.02, initial_accumulator_value=0.1, eps=1e-8),
        'radam': lambda ps: torch.optim.RAdam(ps, lr=0.01, betas=(0.8, 0.95), weight_decay=0.05, eps=1e-6),
    }
    for name, make in cases.items():
        ps = [t.clone().requires_grad_() for t in init]
        opt = make(ps)
        for k in range(10):
            opt.zero_grad()
            for p, g in zip(ps, grads[k]):
                p.grad = g.clone()
            opt.step()
        torch.save({'params': [p.detach().clone() for p in ps], 'optimizer': opt.state_dict()}, os.path.join(OUT, f'optim_{name}_step10.pt'))


def cosines():
    # math.cos (glibc's cos, as the schedulers call it) at the arguments schedules use and at random ones.
    xs = [math.pi * e / t for t in range(1, 41) for e in range(0, 3 * t + 2)] + [math.pi * (e - 1) / t for t in (3, 7, 10) for e in range(0, 40)]
    g = torch.Generator().manual_seed(3)
    xs += [float(v) for v in (torch.rand(3000, generator=g, dtype=torch.float64) * 200 - 100).tolist()]
    return [[x, math.cos(x)] for x in xs]


SGD_FIXTURE = sgd()
out = {'torch': torch.__version__, 'schedulers': schedulers(), 'schedulerGroups': scheduler_groups(), 'sgd': SGD_FIXTURE, 'others': others(SGD_FIXTURE), 'otherGroups': other_groups(SGD_FIXTURE), 'clip': clipping(SGD_FIXTURE), 'cos': cosines()}
os.makedirs(OUT, exist_ok=True)
saved_states(SGD_FIXTURE)
with open(os.path.join(OUT, 'optim.json'), 'w') as f:
    json.dump(out, f)
print('wrote', os.path.join(OUT, 'optim.json'))
