import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ParsedText, ParseOptions, ParserWasm, PythonParser, SplitPythonParser } from '../core/python/parser';
import type { ModuleSyntax } from '../core/python/syntax';
import type { Project } from '../core/project';
import type { Settings } from '../core/config/settings';
import type { ParseCache } from './parseCache';
import { boardBytes, CLAIMED_BY_MAIN, claimIndex, FREE, READY_COUNT, type HelperResult, type HelperStart, type HelperTexts } from './parseAheadProtocol';

/** Below this much text to parse, a second thread costs more than it saves. */
export const PARSE_AHEAD_MIN_CHARS = 400_000;
/** How long the main thread waits for a text the helper has claimed before parsing it itself. */
const GIVE_UP_MS = 2000;

/**
 * A worker thread that parses Python texts for this one. Start it as early as possible (it loads tree-sitter
 * meanwhile), `share` the texts once they are known, `stop` it when the analysis is done.
 */
export class ParseHelper {
  /** Settles once the helper has loaded tree-sitter (true), or failed to (false). */
  readonly ready: Promise<boolean>;
  /** How many texts the helper's readings served so far, over all shares. */
  helped = 0;
  /** The result ports of the shares so far (closed by `stop`). */
  private readonly resultPorts: MessagePort[] = [];

  private constructor(
    private readonly worker: Worker | undefined,
    private readonly port: MessagePort,
  ) {
    this.ready = worker
      ? new Promise((resolve) => {
          worker.once('message', () => resolve(true));
          worker.once('error', () => resolve(false));
          worker.once('exit', () => resolve(false));
        })
      : Promise.resolve(false);
  }

  /** Starts the helper thread; if it cannot start, `share` leaves all the parsing to this thread. */
  static start(wasm?: ParserWasm, workerFile = path.join(__dirname, 'parseWorker.js')): ParseHelper {
    const { port1, port2 } = new MessageChannel();
    let worker: Worker | undefined;
    try {
      worker = new Worker(workerFile, { workerData: { wasm, port: port2 } satisfies HelperStart, transferList: [port2] });
      worker.unref();
      // A helper that fails leaves what it claimed: the main thread gives up waiting and parses those texts itself.
      worker.on('error', () => undefined);
    } catch {
      worker = undefined;
    }
    return new ParseHelper(worker, port1);
  }

  /**
   * A parser that shares `texts` with the helper: the helper reads them into flat trees in order, from the first;
   * the returned parser converts each one the helper has read (its arrays handed over without a copy), parses itself
   * a text nobody has claimed yet, and while it waits for the helper, reads unclaimed texts from the end of the list.
   * Each text is parsed once, whatever order the analysis asks in (again only when asked twice, or when the helper sent
   * nothing for GIVE_UP_MS); texts not in the list are parsed here. Without a helper thread, `parser` itself.
   */
  share(parser: SplitPythonParser, texts: string[]): PythonParser {
    if (!this.worker) return parser;
    const index = new Map<string, number>();
    const unique: string[] = [];
    for (const text of texts) {
      if (index.has(text)) continue;
      index.set(text, unique.length);
      unique.push(text);
    }
    const shared = new SharedArrayBuffer(boardBytes(unique.length));
    const board = new Int32Array(shared);
    // Each share has its own port for results: the helper may still be sending another share's.
    const { port1: results, port2 } = new MessageChannel();
    this.resultPorts.push(results);
    this.port.postMessage({ texts: unique, shared, port: port2 } satisfies HelperTexts, [port2]);

    /** What the helper read (undefined where reading threw), and what this thread read ahead while it waited. */
    const helperReadings = new Map<number, ParsedText | undefined>();
    const ownReadings = new Map<number, ParsedText>();
    const used = new Set<number>();
    let awaited = -1;
    let back = unique.length - 1;
    const claim = (i: number): boolean => Atomics.compareExchange(board, claimIndex(i), FREE, CLAIMED_BY_MAIN) === FREE;
    const drain = (): void => {
      for (let m = receiveMessageOnPort(results); m; m = receiveMessageOnPort(results)) {
        const r = m.message as HelperResult;
        // A reading that comes after this thread gave up on it is dropped.
        if (r.index === awaited || !used.has(r.index)) helperReadings.set(r.index, r.parsed);
      }
    };
    /** Reads one unclaimed text from the end of the list (after `i`); false when there is none left. */
    const readFromBack = (i: number): boolean => {
      while (back > i && Atomics.load(board, claimIndex(back)) !== FREE) back--;
      if (back <= i || !claim(back)) return false;
      ownReadings.set(back, parser.read(unique[back], { detach: true }));
      back--;
      return true;
    };
    /** The reading of text `i` the helper claimed; undefined when the helper failed, or sent nothing for too long. */
    const awaitHelper = (i: number): ParsedText | undefined => {
      awaited = i;
      let progress = Atomics.load(board, READY_COUNT);
      let deadline = performance.now() + GIVE_UP_MS;
      for (;;) {
        const seen = Atomics.load(board, READY_COUNT);
        if (seen !== progress) {
          progress = seen;
          deadline = performance.now() + GIVE_UP_MS;
        }
        drain();
        if (helperReadings.has(i)) return helperReadings.get(i);
        if (readFromBack(i)) continue;
        const left = deadline - performance.now();
        if (left <= 0) return undefined;
        Atomics.wait(board, READY_COUNT, seen, Math.min(left, 50));
      }
    };
    return {
      parseModule: (text: string, options?: ParseOptions): ModuleSyntax => {
        const i = index.get(text);
        if (i === undefined || used.has(i) || options?.whole) return parser.parseModule(text, options);
        used.add(i);
        const own = ownReadings.get(i);
        ownReadings.delete(i);
        if (own) return parser.convert(text, own);
        if (claim(i)) return parser.parseModule(text);
        const parsed = awaitHelper(i);
        awaited = -1;
        helperReadings.delete(i);
        if (!parsed) return parser.parseModule(text);
        this.helped++;
        return parser.convert(text, parsed);
      },
    };
  }

