import picomatch from 'picomatch';
import { moduleDowngrade, type PythonParser } from './python/parser';
import type { ModuleSyntax } from './python/syntax';
import { Resolver, type DefStmt, type ModuleSource } from './python/resolve';
import { makeFinding, sortFindings, type Finding } from './findings';
import { tableKey, type Schema, type TableDef } from './schema/schema';
import { ModelGroups } from './models/modelGroups';
import { extractRevision, type RevisionInfo } from './migrations/revisions';
import { buildRevisionGraph, type RevisionGraph } from './migrations/graph';
import { findEnvironmentCopies, isBackupFolder, isTestFolder, joinLinkedFolders } from './migrations/detachedTrees';
import type { ReplayResult, RevisionSteps } from './migrations/replay';
import { laterChangesByOthers, withBaselineMakers } from './migrations/apply';
import { ReplayGroups } from './migrations/replayGroups';
import { supersededLineages } from './migrations/supersededLineages';
import { interpretUpgrade, type OpStep } from './migrations/interpret';
import { FileMemo, FileReads, InputsMemo, TextsMemo } from './memo';
import type { ModelSchema } from './models/extractModels';
import { diffSchemas, type SchemaChange, type TablePairMemo } from './diff/diffSchemas';
import { dialectOfUrl, dirname, discoverEnvironments, isInVersionLocation, joinPath, normalizePath, type AlembicEnvironment } from './config/environments';
import { defaultSettings, type Settings } from './config/settings';
import { applyBaselineSetting } from './config/baseline';
import { applyIncludeObjectRules, readIncludeObjectRules, type ConfigOption, type ExcludeRule } from './config/includeObject';
import { parseIni, prependSysPaths } from './config/alembicIni';
import { unknownDialectNote } from './diff/unknownDialect';
import { applyCompareOptions, readCompareOptions, settleByRequirements, type CompareOptions } from './config/compareOptions';
import { loadedModuleFiles, readTargetConvention, readTargetMetadata, readTargetMetadataSource } from './config/targetMetadata';
import { pydanticOne } from './config/packageRequirements';
import { isRequirementsFile, requirementsFolderOf } from './config/requirementsFile';
import { noModelsNote, type TargetMetadataSource } from './diff/noModels';
import { projectConvention, type NamingConvention } from './models/naming';
import { isLibraryFile, LIBRARY_IMPORT_HINT, libraryModuleFile, libraryModuleText } from './models/libraryModels';

/** One environment's analysis: its revision graph, the schema at its head(s) and the models compared with it. */
export interface EnvironmentAnalysis {
  env: AlembicEnvironment;
  graph: RevisionGraph;
  /** The graph's heads (a new revision follows them). */
  heads: string[];
  /** The revisions the schema compared is at: the heads, and where detached trees run after them, those trees' heads. */
  schemaHeads: string[];
  schema: Schema;
  models: TableDef[];
  /** The models' tables that could not be compared with the migrations (an op the notes name may have made them). */
  uncompared: TableDef[];
  /** What its env.py asks autogenerate for: what to compare (server defaults, types), whether to render batch ops. */
  compare: CompareOptions;
  /** What differs, each change with its finding; changes whose finding was ignored are left out. */
  changes: SchemaChange[];
  /**
   * The files with a syntax error, or not read at all, among the models and revisions (their parse-error findings):
   * what they describe is missing from `changes`' view, so a revision written now could drop or re-create it.
   */
  unreadFiles: Finding[];
  /**
   * Revision trees outside its version folders, replayed after its head (neutron's `versions/<release>/expand` and
   * `contract`, which the project's own tooling adds to Alembic's version locations).
   */
  detached: RevisionGraph[];
  /** The database its history runs on: the dialect, else what the ops show (PostgreSQL's own types, MySQL's options). */
  database?: string;
}

/** Everything `analyze()` found. */
export interface Analysis {
  environments: EnvironmentAnalysis[];
  findings: Finding[];
  /** Model classes and tables read, for summaries. */
  modelCount: number;
  revisionCount: number;
}

interface FileEntry {
  text: string;
  syntax?: ModuleSyntax;
  /** For an editor buffer: its last syntax without errors, used while the text is broken mid-edit. */
  lastGood?: ModuleSyntax;
  /** The last good syntax with this text's errors: what the analysis reads while the buffer is broken. */
  patched?: ModuleSyntax;
  keepLastGood?: boolean;
  /** Whether the text assigns `down_revision` (only such files can be revisions). */
  revisionLike: boolean;
  /** Whether the text calls `Migrate(` (only such files are read for Flask-Migrate's compare options). */
  migrateLike: boolean;
  /** Whether the text names `naming_convention` (only such files are read for the project's one convention). */
  namesConvention: boolean;
  /** Whether the file, outside a test suite, names SQLAlchemy and a column or table form (only such files are read for models). */
  modelLike?: boolean;
  /** The syntax errors and suppression comments of the text, kept when its syntax is let go (`releaseSyntax`). */
  notes?: Pick<ModuleSyntax, 'errors' | 'ignores'>;
  /** Its module-level downgrade(), which `syntax` leaves out, once asked for (null: it has none). */
  downgrade?: DefStmt | null;
}

/** The migrations' side of an analysis: environments, revisions, and the schema each history leaves. */
interface History {
  envs: AlembicEnvironment[];
  /** Each revision by its file, in the order they were read. */
  revisionFiles: Map<string, RevisionInfo>;
  replays: HistoryReplay[];
  /** What reading the environments, revisions and graphs found (the replays' findings are in each replay). */
  findings: Finding[];
  /** The `historyEpoch` it was read at, and the settings it was read with. */
  epoch: number;
  settingsKey: string;
}

/** One environment's history replayed: the revisions' ops in replay order (with the file of each) and what they leave. */
interface HistoryReplay {
  env: AlembicEnvironment;
  graph: RevisionGraph;
  /** The graph's heads less those of lineages another takes over from (see `supersededLineages`). */
  heads: string[];
  /** The graph has several lineages: an edit to a revision may change which one takes over from another. */
  lineages: boolean;
  dialect?: string;
  steps: RevisionSteps[];
  stepFiles: string[];
  /** The naming convention of env.py's target_metadata, which the replay named what the ops made by. */
  convention: NamingConvention;
  replay: ReplayResult;
  /** The detached trees replayed after the head. */
  detached: RevisionGraph[];
}

/** What one analysis reuses from the previous ones: per-file results while the files they read are unchanged. */
class AnalysisMemos {
  readonly reads = new FileReads();
  readonly revisions: FileMemo<RevisionInfo | undefined>;
  readonly steps: FileMemo<OpStep[]>;
  readonly models: FileMemo<ModelSchema>;
  readonly includeRules: FileMemo<ExcludeRule[]>;
  readonly compareOptions: FileMemo<CompareOptions>;
  readonly targetMetadata: FileMemo<string[] | undefined>;
  readonly targetConvention: FileMemo<NamingConvention | undefined>;
  readonly targetSource: FileMemo<TargetMetadataSource | undefined>;
  /** Per env.py, the project modules it loads (see `loadedModuleFiles`). */
  readonly loadedModules: FileMemo<Set<string>>;
  readonly graphs = new InputsMemo<RevisionGraph>();
  readonly environments = new TextsMemo<AlembicEnvironment[]>();
  readonly replays = new ReplayGroups();
  readonly modelGroups = new ModelGroups();
  /** Per pair of tables: the diff's changes (entries go with the model tables). */
  tablePairs: TablePairMemo = new WeakMap();
  /** The resolver, kept while the list of files it indexes is the same (`Project` keeps the list while no path comes or goes). */
  resolver?: { files: readonly string[]; resolver: Resolver };
  /** The last history read, valid while `historyEpoch` has not moved since. */
  history?: History;
  /** Moves whenever a change may alter the history: a revision, a file a revision read, a config. */
  historyEpoch = 0;
  /**
   * Revisions edited since the history was read whose change forgot nothing but their own metadata and ops (an
   * edit inside a revision, as typing makes): the history is brought up to date by replaying their ops again, without
   * reading it anew, unless their metadata turns out to have changed.
   */
  readonly editedRevisions = new Set<string>();

