// The language server's numbers: time from `initialize` to the first diagnostics, keystroke-to-diagnostics latency
// with the server's own debounce, resident memory, and a memory soak of random edits to open buffers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { LspTestClient, type Publication } from '../test/lsp/lspClient';
import type { EditTarget, GeneratedProject } from './generate';
import { cacheEnv, type Found } from './measure';

/** VmRSS and VmHWM (peak) of a process, in MB (Linux; undefined elsewhere). */
export function memoryOf(pid: number | undefined): { rssMB?: number; peakMB?: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number | undefined => {
      const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) / 1024 : undefined;
    };
    return { rssMB: kb('VmRSS'), peakMB: kb('VmHWM') };
  } catch {
    return {};
  }
}

interface Arrival {
  at: number;
  publication: Publication;
}

/** A server on a project, with every publication and analysis timed as it arrives. */
class Session {
  readonly client: LspTestClient;
  readonly arrivals: Arrival[] = [];
  private versions = new Map<string, number>();
  readonly texts = new Map<string, string>();

  constructor(
    readonly project: GeneratedProject,
    env: NodeJS.ProcessEnv,
  ) {
    this.client = new LspTestClient(project.root, undefined, env);
    this.client.process.stderr?.resume();
    this.client.onPublication((publication) => this.arrivals.push({ at: performance.now(), publication }));
  }

  /** How many analyses the server has reported. */
  get analyses(): number {
    return this.client.analyses;
  }

  /** Resolves when `check()` holds, re-checked after every message from the server. */
  until(check: () => boolean, what: string, timeoutMs = 600_000): Promise<void> {
    return this.client.until(check, what, timeoutMs);
  }

  /** Waits for the analysis that follows the events sent since `analysesBefore` was read. */
  async nextAnalysis(analysesBefore: number): Promise<void> {
    await this.until(() => this.analyses > analysesBefore, 'an analysis');
  }

  async open(file: string): Promise<void> {
    const text = fs.readFileSync(path.join(this.project.root, file), 'utf8');
    this.texts.set(file, text);
    this.versions.set(file, 1);
    await this.client.open(file, text, 1);
  }

  /** Replaces [start, end) of an open buffer (offsets in its text) by `insert`, as an editor's incremental change. */
  async edit(file: string, start: number, end: number, insert: string): Promise<void> {
    const text = this.texts.get(file)!;
    const version = this.versions.get(file)! + 1;
    this.versions.set(file, version);
    this.texts.set(file, text.slice(0, start) + insert + text.slice(end));
    await this.client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: this.client.uri(file), version },
      contentChanges: [{ range: { start: positionAt(text, start), end: positionAt(text, end) }, text: insert }],
    });
  }

  /** The latest diagnostics of every file (the server publishes every file with findings, and [] for fixed ones). */
  latest(): Map<string, Diagnostic[]> {
    const out = new Map<string, Diagnostic[]>();
    for (const a of this.arrivals) out.set(a.publication.uri, a.publication.diagnostics);
    return out;
  }

  async stop(): Promise<void> {
    await this.client.stop();
  }
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

function offsetOfLine(text: string, line1: number): number {
  let offset = 0;
  for (let l = 1; l < line1; l++) offset = text.indexOf('\n', offset) + 1;
  return offset;
}

