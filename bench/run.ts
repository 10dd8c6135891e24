// `npm run bench -- [--size S,M,L] [--runs N] [--alembic] [--soak] ...`: generates projects with planted drift,
// measures the CLI, the language server, CPython's ast.parse and real Alembic on them, prints a table, writes JSON,
// and exits 1 when a planted drift was not found. See bench/README.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { SIZES, generateProject, type GeneratedProject } from './generate';
import { REPO, alembicAvailable, cacheEnv, checkAlembic, checkDrift, median, percentile, pythonParse, runAlembic, runCli, treeSitterParse, type AlembicRun, type CliRun, type DriftCheck, type PythonParse, type TreeSitterParse } from './measure';
import { keystrokes, soak, startServer, type LatencyResult, type SoakResult, type StartupRun } from './server';

const USAGE = `usage: npm run bench -- [options]
  --size S,M,L      sizes to run (repeatable or comma-separated; default S,M)
  --runs N          runs per measurement, the median is reported (default 3)
  --edits N         keystrokes per file kind in the language server (default 20)
  --alembic         also run real Alembic on L (about 70 s; S and M run it whenever it is installed)
  --no-alembic      never run Alembic
  --soak            memory soak of the language server on each size (10,000 edits)
  --soak-edits N    edits in the soak (default 10000)
  --keep            keep the generated projects (their folder is printed)
  --out FILE        where to write the JSON (default bench/results/latest.json)`;