  constructor() {
    this.revisions = new FileMemo(this.reads);
    this.steps = new FileMemo(this.reads);
    this.models = new FileMemo(this.reads);
    this.includeRules = new FileMemo(this.reads);
    this.compareOptions = new FileMemo(this.reads);
    this.targetMetadata = new FileMemo(this.reads);
    this.targetConvention = new FileMemo(this.reads);
    this.targetSource = new FileMemo(this.reads);
    this.loadedModules = new FileMemo(this.reads);
  }

  /**
   * Forgets what was computed from a file whose text changed (or that was added or removed). `change` says what the
   * file is: a config or a file that is or was a revision while the other text is not (`history`: the history must be
   * read again even if nothing read it), a revision before and after (`revision`: if nothing but its own results read
   * it, the history is brought up to date instead of read anew), or anything else (`other`).
   */
  invalidate(file: string, change: 'history' | 'revision' | 'other'): void {
    const forgot = [...this.revisions.invalidate(file), ...this.steps.invalidate(file)];
    this.models.invalidate(file);
    this.includeRules.invalidate(file);
    this.compareOptions.invalidate(file);
    this.targetMetadata.invalidate(file);
    this.targetConvention.invalidate(file);
    this.targetSource.invalidate(file);
    this.loadedModules.invalidate(file);
    const own = (key: string): boolean => key === file || key.startsWith(`${file}\0`);
    if (change === 'revision' && forgot.every(own)) this.editedRevisions.add(file);
    else if (change !== 'other' || forgot.length > 0) this.historyEpoch++;
  }

  /** The resolver over these files: the previous one when the files are the same list, else a new one (and no memo). */
  resolverFor(files: readonly string[], source: ModuleSource): Resolver {
    if (this.resolver?.files !== files) {
      this.clear();
      this.resolver = { files, resolver: new Resolver(source) };
    }
    return this.resolver.resolver;
  }

  /** Forgets what the last analysis did not use (the history's memos only when it read the history). */
  sweep(historyRead: boolean): void {
    for (const m of historyRead ? [this.revisions, this.steps, this.graphs, this.replays] : []) m.sweep();
    for (const m of [this.models, this.includeRules, this.compareOptions, this.targetMetadata, this.targetConvention, this.targetSource, this.loadedModules]) m.sweep();
  }

  private clear(): void {
    this.historyEpoch++;
    this.editedRevisions.clear();
    this.modelGroups.clear();
    this.environments.clear();
    this.tablePairs = new WeakMap();
    for (const m of [this.revisions, this.steps, this.models, this.includeRules, this.compareOptions, this.targetMetadata, this.targetConvention, this.targetSource, this.loadedModules, this.graphs, this.replays]) m.clear();
  }
}

/** A folder a project is installed or run from: where its packaging files or alembic.ini lie. */
const IMPORT_ROOT_FILE = /(^|\/)(setup\.py|pyproject\.toml|alembic\.ini)$/;

/**
 * The folders that packaging files or an alembic.ini put on `sys.path` (the project's own folder aside): theirs, and
 * those an alembic.ini's `prepend_sys_path` names.
 */
function importRootsOf(files: readonly string[], readText: (file: string) => string | undefined): Set<string> {
  const roots = new Set(files.filter((f) => IMPORT_ROOT_FILE.test(f) && f.includes('/')).map(dirname));
  for (const f of files) {
    if (!f.endsWith('.ini')) continue;
    for (const dir of prependSysPaths(readText(f) ?? '')) {
      const root = joinPath(dirname(f), dir);
      if (root) roots.add(root);
    }
  }
  return roots;
}