  /** Ends the helper thread. */
  async stop(): Promise<void> {
    for (const port of this.resultPorts) port.close();
    this.port.close();
    await this.worker?.terminate();
  }
}

/**
 * The texts a first analysis of `project` will parse (its parse plan, less what `cache` holds), when they are worth a
 * helper thread (at least `minChars` of them); else undefined.
 */
export function textsToParseAhead(project: Project, settings: Settings, cache: ParseCache | undefined, minChars = PARSE_AHEAD_MIN_CHARS): string[] | undefined {
  const planned = project.parsePlan(settings).map((f) => project.getText(f)!);
  const texts = cache ? cache.uncached(planned) : planned;
  let chars = 0;
  for (const t of texts) chars += t.length;
  return texts.length > 0 && chars >= minChars ? texts : undefined;
}

/**
 * The parser of one project folder: tree-sitter on this thread, or, while a first analysis runs, shared with a
 * helper thread for the texts that analysis is about to parse. Made before tree-sitter is loaded (the project it
 * serves says what it will parse, which decides whether to start a helper), and given tree-sitter with `use`; texts
 * may be shared before that, so that the helper starts on them while this thread loads tree-sitter.
 */
export class FolderParser implements PythonParser {
  private base: SplitPythonParser | undefined;
  private shared: PythonParser | undefined;
  /** The base parser as it is when called: a share made before `use` reads with the parser `use` gives. */
  private readonly baseWhenCalled: SplitPythonParser = {
    parseModule: (text, options) => this.baseParser().parseModule(text, options),
    read: (text, options) => this.baseParser().read(text, options),
    convert: (text, parsed, options) => this.baseParser().convert(text, parsed, options),
  };

  /** Parses with `base` from now on (through the helper for the texts shared with it). */
  use(base: SplitPythonParser): void {
    this.base = base;
  }

  /** Parses a text, with the helper's reading of it when it has one. */
  parseModule(text: string, options?: ParseOptions): ModuleSyntax {
    return (this.shared ?? this.baseParser()).parseModule(text, options);
  }

  /** Shares `texts` with `helper` from now on; they are sent at once. */
  shareWith(helper: ParseHelper, texts: string[]): void {
    this.shared = helper.share(this.baseWhenCalled, texts);
  }

  /** Parses everything on this thread again. */
  alone(): void {
    this.shared = undefined;
  }

  private baseParser(): SplitPythonParser {
    if (!this.base) throw new Error('FolderParser: no parser yet (use() comes first)');
    return this.base;
  }
}
