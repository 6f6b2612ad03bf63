// `gumbel-torch train --task <name>` for the tasks of lib/tasks (all but the VAE, which keeps its own
// command): the task's options as flags, then the generic runner with train's conventions: progress,
// the epoch lines, metrics.json/.csv, metrics.svg, the pictures, Ctrl-C/SIGTERM, --resume,
// --log-json and --tensorboard.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { fromTypedArray } from '../creation';
import { TASKS } from '../tasks/registry';
import { kebab, optionProblem, taskOptions } from '../tasks/options';
import { TASK_CHECKPOINT, TaskRunner, type TaskProgress } from '../tasks/runner';
import type { EpochRecord } from '../tasks/checkpoint';
import type { Task, TaskConfig, TaskImage, TaskOption } from '../tasks/task';
import { SummaryWriter } from '../utils/tensorboard';
import { lossChartSvg } from './plot';
import { TaskProgressBar } from './task-progress';
import { writeTaskImage } from './task-image';
import { onStopSignals } from './stop-signals';
import { parseCliInt, parseCliNumber } from './parse-number';

/** The task a `train` command line asks for ('vae' when none): the last --task or --task=, as commander takes it. */
export function selectedTask(args: readonly string[]): string {
  let task = 'vae';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') break;
    if (args[i] === '--task' && i + 1 < args.length) task = args[++i];
    else if (args[i].startsWith('--task=')) task = args[i].slice('--task='.length);
  }
  return task;
}

/** Every task name `--task` accepts. */
export const TASK_NAMES: readonly string[] = ['vae', ...Object.keys(TASKS)];

/** Parses a flag's text into the option's type, with the option's checks (commander prints the message). */
function parser(o: TaskOption): (text: string) => number | string {
  return (text) => {
    const v = o.type === 'int' ? parseCliInt(text) : o.type === 'number' ? parseCliNumber(text) : text;
    if (Number.isNaN(v)) throw new InvalidArgumentError(`${kebab(o.name)} must be a decimal ${o.type === 'int' ? 'integer' : 'number'}, got '${text}'`);
    const problem = optionProblem(o, v, {} as TaskConfig);
    if (problem) throw new InvalidArgumentError(`${kebab(o.name)} ${problem}`);
    return v;
  };
}

/** Adds the task's flags (the runner's and its own) to `cmd`. */
export function addTaskFlags(cmd: Command, task: Task): Command {
  for (const o of taskOptions(task)) {
    const flag = `--${kebab(o.name)}`;
    if (o.type === 'boolean') {
      if (o.default === true) cmd.option(`--no-${kebab(o.name)}`, o.help);
      else cmd.option(flag, o.help, false);
      continue;
    }
    const opt = new Option(`${flag} <${o.type === 'string' ? 'value' : 'n'}>`, o.help).argParser(parser(o));
    if (o.choices) opt.choices(o.choices);
    if (o.default !== undefined) opt.default(o.default);
    cmd.addOption(opt);
  }
  return cmd;
}

/** Sets the `train` command up for `task` (the name was picked from argv before parsing). */
export function taskTrainCommand(cmd: Command, task: Task, done: (code: number) => void): Command {
  addTaskFlags(cmd.description(task.description), task)
    .addOption(new Option('--task <name>', 'what to train').choices(TASK_NAMES).default('vae'))
    .option('--resume', 'continue from <out>/checkpoint.pt, with the same random stream', false)
    .option('--log-json <file>', 'also write one JSON line per progress update and per epoch to <file>')
    .option('--tensorboard [dir]', 'write TensorBoard event files (step and epoch metrics, pictures) to <dir> (default <out>/tb)')
    .action(async (o: Record<string, unknown>, c: Command) => {
      const explicit = new Set(Object.keys(o).filter((k) => c.getOptionValueSource(k) === 'cli'));
      done(await trainTask(task, o, explicit));
    });
  return cmd;
}

const CLI_ONLY = ['task', 'resume', 'logJson', 'tensorboard'];

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toFixed(4);
}

/** 'loss 1.2345 accuracy 0.9000' of the keys with `prefix`, without it. */
function line(r: Record<string, number>, prefix = ''): string {
  return Object.entries(r)
    .filter(([k]) => k.startsWith(prefix) && k !== 'epoch' && !k.endsWith('Seconds'))
    .map(([k, v]) => `${k.slice(prefix.length)} ${fmt(v)}`)
    .join(' ');
}