/** A file of a test suite: under a `tests` or `test` folder, or a pytest `conftest.py`. */
const TEST_FILE = /(^|\/)(tests?\/|conftest\.py$)/;
/** A file can declare models only if it names SQLAlchemy (or a wrapper) and a column or table form. */
const MODEL_LIBRARY_HINT = /sqlalchemy|sqlmodel|\bdb\.|declarative|Base\b/;
const MODEL_FORM_HINT = /Column\s*\(|mapped_column|Mapped\[|Field\s*\(|Table\s*\(|__tablename__|__table__|\.Model\b|SQLModel|declared_attr/;
/** A class that names its table: a model, also where every name comes from the project's own base module (funnel). */
const TABLE_NAME_HINT = /\b__tablename__\s*(?::[^=\n]*)?=/;

/**
 * The project as the engine sees it: file texts set by an adapter (disk, editor buffers), parsed lazily and cached
 * until their text changes, and analysed on demand. Holds no tree-sitter trees.
 */
export class Project {
  private readonly files = new Map<string, FileEntry>();
  /** The syntax of the library modules read so far (their texts never change). */
  private readonly librarySyntaxes = new Map<string, ModuleSyntax>();
  private readonly unreadable = new Map<string, string>();
  private readonly memos = new AnalysisMemos();
  private lists?: { excludeKey: string; allFiles: string[]; pyFiles: string[]; importRoots: Set<string>; requirements: Map<string, string[]> };

  /**
   * A project read by `parser`; `packageName` is the dotted name its folder is imported by when it is itself a
   * package (`nova.db.main` for a check run in nova/db/main, every folder up to nova/ holding an `__init__.py`), by
   * which its modules import each other.
   */
  constructor(
    private readonly parser: PythonParser,
    private readonly options: { packageName?: string } = {},
  ) {}

  /**
   * Sets (or replaces) the text of a project file; `path` is relative POSIX. With `keepLastGood` (an editor buffer
   * being typed in), a text that does not parse cleanly is read as its last clean version, so findings do not
   * flicker off and on while the user types; its syntax error is still reported.
   */
  setFile(path: string, text: string, options: { keepLastGood?: boolean } = {}): void {
    const existing = this.files.get(path);
    if (existing && existing.text === text) return;
    const lastGood = options.keepLastGood ? (existing?.syntax && existing.syntax.errors.length === 0 ? existing.syntax : existing?.lastGood) : undefined;
    const entry: FileEntry = { text, lastGood, keepLastGood: options.keepLastGood, revisionLike: text.includes('down_revision'), migrateLike: text.includes('Migrate('), namesConvention: text.includes('naming_convention') };
    // The folders an alembic.ini puts on sys.path decide what the project's imports name: the resolver is made anew.
    if (!existing || (path.endsWith('.ini') && prependSysPaths(existing.text).join('\n') !== prependSysPaths(text).join('\n'))) this.lists = undefined;
    this.files.set(path, entry);
    // A file with a text has been read (one too large before may have shrunk).
    this.unreadable.delete(path);
    const history = touchesHistory(path, existing) || touchesHistory(path, entry);
    this.memos.invalidate(path, !history ? 'other' : existing?.revisionLike && entry.revisionLike && !path.endsWith('env.py') ? 'revision' : 'history');
    // NOTE: a file that starts calling `Migrate(` was never read for the compare options: nothing else forgets them.
    if (existing && existing.migrateLike !== entry.migrateLike) this.memos.compareOptions.clear();
  }

  /** Forgets a file (deleted on disk, or closed and gone). */
  removeFile(path: string): void {
    if (this.files.delete(path)) this.lists = undefined;
    this.memos.invalidate(path, 'history');
    this.unreadable.delete(path);
  }

  /** The files noted as not read, each with why. */
  unreadableFiles(): ReadonlyMap<string, string> {
    return new Map(this.unreadable);
  }

  /** Records a file the adapter could not or would not read (too large, unreadable), to say so once. */
  noteUnreadable(path: string, reason: string): void {
    this.unreadable.set(path, reason);
  }

  /** The text the project holds for a file. */
  getText(path: string): string | undefined {
    return this.files.get(path)?.text;
  }

  /**
   * The files analysed (all but the excluded, sorted) and the Python ones among them: the same arrays while no path
   * comes or goes, which is what lets the resolver and the environments be kept across edits.
   */
  private fileLists(exclude: string[]): { allFiles: string[]; pyFiles: string[]; importRoots: Set<string>; requirements: Map<string, string[]> } {
    const excludeKey = exclude.join('\n');
    if (this.lists?.excludeKey !== excludeKey) {
      const excluded = exclude.length > 0 ? picomatch(exclude, { dot: true }) : undefined;
      const allFiles = [...this.files.keys()].filter((f) => !excluded?.(f)).sort();
      this.lists = { excludeKey, allFiles, pyFiles: allFiles.filter((f) => f.endsWith('.py')), importRoots: importRootsOf(allFiles, (f) => this.files.get(f)?.text), requirements: requirementsByFolder(allFiles) };
    }
    return this.lists;
  }

  /** The paths the project holds. */
  paths(): string[] {
    return [...this.files.keys()];
  }

  /** The parsed syntax of a project Python file (parsed once per text). */
  syntax(path: string): ModuleSyntax | undefined {
    const entry = this.files.get(path);
    if (!entry || !path.endsWith('.py')) return undefined;
    if (!entry.syntax) {
      entry.syntax = this.parser.parseModule(entry.text);
      entry.notes = { errors: entry.syntax.errors, ignores: entry.syntax.ignores };
    }
    if (entry.syntax.errors.length > 0 && entry.lastGood) return (entry.patched ??= { ...entry.lastGood, errors: entry.syntax.errors });
    return entry.syntax;
  }

  /**
   * A project file's module-level `downgrade()` (the last one, as Python binds it), read from its whole text; none when
   * that text does not parse (Python would not import it).
   */
  private downgradeOf(path: string): DefStmt | undefined {
    const entry = this.files.get(path);
    if (!entry || !path.endsWith('.py')) return undefined;
    if (entry.downgrade === undefined) entry.downgrade = moduleDowngrade(this.parser, entry.text) ?? null;
    return entry.downgrade ?? undefined;
  }

  /** The parsed syntax of a library module Alembic Drift describes (parsed once). */
  private librarySyntax(file: string): ModuleSyntax | undefined {
    let syntax = this.librarySyntaxes.get(file);
    const text = syntax ? undefined : libraryModuleText(file);
    if (text !== undefined) this.librarySyntaxes.set(file, (syntax = this.parser.parseModule(text)));
    return syntax;
  }

  /**
   * Whether an analysis reads some editor buffer as its last clean version (its text does not parse cleanly now):
   * what it finds then is not what a reading of the same texts from disk finds.
   */
  readsLastGood(): boolean {
    for (const entry of this.files.values()) if (entry.lastGood && entry.syntax && entry.syntax.errors.length > 0) return true;
    return false;
  }

  /**
   * Lets go of the parsed syntax of every file but editor buffers (`keepLastGood`): what the analysis derived from
   * them is remembered, and a file is parsed again only if something must read it again. Keeps a long-lived
   * editor session's memory near the size of the project's facts rather than of its syntax.
   */
  releaseSyntax(): void {
    for (const entry of this.files.values()) {
      if (entry.keepLastGood) continue;
      entry.syntax = undefined;
      entry.patched = undefined;
      entry.downgrade = undefined;
    }
  }

  /** A file's syntax errors and suppression comments, without parsing it again when they are known. */
  private notes(path: string): Pick<ModuleSyntax, 'errors' | 'ignores'> | undefined {
    const entry = this.files.get(path);
    if (!entry || !path.endsWith('.py')) return undefined;
    if (!entry.notes) this.syntax(path);
    return entry.notes;
  }

  /**
   * Whether a Python file that was not read may hold models, judged by its path alone: the `models` setting's globs,
   * or a `models` folder or `models.py`; never an excluded file.
   */
  private unreadModelTest(settings: Settings): (path: string) => boolean {
    const excluded = settings.exclude.length > 0 ? picomatch(settings.exclude, { dot: true }) : undefined;
    const models = settings.models.length > 0 ? picomatch(settings.models, { dot: true }) : undefined;
    return (f) => f.endsWith('.py') && !excluded?.(f) && (models ? models(f) : /(^|\/)models(\/|\.py$)/.test(f));
  }

  /** The files that say what the project requires, of the nearest folder at or above a file's that has any. */
  private nearestRequirements(file: string, byFolder: Map<string, string[]>): Array<{ path: string; text: string }> {
    const parts = file.split('/').slice(0, -1);
    for (let n = parts.length; n >= 0; n--) {
      const found = byFolder.get(parts.slice(0, n).join('/'));
      if (found) return found.map((path) => ({ path, text: this.files.get(path)!.text }));
    }
    return [];
  }

  /** Whether a Python file (not a revision, not env.py) is read for models: matched by the setting, else by its text. */
  private modelFileTest(settings: Settings): (path: string) => boolean {
    const modelMatcher = settings.models.length > 0 ? picomatch(settings.models, { dot: true }) : undefined;
    if (modelMatcher) return modelMatcher;
    return (f) => {
      const entry = this.files.get(f)!;
      // A test suite's throwaway models (`tests/test_fixtures.py`) are no part of what env.py compares.
      entry.modelLike ??= !TEST_FILE.test(f) && ((MODEL_LIBRARY_HINT.test(entry.text) && MODEL_FORM_HINT.test(entry.text)) || TABLE_NAME_HINT.test(entry.text) || LIBRARY_IMPORT_HINT.test(entry.text));
      return entry.modelLike;
    };
  }

  /**
   * The Python files an analysis will parse and has not parsed yet, in about the order it parses them (revisions,
   * then models): what a parser can work on ahead, on another thread. Files reached only through imports are left out.
   */
  parsePlan(settings: Settings = defaultSettings()): string[] {
    const { pyFiles } = this.fileLists(settings.exclude);
    const isModelFile = this.modelFileTest(settings);
    const unparsed = pyFiles.filter((f) => !this.files.get(f)!.notes);
    const revisions = unparsed.filter((f) => this.files.get(f)!.revisionLike);
    const models = unparsed.filter((f) => !this.files.get(f)!.revisionLike && f !== 'env.py' && !f.endsWith('/env.py') && isModelFile(f));
    return [...revisions, ...models];
  }

  /** Reads every environment's revisions and every model, replays, diffs, and returns the findings. */
  analyze(settings: Settings = defaultSettings()): Analysis {
    const steps = this.analysisSteps(settings);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /** The dotted name the project's folder is imported by, when it is one Python could import. */
  private dottedPackageName(): string | undefined {
    const name = this.options.packageName;
    return name && /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(name) ? name : undefined;
  }

  /**
   * `analyze()` in small steps: it yields after each unit of work (a file parsed, a revision read or interpreted, an
   * environment compared), so that an editor can answer requests in between, or drop a run that an edit made stale;
   * the units finished are remembered for the next run.
   */
  *analysisSteps(settings: Settings = defaultSettings()): Generator<void, Analysis> {
    const { allFiles, pyFiles, importRoots, requirements } = this.fileLists(settings.exclude);
    const memos = this.memos;
    const source: ModuleSource = {
      files: () => pyFiles,
      syntax: (f) => {
        if (isLibraryFile(f)) return this.librarySyntax(f);
        memos.reads.read(f);
        return this.syntax(f);
      },
      downgrade: (f) => {
        memos.reads.read(f);
        return this.downgradeOf(f);
      },
      libraryModule: libraryModuleFile,
      importRoots,
      rootPackage: this.files.has('__init__.py') && this.dottedPackageName() ? this.dottedPackageName() : undefined,
      ownPackage: this.dottedPackageName() && (this.files.has('__init__.py') || this.dottedPackageName()!.includes('.')) ? this.dottedPackageName()!.split('.')[0] : undefined,
    };
    const resolver = memos.resolverFor(pyFiles, source);
    const findings: Finding[] = [];

    const settingsKey = JSON.stringify(settings);
    const known = memos.history;
    let historyRead = !known || known.epoch !== memos.historyEpoch || known.settingsKey !== settingsKey;
    let history = known && !historyRead && memos.editedRevisions.size > 0 ? this.updateHistory(known, resolver) : known;
    memos.editedRevisions.clear();
    if (!history || historyRead) {
      historyRead = true;
      const epoch = memos.historyEpoch;
      history = { ...(yield* this.readHistory(settings, allFiles, pyFiles, resolver)), epoch, settingsKey };
    }
    // A model edit that changes the naming convention (and nothing the revisions read) names the ops' constraints anew.
    history = { ...history, replays: history.replays.map((r) => this.withConvention(r, resolver)) };
    memos.history = history;
    const { envs, revisionFiles, replays } = history;
    findings.push(...history.findings);
    const histories = replays.map((r) => ({ envName: r.env.name, replay: r.replay }));
    const allReplays = replays.map((r) => r.replay);
    for (const h of histories) findings.push(...withBaselineMakers(h, histories));

    const scriptFolders = envs.map((e) => e.scriptLocation);
    const isModelFile = this.modelFileTest(settings);
    // Other modules of a script folder are the migrations' own helpers (frozen copies of models for data migrations),
    // never the models env.py compares, unless the models setting names them.
    const migrationHelper = (f: string): boolean => settings.models.length === 0 && scriptFolders.some((d) => d !== '' && f.startsWith(`${d}/`));
    const modelFiles = pyFiles.filter((f) => !revisionFiles.has(f) && !scriptFolders.some((d) => f === `${d ? `${d}/` : ''}env.py`) && !migrationHelper(f) && isModelFile(f));
    // Parsed one by one (so that a first index answers requests in between); not again once read.
    for (const file of modelFiles) {
      if (this.files.get(file)!.notes) continue;
      this.syntax(file);
      yield;
    }
    const models = memos.modelGroups.read({ resolver, files: modelFiles, memo: memos.models });
    findings.push(...models.findings);

    const environments: EnvironmentAnalysis[] = [];
    const migrateFiles = (): string[] => pyFiles.filter((f) => this.files.get(f)!.migrateLike);
    const envFiles = replays.map(({ env }) => `${env.scriptLocation ? `${env.scriptLocation}/` : ''}env.py`);
    const imports = replays.length < 2 ? [] : envFiles.map((f) => (this.files.has(f) ? memos.loadedModules.get(f, () => loadedModuleFiles(resolver, f)) : new Set<string>()));
    // With one environment, every model is compared in it (no map of 2,000 entries made per keystroke).
    const owners = replays.length < 2 ? undefined : assignModels(models.tables, replays.map((r) => r.replay.schema), replays.map((r) => r.env.scriptLocation), imports);
    replays.forEach(({ env, graph, heads, dialect, replay, detached }, i) => {
      const envPy = envFiles[i];
      const hasEnvPy = this.files.has(envPy);
      const targetKey = engineKey(envPy, env.engine);
      const target = hasEnvPy ? memos.targetMetadata.get(targetKey, () => readTargetMetadata({ resolver, file: envPy, engine: env.engine })) : undefined;
      // The project modules env.py loads, where two tables of one name make it matter (read once per env.py text).
      const loads = (): Set<string> => imports[i] ?? (hasEnvPy ? memos.loadedModules.get(envPy, () => loadedModuleFiles(resolver, envPy)) : new Set<string>());
      const targeted = targetedModels(owners ? models.tables.filter((t) => owners.get(t)!.includes(i)) : models.tables, replay.schema, target, loads);
      const rules = hasEnvPy ? memos.includeRules.get(`${envPy}\0${env.configFile ?? ''}\0${env.section ?? ''}`, () => readIncludeObjectRules({ resolver, file: envPy, configOption: this.configOption(env) })) : [];
      const asWritten = hasEnvPy ? memos.compareOptions.get(envPy, () => readCompareOptions({ resolver, file: envPy, migrateFiles })) : {};
      // The Alembic and SQLAlchemy the project requires decide what env.py leaves to defaults, and what is compared at all.
      const compare = settleByRequirements({ options: asWritten, requirements: this.nearestRequirements(envPy, requirements), dialect });
      // Revisions in a cycle are not replayed: when one of them changes the schema, the schema at head is unknown, and
      // comparing with what the others make would report every table they create as missing. The revision-cycle
      // errors say what to fix first. A cycle of revisions without ops (data fixes, a stray file) changes nothing.
      const cyclic = graph.problems.some((p) => p.code === 'revision-cycle' && this.stepsOf(p.file, dialect, env.engine, resolver).length > 0);
      // A table another environment's model describes, which this env.py does not seem to load: it may well load it
      // at run time (OpenHands' enterprise edition shares the core edition's tables), so it is not called extra.
      const elsewhere = !owners ? [] : models.tables.filter((t) => !owners.get(t)!.includes(i) && replay.schema.has(tableKey(t.name, t.schema))).map((t) => ({
        what: `model ${t.modelName ?? t.name}`,
        origin: t.origin,
        name: t.name,
        why: `a model of ${owners!.get(t)!.map((j) => replays[j].env.name).join(', ')} whose module this env.py does not load (directly or through what it imports), though it may at run time`,
      }));
      const unnamedModels = elsewhere.length > 0 ? [...models.unnamed, ...elsewhere] : models.unnamed;
      // Which pydantic SQLModel runs on decides a field whose default is None; asked only where a model has one.
      const pydantic = hasNoneDefault(targeted) ? pydanticOne(this.nearestRequirements(envPy, requirements)) : undefined;
      const uncompared: TableDef[] = [];
      const atHeads = schemaHeads(heads, detached);
      const later = laterChangesByOthers(replay, allReplays);
      const uncertainOps = later.length === 0 ? replay.uncertainOps : [...replay.uncertainOps, ...later];
      const diffed = cyclic ? [] : diffSchemas({ models: targeted, migrations: replay.schema, heads: atHeads, dialect: replay.database, uncertainOps, unnamedModels, memo: memos.tablePairs, versionTable: compare.versionTable, pydanticOne: pydantic, uncompared, gone: replay.gone });
      // No model compared at all: the models were not found (built at run time, in another package), not all dropped;
      // one note says so in place of a warning on every table (the notes that name a model that may describe one stay).
      // A table an op of unknown name may have renamed away (skyportal) is as unexplained: no model could describe it.
      const unexplained = targeted.length > 0 ? [] : diffed.filter((c) => c.finding.code === 'extra-table' && (c.finding.severity !== 'information' || (c.kind === 'drop-table' && c.tentative === 'moved away')));
      const source = unexplained.length > 0 && hasEnvPy ? memos.targetSource.get(targetKey, () => readTargetMetadataSource({ resolver, file: envPy, engine: env.engine })) : undefined;
      const noModels = noModelsNote({ models: targeted, otherModels: models.tables.length, unnamed: models.unnamed, tables: unexplained.map((c) => c.finding.table!), target: source, targetRead: target !== undefined, fallbackFile: env.configFile ?? (hasEnvPy ? envPy : (graph.revisions.get(graph.order[0])?.file ?? envPy)), noEnvPy: !hasEnvPy, packageName: this.dottedPackageName() });
      const compared = noModels ? diffed.filter((c) => !unexplained.includes(c)) : diffed;
      const { changes, findings: baselineNotes } = applyBaselineSetting({ changes: applyCompareOptions(applyIncludeObjectRules(compared, rules), compare), graph, baseline: settings.baseline });
      if (noModels) findings.push(noModels);
      findings.push(...baselineNotes, ...changes.map((c) => c.finding));
      const dialectNote = unknownDialectNote({ env, dialect: replay.database, models: targeted, schema: replay.schema });
      if (dialectNote) findings.push(dialectNote);
      environments.push({ env, graph, heads, schemaHeads: atHeads, schema: replay.schema, models: targeted, uncompared: cyclic ? targeted : uncompared, compare, changes, unreadFiles: [], detached, ...(replay.database !== undefined ? { database: replay.database } : {}) });
    });
    yield;

    const unreadFiles: Finding[] = [];
    for (const file of [...revisionFiles.keys(), ...modelFiles]) {
      const errors = this.notes(file)?.errors ?? [];
      if (errors.length > 0) {
        const [line] = errors[0];
        unreadFiles.push(makeFinding('parse-error', { message: `This file has a syntax error at line ${line + 1}; what follows it may not be read.`, file, span: errors[0] }));
      }
    }
    for (const [file, reason] of this.unreadable) {
      unreadFiles.push(makeFinding('parse-error', { message: `${file} was not read: it ${reason}.`, file, span: [0, 0, 0, 0] }));
    }
    findings.push(...unreadFiles);
    // Environments that share migrations report the same findings once; each keeps its own changes (`sameAs`).
    const { unique, sameAs } = dedupe(findings);
    const kept = this.applySettings(unique, settings);
    // What a revision of an environment depends on: the model files and its own revisions, and the Python files not
    // read that may be one (in its version folders, or named as models); a finding the settings silence does not.
    // Nothing to work out on a keystroke that leaves every file readable.
    const unreadKept = unreadFiles.filter((f) => kept.has(f));
    if (unreadKept.length > 0) {
      const modelFileSet = new Set(modelFiles);
      const unreadModel = this.unreadModelTest(settings);
      for (const e of environments) {
        const ownRevisions = new Set([...e.graph.revisions.values()].map((r) => r.file));
        const unreadRevision = (file: string): boolean => file.endsWith('.py') && isInVersionLocation(e.env, file);
        const mayBeRead = (file: string): boolean => modelFileSet.has(file) || ownRevisions.has(file) || (this.unreadable.has(file) && (unreadRevision(file) || unreadModel(file)));
        e.unreadFiles = unreadKept.filter((f) => mayBeRead(f.file));
      }
    }
    // New change objects: the diff's own may be remembered for the next analysis.
    for (const e of environments) {
      e.changes = e.changes.filter((c) => kept.has(sameAs.get(c.finding) ?? c.finding)).map((c) => ({ ...c, finding: kept.get(sameAs.get(c.finding) ?? c.finding)! }));
    }
    memos.sweep(historyRead);
    return { environments, findings: sortFindings([...kept.values()]), modelCount: models.tables.length, revisionCount: revisionFiles.size };
  }

  /** The values of an environment's config file, read (and noted as read) when env.py's hooks ask for one. */
  private configOption(env: AlembicEnvironment): ConfigOption {
    let sections: Map<string, Map<string, string>> | undefined;
    return (section, key) => {
      const file = env.configFile;
      if (!file?.endsWith('.ini')) return undefined;
      this.memos.reads.read(file);
      sections ??= parseIni(this.files.get(file)?.text ?? '', '.');
      return sections.get(section ?? env.section ?? 'alembic')?.get(key);
    };
  }

  /**
   * The migrations' side, in steps: the environments, every revision, the graphs, and the schema each environment's
   * history leaves, with the findings met on the way. Kept until a revision, a file one read, or a config changes.
   */
  private *readHistory(settings: Settings, allFiles: string[], pyFiles: string[], resolver: Resolver): Generator<void, Omit<History, 'epoch' | 'settingsKey'>> {
    const memos = this.memos;
    const findings: Finding[] = [];
    // Copies: the list and the version locations are adjusted below.
    const envs = memos.environments
      .get(allFiles, (f) => this.files.get(f)?.text, (readText) => discoverEnvironments({ files: allFiles, readText, rootName: this.options.packageName?.split('.').pop() }))
      .map((e) => ({ ...e, versionLocations: [...e.versionLocations] }));
    // A deployment's absolute path (`/srv/app/migrations` in a container) is said only where it leaves nothing to check.
    const othersFound = envs.some((e) => !e.missingScriptLocation);
    for (const env of envs) {
      if (!env.missingScriptLocation || !env.configFile) continue;
      const { written, span, outside } = env.missingScriptLocation;
      if (outside === 'absolute' && othersFound) continue;
      if (outside) {
        // A package installed, or a deployment's folder, where Alembic runs: not wrong, only not here.
        const message = outside === 'absolute'
          ? `script_location "${written}" of ${env.name} is an absolute path that is no folder of this project (a deployment's?): no revision of it is read.`
          : `script_location "${written}" of ${env.name} names a package this project does not hold (installed elsewhere?): no revision of it is read.`;
        findings.push({ ...makeFinding('missing-script-location', { message, file: env.configFile, span }), severity: 'information' });
        continue;
      }
      const message = `script_location "${written}" of ${env.name} names no folder of this project: Alembic stops on this config ("Path doesn't exist"), and no revision of it can be read.`;
      findings.push(makeFinding('missing-script-location', { message, file: env.configFile, span }));
    }
    for (const extra of settings.versionLocations) {
      const dir = normalizePath(extra);
      if (envs[0]) envs[0].versionLocations.push(dir);
      else envs.push({ name: dir, scriptLocation: dir, versionLocations: [dir], recursive: false });
    }

    const revisions: RevisionInfo[] = [];
    const revisionFiles = new Map<string, RevisionInfo>();
    for (const file of pyFiles) {
      if (!this.files.get(file)!.revisionLike) continue;
      const known = memos.revisions.has(file);
      const info = memos.revisions.get(file, () => extractRevision({ resolver, file }));
      if (info && !known) this.readOpsAhead(info, envs, settings, resolver);
      if (!known) yield;
      if (info) {
        revisions.push(info);
        revisionFiles.set(file, info);
      }
    }
    // Revisions no config points at: an environment of their own when there is no config, else detached trees
    // (e.g. a plugin's migrations that the project's code runs after the main history), applied after its head.
    const ownRevisions = new Map<AlembicEnvironment, RevisionInfo[]>();
    const ownOf = (env: AlembicEnvironment): RevisionInfo[] => {
      let own = ownRevisions.get(env);
      if (!own) ownRevisions.set(env, (own = revisions.filter((r) => isInVersionLocation(env, r.file))));
      return own;
    };
    const copies = new Set<RevisionInfo>();
    for (const { env, of, shared } of findEnvironmentCopies(envs, ownOf)) {
      envs.splice(envs.indexOf(env), 1);
      for (const r of ownOf(env)) copies.add(r);
      const message = `${env.name} is an environment no config names, and its revision "${shared.id}" is also one of ${of.name}'s: read as an old copy of it, not checked.`;
      findings.push(makeFinding('detached-revisions', { message, file: joinPath(env.scriptLocation, 'env.py'), span: [0, 0, 0, 0] }));
    }
    const claimed = new Set(envs.flatMap(ownOf));
    const detached = new Map<string, RevisionInfo[]>();
    for (const r of revisions) {
      if (claimed.has(r) || copies.has(r)) continue;
      const dir = r.file.split('/').slice(0, -1).join('/');
      const list = detached.get(dir);
      if (list) list.push(r);
      else detached.set(dir, [r]);
    }
    if (claimed.size === 0 && detached.size > 0) {
      // A configured environment with no revisions of its own whose folder holds revision folders (one per dialect,
      // chosen at run time): those folders are the trees to check, not the empty one.
      const holders = envs.filter((e) => [...detached.keys()].some((dir) => e.scriptLocation === '' || dir.startsWith(`${e.scriptLocation}/`)));
      envs.splice(0, envs.length, ...envs.filter((e) => !holders.includes(e)));
      // Per-dialect folders (versions/postgresql, versions/sqlite) say which database they are for.
      // Each keeps its holder's script folder (env.py, script.py.mako) and what its env.py asks.
      for (const dir of detached.keys()) {
        const holder = holders.find((e) => e.scriptLocation === '' || dir.startsWith(`${e.scriptLocation}/`));
        envs.push({ ...holder, name: dir || '.', scriptLocation: holder?.scriptLocation ?? dir.replace(/\/?versions$/, ''), versionLocations: [dir], recursive: false, dialect: dialectOfUrl(`${dir.split('/').pop()}://`) ?? holder?.dialect });
      }
      detached.clear();
    }
    const detachedGraphs = new Map<AlembicEnvironment, RevisionGraph[]>();
    // The ids and labels a detached tree may follow, made only when there is one (most projects have none).
    const claimedIds = detached.size === 0 ? new Set<string>() : new Set([...claimed].flatMap((r) => [r.id, ...r.branchLabels]));
    for (const { dirs, revisions: list } of joinLinkedFolders(detached)) {
      const [dir] = dirs;
      const where = dirs.length === 1 ? dir || '.' : `${dir || '.'} and ${dirs.length - 1} more folder${dirs.length === 2 ? '' : 's'} linked to it`;
      const one = list.length === 1;
      const files = `${list.length} revision file${one ? '' : 's'} in ${where} ${one ? 'is' : 'are'}`;
      // The environment whose history the tree starts from (quetz's plugins depend on its "quetz" label), else the nearest.
      const refs = new Set(list.flatMap((r) => [...r.downRevisions, ...r.dependsOn]));
      const env = envs.find((e) => ownOf(e).some((r) => refs.has(r.id) || r.branchLabels.some((l) => refs.has(l)))) ?? nearestEnvironment(envs, dir);
      const first = list[0];
      if (dirs.some(isBackupFolder)) {
        findings.push(makeFinding('detached-revisions', { message: `${files} outside every version folder, in a folder whose name says it is a backup: not replayed.`, file: first.file, span: first.span }));
        continue;
      }
      // Revisions in a folder of tests that start a history of their own are what tests upgrade a scratch database
      // with (galaxy's test/unit/data/model/migrations/testing_utils/versions/db1), not the project's history.
      if (dirs.some(isTestFolder) && list.some((r) => r.downRevisions.length === 0)) {
        findings.push(makeFinding('detached-revisions', { message: `${files} outside every version folder, in a folder of tests, and start${one ? 's' : ''} a history of ${one ? 'its' : 'their'} own: read as test fixtures, not replayed.`, file: first.file, span: first.span }));
        continue;
      }
      // Under a version folder Alembic reads without its subfolders, a tree with a base of its own is another history
      // (zou's versions/legacy, the revisions its squash replaced), not one that runs after the head.
      const under = envs.flatMap((e) => e.versionLocations).find((v) => v === '' || dir.startsWith(`${v}/`));
      if (under !== undefined && list.some((r) => r.downRevisions.length === 0)) {
        findings.push(makeFinding('detached-revisions', { message: `${files} in a subfolder of the version folder ${under || '.'}, which Alembic reads without its subfolders, and start${one ? 's' : ''} a history of ${one ? 'its' : 'their'} own: not replayed.`, file: first.file, span: first.span }));
        continue;
      }
      // A tree that neither starts a history nor follows a revision of the project (agenta's temp/ copy, whose
      // down_revision is "..."): a scratch file nothing runs, not a continuation of the history.
      const treeIds = new Set(list.flatMap((r) => [r.id, ...r.branchLabels]));
      if (!list.some((r) => r.downRevisions.length === 0 || [...r.downRevisions, ...r.dependsOn].some((d) => claimedIds.has(d)))) {
        const parents = [...new Set(list.flatMap((r) => r.downRevisions).filter((d) => !treeIds.has(d)))].map((d) => `"${d}"`).join(', ');
        findings.push(makeFinding('detached-revisions', { message: `${files} outside every version folder, and follow${one ? 's' : ''} no revision of the project (${parents}): not replayed.`, file: first.file, span: first.span }));
        continue;
      }
      const graph = memos.graphs.get(`detached:${dirs.join('\0')}`, [...list, ...claimed].map(graphSignature), () => buildRevisionGraph(list, { parentsElsewhere: claimedIds }));
      findings.push(...graph.problems);
      detachedGraphs.set(env, [...(detachedGraphs.get(env) ?? []), graph]);
      findings.push(makeFinding('detached-revisions', { message: `${files} outside every version folder of ${env.name}; read as a separate tree applied after its head.`, file: first.file, span: first.span }));
    }

    const withRevisions = envs.filter((env) => ownOf(env).length > 0);
    // An environment without a single revision is compared only when it is the project's only one (a fresh
    // `alembic init`); beside others it is a config that points where we cannot see (a path set at run time).
    const compared = withRevisions.length > 0 ? withRevisions : envs;
    const replays: HistoryReplay[] = [];
    for (const env of compared) {
      const own = ownOf(env);
      // A revision may name one of another environment's (quetz's plugins, each with an alembic.ini of its own, depend
      // on the "quetz" history they run after): not a missing parent.
      const elsewhere = compared.length < 2 ? [] : [...new Set(compared.filter((e) => e !== env).flatMap((e) => ownOf(e).flatMap((r) => [r.id, ...r.branchLabels])))].sort();
      const graph = memos.graphs.get(`env:${env.name}`, [...own.map(graphSignature), ...elsewhere], () => buildRevisionGraph(own, { parentsElsewhere: new Set(elsewhere) }));
      findings.push(...graph.problems);
      const dialect = env.dialect ?? settings.dialect;
      // Every revision's upgrade() ops in graph order, then the detached trees applied after its head.
      const steps: RevisionSteps[] = [];
      const stepFiles: string[] = [];
      for (const g of [graph, ...(detachedGraphs.get(env) ?? [])]) {
        for (const id of g.order) {
          const file = g.revisions.get(id)!.file;
          stepFiles.push(file);
          const known = memos.steps.has(stepsKey(file, dialect, env.engine));
          steps.push({ revision: id, steps: this.stepsOf(file, dialect, env.engine, resolver) });
          if (!known) yield;
        }
      }
      let stepsById: Map<string, OpStep[]> | undefined;
      const superseded = supersededLineages(graph, (id) => (stepsById ??= new Map(steps.map((s) => [s.revision, s.steps]))).get(id) ?? []);
      const left = new Set(superseded?.flatMap((l) => l.revisions));
      for (const lineage of superseded ?? []) {
        const r = graph.revisions.get(lineage.root)!;
        const count = lineage.revisions.length === 1 ? '1 revision' : `${lineage.revisions.length} revisions`;
        const message = `${count} from "${lineage.root}" end with the ${lineage.tables.length === 1 ? 'table' : `${lineage.tables.length} tables`} that revision "${lineage.by}" creates (${lineage.tables.join(', ')}), so one database cannot run both: read as the older history "${lineage.by}" takes over from, not replayed.`;
        findings.push(makeFinding('detached-revisions', { message, file: r.file, span: r.span }));
      }
      const keptSteps = left.size === 0 ? steps : steps.filter((s) => !left.has(s.revision));
      const keptFiles = left.size === 0 ? stepFiles : stepFiles.filter((_, i) => !left.has(steps[i].revision));
      const convention = this.conventionOf(env, resolver);
      replays.push({ env, graph, heads: graph.heads.filter((h) => !left.has(h)), lineages: superseded !== undefined, dialect, steps: keptSteps, stepFiles: keptFiles, convention, replay: memos.replays.replay(keptSteps, env.name, convention, dialect), detached: detachedGraphs.get(env) ?? [] });
      yield;
    }
    return { envs, revisionFiles, replays, findings };
  }

  /**
   * Reads a revision's upgrade() ops as soon as its metadata is read, for the environment whose version folder holds
   * it, and lets its syntax go (unless it is an editor buffer): a first index then never holds the syntax of every
   * revision at once, and each tree's objects die young. The replay finds the ops remembered (a revision that ends
   * up replayed for another dialect is read again then).
   */
  private readOpsAhead(info: RevisionInfo, envs: AlembicEnvironment[], settings: Settings, resolver: Resolver): void {
    const env = envs.find((e) => isInVersionLocation(e, info.file));
    if (!env) return;
    const dialect = env.dialect ?? settings.dialect;
    const file = info.file;
    this.stepsOf(file, dialect, env.engine, resolver);
    const entry = this.files.get(file);
    if (entry && !entry.keepLastGood) {
      entry.syntax = undefined;
      entry.patched = undefined;
    }
  }

  /** A revision's upgrade() ops as they run on a dialect (and a database of a multidb config), read once. */
  private stepsOf(file: string, dialect: string | undefined, engine: string | undefined, resolver: Resolver): OpStep[] {
    return this.memos.steps.get(stepsKey(file, dialect, engine), () => interpretUpgrade({ resolver, file, dialect, engine }));
  }

  /** The naming convention Alembic's ops in an environment name constraints and indexes by (its env.py's target_metadata's). */
  private conventionOf(env: AlembicEnvironment, resolver: Resolver): NamingConvention {
    const envPy = `${env.scriptLocation ? `${env.scriptLocation}/` : ''}env.py`;
    if (!this.files.has(envPy)) return {};
    const target = this.memos.targetConvention.get(engineKey(envPy, env.engine), () => readTargetConvention({ resolver, file: envPy, engine: env.engine }));
    if (target) return target;
    // A target_metadata that cannot be read (indico's, from the Flask app at run time) is taken to be named as the one
    // convention the project's modules set, if they set one (read again when one of them, or which they are, changes).
    const setters = this.conventionSetters();
    return this.memos.targetConvention.get(`\0project\0${setters.join('\0')}`, () => projectConvention(resolver, setters)) ?? {};
  }

  /** The project's modules (not revisions or env.py) whose text may set a naming convention. */
  private conventionSetters(): string[] {
    const out: string[] = [];
    for (const [file, entry] of this.files) {
      if (entry.namesConvention && file.endsWith('.py') && !entry.revisionLike && !file.endsWith('env.py')) out.push(file);
    }
    return out.sort();
  }

  /** The replay, named by the environment's naming convention as it is now (replayed again when it changed). */
  private withConvention(r: HistoryReplay, resolver: Resolver): HistoryReplay {
    const convention = this.conventionOf(r.env, resolver);
    if (JSON.stringify(convention) === JSON.stringify(r.convention)) return r;
    return { ...r, convention, replay: this.memos.replays.replay(r.steps, r.env.name, convention, r.dialect) };
  }

  /**
   * The last history with the edited revisions' ops read and replayed again, when their metadata (all the graph
   * depends on) is as it was; undefined when it is not, and the history must be read anew.
   */
  private updateHistory(known: History, resolver: Resolver): History | undefined {
    const memos = this.memos;
    const edited = memos.editedRevisions;
    for (const file of edited) {
      const before = known.revisionFiles.get(file);
      const now = this.files.has(file) ? memos.revisions.get(file, () => extractRevision({ resolver, file })) : undefined;
      if (!before || !now || graphSignature(before) !== graphSignature(now)) return undefined;
    }
    // Which lineage takes over from which depends on the ops of their first revisions: read the history anew.
    if (known.replays.some((r) => r.lineages && [...r.graph.revisions.values()].some((info) => edited.has(info.file)))) return undefined;
    const replays = known.replays.map((r): HistoryReplay => {
      if (!r.stepFiles.some((f) => edited.has(f))) return r;
      const steps = r.steps.map((s, i) => {
        const file = r.stepFiles[i];
        return edited.has(file) ? { revision: s.revision, steps: this.stepsOf(file, r.dialect, r.env.engine, resolver) } : s;
      });
      return { ...r, steps, replay: memos.replays.replay(steps, r.env.name, r.convention, r.dialect) };
    });
    return { ...known, replays };
  }

  /**
   * Drops ignored findings (comments and settings) and applies severity overrides (to copies: findings may be
   * remembered for the next analysis); returns each kept finding with what to report for it.
   */
  private applySettings(findings: Finding[], settings: Settings): Map<Finding, Finding> {
    const out = new Map<Finding, Finding>();
    const ignoredTables = new Set(settings.ignore.tables);
    const ignoredColumns = new Set(settings.ignore.columns);
    const ignoredCodes = new Set(settings.ignore.codes);
    for (const f of findings) {
      if (ignoredCodes.has(f.code)) continue;
      if (f.table && ignoredTables.has(f.table)) continue;
      if (f.tables && f.tables.every((t) => ignoredTables.has(t))) continue;
      if (f.table && f.column && ignoredColumns.has(`${f.table}.${f.column}`)) continue;
      const codes = this.notes(f.file)?.ignores[f.span[0]];
      if (codes && (codes.length === 0 || codes.includes(f.code))) continue;
      const severity = settings.severity[f.code];
      if (severity === 'off') continue;
      out.set(f, severity ? { ...f, severity } : f);
    }
    return out;
  }
}

/**
 * Which environments each model table is compared in: of those whose migrations know the table, the ones whose folder
 * is nearest the model's file (orchest's two services each have a `projects` table, of their own models), and the ones
 * whose env.py imports the model's module by name (agenta's two editions each import the models of one Base); a table
 * none knows goes to the environments whose tables share its schema (or lack of one), else to all. With one
 * environment, all.
 */
function assignModels(models: TableDef[], schemas: Schema[], places: string[], imports: Array<Set<string>>): Map<TableDef, number[]> {
  const all = schemas.map((_, i) => i);
  const out = new Map<TableDef, number[]>();
  const schemaSets = schemas.map((s) => new Set([...s.values()].map((t) => t.schema ?? '')));
  for (const t of models) {
    if (schemas.length < 2) {
      out.set(t, all);
      continue;
    }
    const known = all.filter((i) => schemas[i].has(tableKey(t.name, t.schema)));
    const importing = known.filter((i) => imports[i].has(t.origin.file));
    const knowing = [...new Set([...nearest(known, t.origin.file, places), ...importing])].sort((a, b) => a - b);
    const sameSchema = all.filter((i) => schemaSets[i].has(t.schema ?? ''));
    out.set(t, knowing.length > 0 ? knowing : sameSchema.length > 0 ? sameSchema : all);
  }
  return out;
}

/** Of some environments, those whose folder shares the most leading folders with a file. */
function nearest(envs: number[], file: string, places: string[]): number[] {
  const dirs = file.split('/').slice(0, -1);
  const shared = (place: string): number => {
    const parts = place ? place.split('/') : [];
    let n = 0;
    while (n < parts.length && n < dirs.length && parts[n] === dirs[n]) n++;
    return n;
  };
  const best = Math.max(...envs.map((i) => shared(places[i])));
  return envs.filter((i) => shared(places[i]) === best);
}

/**
 * The models an environment's migrations are about. With several MetaData objects (a second declarative base for
 * tests, another database, a legacy copy of the models): those env.py's `target_metadata` names, when it can be read
 * and names any, else those that share at least one table with the migrations, unless none does. Of two tables of
 * one name left (in different MetaData, or in two files that never load together), the first whose file env.py loads
 * (`loads`, asked only then) is compared, else the first.
 */
/**
 * The revisions a schema replayed to `heads` and then through `detached` trees is at (keystone's release folders):
 * the trees' heads, and those of `heads` no revision of theirs follows.
 */
function schemaHeads(heads: string[], detached: RevisionGraph[]): string[] {
  if (detached.length === 0) return heads;
  const followed = new Set(detached.flatMap((g) => [...g.revisions.values()].flatMap((r) => [...r.downRevisions, ...r.dependsOn])));
  return [...heads.filter((h) => !followed.has(h)), ...detached.flatMap((g) => g.heads)];
}

function targetedModels(models: TableDef[], schema: Schema, target: string[] | undefined, loads: () => Set<string>): TableDef[] {
  const groups = new Map<string | undefined, TableDef[]>();
  for (const t of models) {
    const list = groups.get(t.metadata);
    if (list) list.push(t);
    else groups.set(t.metadata, [t]);
  }
  if (groups.size < 2) return oneTablePerName(models, loads);
  const named = target && [...groups.entries()].filter(([key]) => key === undefined || target.includes(key));
  if (named?.some(([key]) => key !== undefined)) return oneTablePerName(named.flatMap(([, tables]) => tables), loads);
  const names = new Set([...schema.values()].map((t) => t.name));
  const used = [...groups.entries()].filter(([key, tables]) => key === undefined || tables.some((t) => names.has(t.name)));
  return oneTablePerName(used.some(([key]) => key !== undefined) ? used.flatMap(([, tables]) => tables) : models, loads);
}

function oneTablePerName(tables: TableDef[], loads: () => Set<string>): TableDef[] {
  const kept = new Map<string, TableDef>();
  for (const t of tables) {
    const key = tableKey(t.name, t.schema);
    const first = kept.get(key);
    if (!first) kept.set(key, t);
    else if (!loads().has(first.origin.file) && loads().has(t.origin.file)) kept.set(key, t);
  }
  return kept.size === tables.length ? tables : tables.filter((t) => kept.get(tableKey(t.name, t.schema)) === t);
}

/** Whether a model has a SQLModel field whose default is None (see `ColumnDef.noneDefault`). */
function hasNoneDefault(tables: TableDef[]): boolean {
  return tables.some(tableHasNoneDefault);
}

/** Per model table (kept while its file is unchanged): whether a column of it has a default of None. */
const noneDefaults = new WeakMap<TableDef, boolean>();

function tableHasNoneDefault(t: TableDef): boolean {
  let known = noneDefaults.get(t);
  if (known === undefined) {
    known = false;
    for (const c of t.columns.values()) if (c.noneDefault) known = true;
    noneDefaults.set(t, known);
  }
  return known;
}

/** The files that say what the project requires (see `isRequirementsFile`), by the folder that holds them. */
function requirementsByFolder(files: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of files) {
    if (!isRequirementsFile(f)) continue;
    const folder = requirementsFolderOf(f);
    const list = out.get(folder);
    if (list) list.push(f);
    else out.set(folder, [f]);
  }
  return out;
}

/** Whether a file (as it is, or was) is, or configures, a part of the migrations' history (a revision, a config, env.py). */
function touchesHistory(path: string, entry: FileEntry | undefined): boolean {
  return !path.endsWith('.py') || path.endsWith('env.py') || !!entry?.revisionLike;
}

/** The key of a revision's ops read for a dialect: the file alone when there is no dialect (no key built per revision). */
function stepsKey(file: string, dialect: string | undefined, engine?: string): string {
  return `${file}${dialect ? `\0${dialect}` : ''}${engine !== undefined ? `\0engine:${engine}` : ''}`;
}

/** The key of what is read of env.py for an environment: per database of a multidb config. */
function engineKey(envPy: string, engine: string | undefined): string {
  return engine === undefined ? envPy : `${envPy}\0${engine}`;
}

const signatures = new WeakMap<RevisionInfo, string>();

/** Everything of a revision's metadata that its graph depends on (an edit of its upgrade() changes none of it). */
function graphSignature(r: RevisionInfo): string {
  let s = signatures.get(r);
  if (s === undefined) {
    s = JSON.stringify(r);
    signatures.set(r, s);
  }
  return s;
}

/** The environment whose script folder shares the longest path prefix with a folder. */
function nearestEnvironment(envs: AlembicEnvironment[], dir: string): AlembicEnvironment {
  const shared = (a: string): number => {
    const x = a.split('/');
    const y = dir.split('/');
    let i = 0;
    while (i < x.length && i < y.length && x[i] === y[i]) i++;
    return i;
  };
  return [...envs].sort((a, b) => shared(b.scriptLocation) - shared(a.scriptLocation))[0];
}

/** A finding's identity for `dedupe`, made once per finding object (the engine keeps those of what did not change). */
const dedupeKeys = new WeakMap<Finding, string>();

function dedupeKey(f: Finding): string {
  let key = dedupeKeys.get(f);
  if (key === undefined) dedupeKeys.set(f, (key = `${f.file}:${f.span.join(',')}:${f.code}:${f.message}`));
  return key;
}

/** The findings without repeats (same place, rule and message), and for each repeat the finding kept in its place. */
function dedupe(findings: Finding[]): { unique: Finding[]; sameAs: Map<Finding, Finding> } {
  const first = new Map<string, Finding>();
  const sameAs = new Map<Finding, Finding>();
  const unique = findings.filter((f) => {
    const key = dedupeKey(f);
    const earlier = first.get(key);
    if (earlier) {
      sameAs.set(f, earlier);
      return false;
    }
    first.set(key, f);
    return true;
  });
  return { unique, sameAs };
}