interface Options {
  sizes: string[];
  runs: number;
  edits: number;
  alembic: boolean;
  noAlembic: boolean;
  soak: boolean;
  soakEdits: number;
  keep: boolean;
  out: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', multiple: true },
      runs: { type: 'string' },
      edits: { type: 'string' },
      alembic: { type: 'boolean' },
      'no-alembic': { type: 'boolean' },
      soak: { type: 'boolean' },
      'soak-edits': { type: 'string' },
      keep: { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const sizes = (values.size ?? ['S,M']).flatMap((s) => s.split(',')).map((s) => s.trim().toUpperCase()).filter(Boolean);
  const bad = sizes.find((s) => !SIZES[s]);
  const num = (v: string | undefined, d: number): number => (v === undefined ? d : Number(v));
  const o: Options = {
    sizes: Object.keys(SIZES).filter((s) => sizes.includes(s)),
    runs: num(values.runs, 3),
    edits: num(values.edits, 20),
    alembic: !!values.alembic,
    noAlembic: !!values['no-alembic'],
    soak: !!values.soak,
    soakEdits: num(values['soak-edits'], 10_000),
    keep: !!values.keep,
    out: path.resolve(values.out ?? path.join(REPO, 'bench', 'results', 'latest.json')),
  };
  if (bad || !(o.runs >= 1) || !(o.edits >= 2) || !(o.soakEdits >= 1000)) {
    console.error(bad ? `unknown size "${bad}"` : 'bad --runs, --edits or --soak-edits');
    console.error(USAGE);
    process.exit(2);
  }
  o.edits += o.edits % 2; // typed and deleted again: an even number
  return o;
}

interface SizeResult {
  size: string;
  stats: GeneratedProject['stats'];
  plantedDrift: number;
  cli: {
    cold_s: number[];
    warm_s: number[] | null;
    /** Why warm is n/a, or that it is measured. */
    warmNote: string;
    cold_cpu_s: number[];
    maxRssMB: number[];
    cold: DriftCheck;
    warmAgrees: boolean | null;
    wroteIntoProject: string[];
  };
  python: { parse_s: number; readParse_s: number; process_s: number; runs: PythonParse[] };
  /** web-tree-sitter's parse alone of the same files, on both cores: what our own parser cannot go below. */
  treeSitter: { parse_s: number; runs: TreeSitterParse[] };
  alembic: (AlembicRun & { missed: GeneratedProject['planted']; unexplained: AlembicRun['diffs'] }) | { skipped: string };
  server: {
    /** Each run: a start with an empty cache folder, one with the cache that start left, and one after a model file changed on disk. */
    startups: Array<Omit<StartupRun, 'found'>>;
    warmStartups: Array<Omit<StartupRun, 'found'>>;
    changedStartups: Array<Omit<StartupRun, 'found'>>;
    /** Whether the starts with a cache found what the first start found. */
    laterStartsAgree: boolean;
    drift: DriftCheck;
    latency: LatencyResult;
  };
  soak?: SoakResult;
}

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

async function benchSize(size: string, o: Options, workDir: string, alembicInstalled: boolean): Promise<SizeResult> {
  const spec = SIZES[size];
  log(`[${size}] generating ${spec.tables} tables...`);
  const project = generateProject(path.join(workDir, size), spec);
  log(`[${size}] ${project.stats.revisions} revisions (${project.stats.merges} merges), ${project.stats.pythonFiles} Python files, ${(project.stats.pythonBytes / 1e6).toFixed(1)} MB, ${project.planted.length} planted drifts`);

  // CLI, cold: a fresh, empty user cache folder for every run.
  const cold: CliRun[] = [];
  for (let i = 0; i < o.runs; i++) {
    const home = fs.mkdtempSync(path.join(workDir, 'home-cold-'));
    cold.push(runCli(project.root, cacheEnv(home)));
    log(`[${size}] cli cold run ${i + 1}: ${cold[i].seconds.toFixed(2)} s`);
  }
  // CLI, warm: one shared cache folder, filled by a first run that is not counted.
  const warmHome = fs.mkdtempSync(path.join(workDir, 'home-warm-'));
  runCli(project.root, cacheEnv(warmHome));
  const warm: CliRun[] = [];
  for (let i = 0; i < o.runs; i++) warm.push(runCli(project.root, cacheEnv(warmHome)));
  log(`[${size}] cli warm runs: ${warm.map((r) => r.seconds.toFixed(2)).join(', ')} s`);
  const coldMedian = median(cold.map((r) => r.seconds));
  const warmMedian = median(warm.map((r) => r.seconds));
  // A cache is taken to exist when a second run is clearly faster (the cache is work in progress, see issue 6).
  const cached = warmMedian < 0.8 * coldMedian;
  const same = (a: CliRun, b: CliRun): boolean => JSON.stringify(a.found) === JSON.stringify(b.found);
  const driftChecks = [...cold, ...warm].map((r) => checkDrift(project.planted, r.found));
  const worst = driftChecks.reduce((a, b) => (b.missed.length > a.missed.length ? b : a));

  // CPython's ast.parse of the same files.
  const py: PythonParse[] = [];
  for (let i = 0; i < o.runs; i++) py.push(pythonParse(project.root));
  log(`[${size}] ast.parse: ${median(py.map((p) => p.parse_s)).toFixed(3)} s`);
  const ts: TreeSitterParse[] = [];
  for (let i = 0; i < o.runs; i++) ts.push(treeSitterParse(project.root));
  log(`[${size}] tree-sitter parse, both cores: ${median(ts.map((p) => p.parse_s)).toFixed(3)} s`);

  // Real Alembic (once: it is the slow reference).
  let alembic: SizeResult['alembic'];
  if (o.noAlembic) alembic = { skipped: '--no-alembic' };
  else if (!alembicInstalled) alembic = { skipped: 'python3-alembic is not installed' };
  else if (size === 'L' && !o.alembic) alembic = { skipped: 'L runs Alembic only with --alembic' };
  else {
    log(`[${size}] alembic upgrade + compare_metadata...`);
    const run = runAlembic(project.root);
    alembic = { ...run, ...checkAlembic(project.planted, run.diffs) };
    log(`[${size}] alembic: ${run.total_s.toFixed(1)} s`);
  }

  // Language server: start-ups with an empty cache, then with the cache they left (medians); keystrokes in the
  // first session.
  const startups: StartupRun[] = [];
  const warmStartups: StartupRun[] = [];
  const changedStartups: StartupRun[] = [];
  let latency: LatencyResult | undefined;
  for (let i = 0; i < o.runs; i++) {
    const home = fs.mkdtempSync(path.join(workDir, 'home-server-'));
    const { session, startup } = await startServer(project, home);
    startups.push(startup);
    if (i === 0) {
      latency = await keystrokes(session, o.edits);
      log(`[${size}] keystrokes: model p50 ${percentile(latency.model_ms, 50).toFixed(0)} ms, migration p50 ${percentile(latency.migration_ms, 50).toFixed(0)} ms`);
    }
    await session.stop();
    const warm = await startServer(project, home);
    warmStartups.push(warm.startup);
    await warm.session.stop();
    // One model file changed on disk since: the stored result no longer matches, the parse cache serves the rest.
    const touched = path.join(project.root, project.planted.find((p) => p.file.startsWith('app/'))!.file);
    const original = fs.readFileSync(touched);
    fs.appendFileSync(touched, '\n# touched\n');
    const changed = await startServer(project, home);
    fs.writeFileSync(touched, original);
    changedStartups.push(changed.startup);
    await changed.session.stop();
    log(`[${size}] server run ${i + 1}: first diagnostics after ${startup.firstDiagnostics_s.toFixed(2)} s (cache filled: ${warm.startup.firstDiagnostics_s.toFixed(2)} s, one file changed since: ${changed.startup.firstDiagnostics_s.toFixed(2)} s)`);
  }

  let soakResult: SoakResult | undefined;
  if (o.soak) {
    log(`[${size}] soak: ${o.soakEdits} edits...`);
    soakResult = await soak(project, fs.mkdtempSync(path.join(workDir, 'home-soak-')), o.soakEdits, 1000, spec.seed);
    log(`[${size}] soak: ${soakResult.samples.map((s) => s.rssMB.toFixed(0)).join(' ')} MB`);
  }

  return {
    size,
    stats: project.stats,
    plantedDrift: project.planted.length,
    cli: {
      cold_s: cold.map((r) => r.seconds),
      warm_s: cached ? warm.map((r) => r.seconds) : null,
      warmNote: cached ? 'cache present' : `n/a: a second run is not faster (${warmMedian.toFixed(2)} s vs ${coldMedian.toFixed(2)} s cold)`,
      cold_cpu_s: cold.map((r) => r.cpuSeconds ?? NaN),
      maxRssMB: cold.map((r) => r.maxRssMB ?? NaN),
      cold: worst,
      warmAgrees: cached ? warm.every((w) => same(w, cold[0])) : null,
      wroteIntoProject: [...new Set([...cold, ...warm].flatMap((r) => r.wroteIntoProject))],
    },
    python: { parse_s: median(py.map((p) => p.parse_s)), readParse_s: median(py.map((p) => p.read_s + p.parse_s)), process_s: median(py.map((p) => p.process_s)), runs: py },
    treeSitter: { parse_s: median(ts.map((p) => p.parse_s)), runs: ts },
    alembic,
    server: {
      startups: startups.map(({ found: _found, ...rest }) => rest),
      warmStartups: warmStartups.map(({ found: _found, ...rest }) => rest),
      changedStartups: changedStartups.map(({ found: _found, ...rest }) => rest),
      drift: checkDrift(project.planted, startups[0].found),
      laterStartsAgree: [...warmStartups, ...changedStartups].every((w) => JSON.stringify(w.found) === JSON.stringify(startups[0].found)),
      latency: latency!,
    },
    soak: soakResult,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Output

const s = (x: number): string => (x >= 10 ? `${x.toFixed(1)} s` : `${x.toFixed(2)} s`);
const ms = (x: number | undefined): string => (x === undefined ? '-' : `${x.toFixed(0)} ms`);
const mb = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '-' : `${x.toFixed(0)} MB`);

function table(results: SizeResult[], runs: number): string {
  const rows: Array<[string, ...string[]]> = [];
  const row = (label: string, f: (r: SizeResult) => string): void => {
    rows.push([label, ...results.map(f)]);
  };
  row('tables / revisions (merges)', (r) => `${r.stats.tables} / ${r.stats.revisions} (${r.stats.merges})`);
  row('Python files / size', (r) => `${r.stats.pythonFiles} / ${(r.stats.pythonBytes / 1e6).toFixed(1)} MB`);
  row('planted drift found: CLI', (r) => `${r.cli.cold.found}/${r.plantedDrift}`);
  row('planted drift found: server', (r) => `${r.server.drift.found}/${r.plantedDrift}`);
  row('false alarms (CLI)', (r) => String(r.cli.cold.falseAlarms.length + r.cli.cold.notes.length));
  row(`CLI check, cold (median of ${runs})`, (r) => s(median(r.cli.cold_s)));
  row('  CPU time (user + sys)', (r) => s(median(r.cli.cold_cpu_s)));
  row('CLI check, warm', (r) => (r.cli.warm_s ? s(median(r.cli.warm_s)) + (r.cli.warmAgrees ? '' : ' WRONG') : 'n/a'));
  row('CLI peak RSS', (r) => mb(median(r.cli.maxRssMB)));
  row('CPython ast.parse (parse only)', (r) => s(r.python.parse_s));
  row('CPython read + parse, process', (r) => `${s(r.python.readParse_s)}, ${s(r.python.process_s)}`);
  row('  cold check / ast.parse', (r) => `${(median(r.cli.cold_s) / r.python.parse_s).toFixed(1)}x`);
  row('tree-sitter parse only, both cores', (r) => `${s(r.treeSitter.parse_s)} = ${(r.treeSitter.parse_s / r.python.parse_s).toFixed(2)}x ast.parse`);
  row('Alembic upgrade + compare (1 run)', (r) => ('skipped' in r.alembic ? 'skipped' : s(r.alembic.total_s)));
  row('  load / upgrade / compare', (r) => ('skipped' in r.alembic ? '-' : [r.alembic.load_s, r.alembic.upgrade_s, r.alembic.compare_s].map((x) => x.toFixed(1)).join(' / ') + ' s'));
  row('  Alembic / cold check', (r) => ('skipped' in r.alembic ? '-' : `${(r.alembic.total_s / median(r.cli.cold_s)).toFixed(1)}x`));
  row('  Alembic sees the planted drift', (r) => ('skipped' in r.alembic ? '-' : `${r.plantedDrift - r.alembic.missed.length}/${r.plantedDrift}, +${r.alembic.unexplained.length} other`));
  row('server: initialize -> first diagnostics', (r) => s(median(r.server.startups.map((x) => x.firstDiagnostics_s))));
  row('  with the cache a first start left', (r) => s(median(r.server.warmStartups.map((x) => x.firstDiagnostics_s))));
  row('  the same, one file changed since', (r) => s(median(r.server.changedStartups.map((x) => x.firstDiagnostics_s))));
  row('server: RSS after index (peak so far)', (r) => `${mb(median(r.server.startups.map((x) => x.rssAfterIndexMB ?? NaN)))} (${mb(median(r.server.startups.map((x) => x.peakAfterIndexMB ?? NaN)))})`);
  row('server: RSS after keystrokes (peak)', (r) => `${mb(r.server.latency.rssAfterMB)} (${mb(r.server.latency.peakMB)})`);
  row('keystroke -> diagnostics, model p50 / p95', (r) => `${ms(percentile(r.server.latency.model_ms, 50))} / ${ms(percentile(r.server.latency.model_ms, 95))}`);
  row('keystroke -> diagnostics, migration p50 / p95', (r) => `${ms(percentile(r.server.latency.migration_ms, 50))} / ${ms(percentile(r.server.latency.migration_ms, 95))}`);
  if (results.some((r) => r.soak)) {
    row('soak: RSS every 1,000 edits', (r) => (r.soak ? r.soak.samples.map((x) => x.rssMB.toFixed(0)).join(' ') : '-'));
    row('soak: trend / flat', (r) => (r.soak ? `${r.soak.trendMB >= 0 ? '+' : ''}${r.soak.trendMB.toFixed(0)} MB / ${r.soak.flat ? 'flat' : 'GROWS'} (${r.soak.analyses} analyses, ${s(r.soak.seconds)})` : '-'));
  }
  const header: [string, ...string[]] = ['', ...results.map((r) => r.size)];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Everything that went wrong or looks wrong, one line each. */
function problems(r: SizeResult): { failures: string[]; warnings: string[] } {
  const failures: string[] = [];
  const warnings: string[] = [];
  const at = (p: { file: string; line: number }): string => `${p.file}:${p.line}`;
  for (const p of r.cli.cold.missed) failures.push(`[${r.size}] CLI missed ${p.code} ${p.table}${p.column ? `.${p.column}` : ''} (${at(p)}, ${p.how})`);
  for (const p of r.server.drift.missed) failures.push(`[${r.size}] server missed ${p.code} ${p.table}${p.column ? `.${p.column}` : ''} (${at(p)}, ${p.how})`);
  if (r.cli.warmAgrees === false) failures.push(`[${r.size}] a warm CLI run's findings differ from the cold run's`);
  if (!r.server.laterStartsAgree) failures.push(`[${r.size}] a server start with a cache found other drift than the first start`);
  for (const w of r.server.latency.wrong) failures.push(`[${r.size}] ${w}`);
  for (const f of [...r.cli.cold.falseAlarms, ...r.cli.cold.notes]) warnings.push(`[${r.size}] unexpected finding: ${f.file}:${f.line} ${f.severity} ${f.code} ${f.message}`);
  for (const e of r.cli.cold.elsewhere) warnings.push(`[${r.size}] ${e.planted.code} ${e.planted.table} planted at ${at(e.planted)} reported at ${at(e.reported)}`);
  if (r.cli.wroteIntoProject.length > 0) warnings.push(`[${r.size}] the CLI wrote into the project: ${r.cli.wroteIntoProject.slice(0, 5).join(', ')}`);
  if (!('skipped' in r.alembic)) {
    for (const p of r.alembic.missed) warnings.push(`[${r.size}] Alembic does not report planted ${p.code} ${p.table}${p.column ? `.${p.column}` : ''}`);
    for (const d of r.alembic.unexplained) warnings.push(`[${r.size}] Alembic reports ${JSON.stringify(d)}, not planted`);
  }
  return { failures, warnings };
}

async function main(): Promise<void> {
  const o = options();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-bench-'));
  const alembicInstalled = alembicAvailable();
  const load = os.loadavg();
  const results: SizeResult[] = [];
  let exitCode = 0;
  try {
    for (const size of o.sizes) results.push(await benchSize(size, o, workDir, alembicInstalled));
  } catch (e) {
    console.error(`bench: ${(e as Error).stack ?? e}`);
    exitCode = 2;
  } finally {
    if (o.keep) log(`projects kept in ${workDir}`);
    else fs.rmSync(workDir, { recursive: true, force: true });
  }
  if (results.length === 0) process.exit(exitCode || 2);

  const cpus = os.cpus();
  const machine = `${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, Node ${process.version}, load ${load.map((l) => l.toFixed(1)).join(' ')} at start, ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at end`;
  console.log(`\nAlembic Drift benchmark - ${machine}\n`);
  console.log(table(results, o.runs));
  const all = results.map(problems);
  const failures = all.flatMap((p) => p.failures);
  const warnings = all.flatMap((p) => p.warnings);
  for (const r of results) if (!r.cli.warm_s) console.log(`\n[${r.size}] warm check ${r.cli.warmNote}`);
  if (warnings.length > 0) console.log(`\n${warnings.join('\n')}`);
  if (failures.length > 0) console.log(`\nFAILED:\n${failures.join('\n')}`);
  else console.log(`\nEvery planted drift was found (${results.map((r) => `${r.size}: ${r.plantedDrift}`).join(', ')}).`);

  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus.length, model: cpus[0]?.model, node: process.version, loadavgStart: load, loadavgEnd: os.loadavg() }, options: o, results, failures, warnings }, null, 2)}\n`);
  console.log(`\nJSON: ${path.relative(process.cwd(), o.out)}`);
  process.exit(failures.length > 0 ? 1 : exitCode);
}

void main();