function writeMetrics(out: string, metrics: EpochRecord[]): void {
  fs.writeFileSync(path.join(out, 'metrics.json'), JSON.stringify(metrics, null, 1) + '\n');
  const cols: string[] = [];
  for (const m of metrics) for (const k of Object.keys(m)) if (!cols.includes(k)) cols.push(k);
  fs.writeFileSync(path.join(out, 'metrics.csv'), [cols.join(','), ...metrics.map((m) => cols.map((k) => m[k] ?? '').join(','))].join('\n') + '\n');
}

/** metrics.svg: the task's charts (default: one of every key) stacked in one file. */
function writePlots(out: string, task: Task, metrics: EpochRecord[]): void {
  const keys = [...new Set(metrics.flatMap((m) => Object.keys(m)))].filter((k) => k !== 'epoch' && !k.endsWith('Seconds'));
  const plots = task.plots ?? [{ title: `${task.name}: metrics per epoch`, yLabel: 'value', series: keys.map((k) => ({ key: k, label: k })) }];
  const charts = plots.map((p) => lossChartSvg(p.title, p.series.map((s) => ({ label: s.label, points: metrics.filter((m) => m[s.key] !== undefined).map((m): [number, number] => [m.epoch, m[s.key]]) })), p.yLabel));
  const heights = charts.map((s) => Number(/height="(\d+)"/.exec(s)?.[1] ?? 380));
  const width = Math.max(...charts.map((s) => Number(/width="(\d+)"/.exec(s)?.[1] ?? 640)));
  let y = 0;
  const parts = charts.map((s, i) => {
    const part = s.replace('<svg ', `<svg y="${y}" `);
    y += heights[i];
    return part;
  });
  fs.writeFileSync(path.join(out, 'metrics.svg'), `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}">\n${parts.join('')}</svg>\n`);
}

/** The settings TensorBoard's HPARAMS tab shows (where the run is written is not one). */
function hparams(c: TaskConfig): Record<string, number | string | boolean> {
  return Object.fromEntries(Object.entries(c).filter((e): e is [string, number | string | boolean] => e[1] !== undefined && e[0] !== 'out' && e[0] !== 'logEvery'));
}

function boardImage(w: SummaryWriter, img: TaskImage, step: number): void {
  const t = fromTypedArray(img.data, [img.height, img.width, img.channels], { dtype: 'uint8' });
  try {
    w.addImage(img.name.replace(/\.png$/, ''), t, step, undefined, 'HWC');
  } finally {
    t.dispose();
  }
}

