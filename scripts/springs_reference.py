"""The springs simulator's equations as ethanfetaya/NRI's data/synthetic_sim.py (SpringSim.sample_trajectory,
_clamp, _energy) writes them, in numpy, for given graphs and initial states (the random draws are ours).

Reads JSON {settings, edges [B][n][n], loc [B][2][n], vel [B][2][n]} on stdin; writes JSON
{loc, vel: [B][frames][2][n], energy: [B][frames]} on stdout. Used by test/tasks/nri-springs.test.ts.
"""
import json
import sys

import numpy as np


def clamp(loc, vel, box):
    assert np.all(loc < box * 3) and np.all(loc > -box * 3)
    over = loc > box
    loc[over] = 2 * box - loc[over]
    vel[over] = -np.abs(vel[over])
    under = loc < -box
    loc[under] = -2 * box - loc[under]
    vel[under] = np.abs(vel[under])
    return loc, vel


def forces(loc, edges, k, max_f):
    n = loc.shape[1]
    size = -k * edges
    np.fill_diagonal(size, 0)
    f = (size.reshape(1, n, n) * np.concatenate((
        np.subtract.outer(loc[0, :], loc[0, :]).reshape(1, n, n),
        np.subtract.outer(loc[1, :], loc[1, :]).reshape(1, n, n)))).sum(axis=-1)
    f[f > max_f] = max_f
    f[f < -max_f] = -max_f
    return f


def energy(loc, vel, edges, k):
    kinetic = 0.5 * (vel ** 2).sum()
    u = 0
    for i in range(loc.shape[1]):
        for j in range(loc.shape[1]):
            if i != j:
                r = loc[:, i] - loc[:, j]
                u += 0.5 * k * edges[i, j] * (r ** 2).sum() / 2
    return u + kinetic


def trajectory(s, edges, loc_next, vel_next):
    box, dt, k = s['boxSize'], s['dt'], s['interactionStrength']
    max_f = 0.1 / dt
    t_len, freq = s['length'], s['sampleFreq']
    frames = t_len // freq - 1
    n = edges.shape[0]
    loc = np.zeros((frames, 2, n))
    vel = np.zeros((frames, 2, n))
    loc_next, vel_next = clamp(loc_next, vel_next, box)
    vel_next += dt * forces(loc_next, edges, k, max_f)
    counter = 0
    for i in range(1, t_len):
        loc_next += dt * vel_next
        loc_next, vel_next = clamp(loc_next, vel_next, box)
        if i % freq == 0:
            loc[counter], vel[counter] = loc_next, vel_next
            counter += 1
        vel_next += dt * forces(loc_next, edges, k, max_f)
    return loc, vel


def main():
    req = json.load(sys.stdin)
    s = req['settings']
    out = {'loc': [], 'vel': [], 'energy': []}
    for e, l0, v0 in zip(req['edges'], req['loc'], req['vel']):
        e = np.array(e, dtype=np.float64)
        loc, vel = trajectory(s, e, np.array(l0, dtype=np.float64), np.array(v0, dtype=np.float64))
        out['loc'].append(loc.tolist())
        out['vel'].append(vel.tolist())
        out['energy'].append([energy(loc[t], vel[t], e, s['interactionStrength']) for t in range(loc.shape[0])])
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