/** Diagnostics as findings, with files relative to the project (to compare with the planted drift). */
export function foundIn(project: GeneratedProject, latest: Map<string, Diagnostic[]>): Found[] {
  const out: Found[] = [];
  const prefix = new URL(`file://${project.root}/`).toString();
  for (const [uri, diagnostics] of latest) {
    for (const d of diagnostics) {
      const data = (d.data ?? {}) as { table?: string; column?: string };
      const severity = ['', 'error', 'warning', 'information', 'hint'][d.severity ?? 1];
      out.push({ code: String(d.code), table: data.table, column: data.column, file: decodeURIComponent(uri.slice(prefix.length)), line: d.range.start.line + 1, severity, message: typeof d.message === "string" ? d.message : d.message.value });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

export interface StartupRun {
  /** From sending `initialize` to the first publishDiagnostics. */
  firstDiagnostics_s: number;
  /** From sending `initialize` to the server's "indexed" notification. */
  indexed_s: number;
  rssAfterIndexMB?: number;
  /** Peak RSS up to the end of the first index. */
  peakAfterIndexMB?: number;
  found: Found[];
}

export interface LatencyResult {
  model_ms: number[];
  migration_ms: number[];
  /** Keystrokes whose diagnostics were not what the edit should give (a wrong or stale answer). */
  wrong: string[];
  peakMB?: number;
  rssAfterMB?: number;
}

/**
 * Starts a server with its default settings (real debounce) and times the first index. Its user cache folders are
 * in `home`: a fresh folder for a cold start, one a previous server filled for a warm start.
 */
export async function startServer(project: GeneratedProject, home: string): Promise<{ session: Session; startup: StartupRun }> {
  const session = new Session(project, cacheEnv(home));
  const t0 = performance.now();
  await session.client.start({ initializationOptions: {}, timeoutMs: 600_000 });
  const indexed = performance.now();
  const first = session.arrivals[0]?.at ?? indexed;
  const memory = memoryOf(session.client.process.pid);
  return {
    session,
    startup: {
      firstDiagnostics_s: (first - t0) / 1000,
      indexed_s: (indexed - t0) / 1000,
      rssAfterIndexMB: memory.rssMB,
      peakAfterIndexMB: memory.peakMB,
      found: foundIn(project, session.latest()),
    },
  };
}

const hasTypeMismatch = (ds: Diagnostic[], t: EditTarget): boolean =>
  ds.some((d) => d.code === 'type-mismatch' && (d.data as { table?: string; column?: string } | undefined)?.table === t.table && (d.data as { column?: string }).column === t.column);

/**
 * Types one digit into a String length and deletes it again, `count` times, in a model file and in the migration
 * that creates the column: each keystroke makes a type-mismatch appear or disappear. Latency is from sending the
 * didChange to the publication that shows the new state, the server's debounce included.
 */
export async function keystrokes(session: Session, count: number): Promise<LatencyResult> {
  const target = session.project.editTargets[0];
  const result: LatencyResult = { model_ms: [], migration_ms: [], wrong: [] };
  const before = session.analyses;
  await session.open(target.modelFile);
  await session.open(target.migrationFile);
  await session.nextAnalysis(before);
  const modelUri = session.client.uri(target.modelFile);

  const typeAt = async (file: string, line: number, marker: string, samples: number[]): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const text = session.texts.get(file)!;
      const lineStart = offsetOfLine(text, line);
      const at = text.indexOf(marker, lineStart) + marker.length;
      const typing = i % 2 === 0;
      const analysesBefore = session.analyses;
      const sentAt = performance.now();
      const seen = session.arrivals.length;
      if (typing) await session.edit(file, at, at, '0');
      else await session.edit(file, at, at + 1, '');
      // The type-mismatch is reported on the model's column, whichever file was edited.
      await session.until(() => session.arrivals.slice(seen).some((a) => a.publication.uri === modelUri && hasTypeMismatch(a.publication.diagnostics, target) === typing), 'the keystroke\'s diagnostics', 120_000).catch(() => {
        result.wrong.push(`${file}: keystroke ${i + 1} (${typing ? 'typed' : 'deleted'} a digit) got no matching diagnostics`);
      });
      const answer = session.arrivals.slice(seen).find((a) => a.publication.uri === modelUri && hasTypeMismatch(a.publication.diagnostics, target) === typing);
      if (answer) samples.push(answer.at - sentAt);
      await session.nextAnalysis(analysesBefore);
    }
  };
  await typeAt(target.modelFile, target.modelLine, `String(${target.length}`, result.model_ms);
  await typeAt(target.migrationFile, target.migrationLine, `sa.String(length=${target.length}`, result.migration_ms);
  const mem = memoryOf(session.client.process.pid);
  result.peakMB = mem.peakMB;
  result.rssAfterMB = mem.rssMB;
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Memory soak

export interface SoakResult {
  edits: number;
  analyses: number;
  seconds: number;
  /** RSS after the buffers were opened (edits 0), then after every `sampleEvery` edits, each once the analysis is done. */
  samples: Array<{ edits: number; rssMB: number }>;
  peakMB?: number;
  /** Least-squares growth over the samples from the first 1,000 edits on, extrapolated over the run (MB). */
  trendMB: number;
  flat: boolean;
}

const SNIPPETS = ['x', '_', '0', ' ', '\n', '(', ')', ',', '"', "'", ':', '#', 'sa.', 'Column(', 'String(32)', 'nullable=False', 'index=True', '\n    extra_col = Column(Integer)\n', "\n    op.add_column('t', sa.Column('c', sa.Integer()))\n", '\nclass Broken(Base:\n'];

/**
 * `edits` random edits (insertions, deletions, line replacements, and now and then the original text back) to a few
 * open model files and migrations, in bursts of 1-20 keystrokes; each burst waits for the analysis it triggers (the
 * server's real debounce). RSS is sampled every `sampleEvery` edits.
 */
export async function soak(project: GeneratedProject, home: string, edits: number, sampleEvery: number, seed: number): Promise<SoakResult> {
  let state = seed;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

  const { session } = await startServer(project, home);
  const pid = session.client.process.pid;
  const models = [...new Set(project.planted.map((p) => p.file).filter((f) => f.startsWith('app/')))].slice(0, 3);
  const migrations = [...new Set(project.editTargets.map((t) => t.migrationFile))].slice(0, 3);
  const files = [...models, ...migrations];
  const originals = new Map<string, string>();
  const before = session.analyses;
  for (const f of files) {
    await session.open(f);
    originals.set(f, session.texts.get(f)!);
  }
  await session.nextAnalysis(before);

  const samples = [{ edits: 0, rssMB: memoryOf(pid).rssMB ?? 0 }];
  const start = performance.now();
  const analysesAtStart = session.analyses;
  let done = 0;
  while (done < edits) {
    const burst = Math.min(int(1, 20), sampleEvery - (done % sampleEvery), edits - done);
    const analysesBefore = session.analyses;
    for (let k = 0; k < burst; k++) {
      const file = files[int(0, files.length - 1)];
      const text = session.texts.get(file)!;
      const r = random();
      if (r < 0.05) await session.edit(file, 0, text.length, originals.get(file)!);
      else if (r < 0.55) {
        const at = int(0, text.length);
        await session.edit(file, at, at, SNIPPETS[int(0, SNIPPETS.length - 1)]);
      } else if (r < 0.9 && text.length > 0) {
        const at = int(0, text.length - 1);
        await session.edit(file, at, Math.min(text.length, at + int(1, 20)), '');
      } else {
        const at = text.lastIndexOf('\n', int(0, text.length)) + 1;
        const end = text.indexOf('\n', at);
        await session.edit(file, at, end === -1 ? text.length : end, SNIPPETS[int(0, SNIPPETS.length - 1)].trim());
      }
      done++;
    }
    await session.nextAnalysis(analysesBefore);
    if (done % sampleEvery === 0) samples.push({ edits: done, rssMB: memoryOf(pid).rssMB ?? 0 });
  }
  const seconds = (performance.now() - start) / 1000;
  const analyses = session.analyses - analysesAtStart;
  const peakMB = memoryOf(pid).peakMB;
  await session.stop();

  // Flat: the trend over the samples after warm-up (from the first sample point on) grows less than 5% of the RSS
  // there, or less than 10 MB, over the whole run.
  const points = samples.filter((s) => s.edits >= sampleEvery);
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.edits, 0) / n;
  const my = points.reduce((a, p) => a + p.rssMB, 0) / n;
  const slope = points.reduce((a, p) => a + (p.edits - mx) * (p.rssMB - my), 0) / (points.reduce((a, p) => a + (p.edits - mx) ** 2, 0) || 1);
  const trendMB = slope * (points[n - 1].edits - points[0].edits);
  return { edits, analyses, seconds, samples, peakMB, trendMB, flat: trendMB < Math.max(10, 0.05 * points[0].rssMB) };
}