/** One run of `task` from the flags; the exit status. */
export async function trainTask(task: Task, flags: Record<string, unknown>, explicit: ReadonlySet<string>): Promise<number> {
  const settings = Object.fromEntries(Object.entries(flags).filter(([k]) => !CLI_ONLY.includes(k)));
  const runner = new TaskRunner(task, settings);
  const bar = new TaskProgressBar();
  const log = (s: string): void => void process.stdout.write(s + '\n');
  let board: SummaryWriter | undefined;
  let stepLog: number | undefined;
  let logFailed = false;
  const t0 = Date.now();
  const jsonLine = (obj: object): void => {
    if (stepLog === undefined || logFailed) return;
    try {
      fs.writeSync(stepLog, JSON.stringify({ ...obj, time: (Date.now() - t0) / 1000 }) + '\n');
    } catch (e) {
      logFailed = true;
      process.stderr.write(`gumbel-torch: --log-json ${String(flags.logJson)}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); training goes on without it\n`);
    }
  };
  let finished = false;
  let metrics: EpochRecord[] = [];
  const offSignals = onStopSignals(() => runner.requestStop(), () => bar.stop());
  const written: string[] = [];
  const writePictures = (imgs: TaskImage[]): void => {
    for (const img of imgs) {
      writeTaskImage(path.join(runner.config.out, img.name), img);
      if (!written.includes(img.name)) written.push(img.name);
    }
  };
  try {
    const result = await runner.run(
      {
        log,
        progress: (label, done, total) => bar.prepare(label, done, total),
        onStart: (i) => {
          bar.stop();
          const cfg = i.config;
          log(`gumbel-torch: ${task.banner(cfg, i.device)}`);
          if (flags.logJson) stepLog = fs.openSync(String(flags.logJson), flags.resume ? 'a' : 'w');
          if (flags.tensorboard) {
            const dir = typeof flags.tensorboard === 'string' ? flags.tensorboard : path.join(cfg.out, 'tb');
            try {
              board = new SummaryWriter(dir, { flushSecs: 2 });
            } catch (e) {
              throw new Error(`--tensorboard ${dir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
            }
            const rows = Object.entries(cfg)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]) => `| ${k} | ${String(v)} |`);
            board.addText('config', ['| setting | value |', '| --- | --- |', ...rows].join('\n'), 0);
          }
          if (i.resumedFrom) log(`resuming from ${path.join(cfg.out, TASK_CHECKPOINT)} at epoch ${i.resumedFrom.epoch}, step ${i.resumedFrom.step}`);
          if (i.changes?.length) log(`changed on resume (applied from here on): ${i.changes.join('; ')}`);
        },
        onProgress: (p: TaskProgress) => {
          bar.update(p);
          jsonLine({ kind: 'step', epoch: p.epoch, step: p.step, globalStep: p.globalStep, ...p.window, means: p.means });
          if (board) for (const [k, v] of Object.entries(p.window)) if (Number.isFinite(v)) board.addScalar(`train/${k}`, v, p.globalStep);
        },
        onEpoch: (r, ctx) => {
          bar.stop();
          jsonLine({ kind: 'epoch', ...r });
          log(`Epoch ${r.epoch}: train ${line(r, 'train.')}`);
          const held = Object.keys(r).filter((k) => !k.startsWith('train.') && k !== 'epoch' && !k.endsWith('Seconds'));
          for (const split of [...new Set(held.map((k) => k.split('.')[0]))]) log(`  ${split} ${line(r, split + '.')}`);
          log(`  epoch ${r.epoch} train ${r.trainSeconds.toFixed(3)}s eval ${r.evalSeconds.toFixed(3)}s`);
          if (board) {
            for (const [k, v] of Object.entries(r)) if (k !== 'epoch' && Number.isFinite(v)) board.addScalar(`epoch/${k.replace('.', '_')}`, v, r.epoch);
            for (const img of ctx.picture()) boardImage(board, img, r.epoch);
          }
        },
        onEnd: (ctx) => writePictures(ctx.picture()),
      },
      { resume: Boolean(flags.resume), explicit },
    );
    bar.stop();
    const cfg = runner.config;
    metrics = result.metrics;
    writeMetrics(cfg.out, result.metrics);
    if (result.metrics.length) writePlots(cfg.out, task, result.metrics);
    finished = result.stopped === 'done';
    if (result.final) log(`Final test: ${line(result.final)}`);
    if (result.stopped === 'non-finite') {
      process.stderr.write(`gumbel-torch: ${result.message}\n`);
      return 1;
    }
    log('');
    log(result.stopped === 'interrupted' ? `Stopped early; resume with: gumbel-torch train --task ${task.name} --out ${cfg.out} --resume` : 'Done.');
    const total = result.metrics.reduce((s, m) => s + m.trainSeconds, 0);
    if (result.metrics.length) log(`Summary: ${result.metrics.length} epochs, ${total.toFixed(1)} s training (${(total / result.metrics.length).toFixed(2)} s/epoch)`);
    log(`Outputs in ${cfg.out}/: ${TASK_CHECKPOINT}, metrics.json, metrics.csv${result.metrics.length ? ', metrics.svg' : ''}${written.length ? ', ' + written.join(', ') : ''}`);
    return 0;
  } finally {
    bar.stop();
    if (stepLog !== undefined) fs.closeSync(stepLog);
    if (board) {
      // After a finished run the settings and last epoch go to TensorBoard's HPARAMS tab.
      const last = metrics[metrics.length - 1];
      if (finished && last) await board.addHparams(hparams(runner.config), Object.fromEntries(Object.entries(last).filter(([k, v]) => k !== 'epoch' && Number.isFinite(v)).map(([k, v]) => [`hparam/${k}`, v])), undefined, 'hparams');
      await board.close();
    }
    offSignals();
  }
}
