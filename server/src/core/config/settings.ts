import { parse as parseToml } from 'smol-toml';
import { makeFinding, RULES, type Finding, type FindingCode, type Severity } from '../findings';
import { dialectOfUrl } from './environments';

/** A severity, or "off" to drop a code entirely. */
export type SeveritySetting = Severity | 'off';

/** The user's settings, from pyproject.toml `[tool.alembic-drift]` or the editor, with defaults for what is unset. */
export interface Settings {
  /** Severity per finding code, overriding the defaults. */
  severity: Partial<Record<FindingCode, SeveritySetting>>;
  /** Globs of files to leave out (relative POSIX paths). */
  exclude: string[];
  /** Globs of the model files; empty means "find them by what the code says". */
  models: string[];
  /** Extra version folders to read, relative to the project root. */
  versionLocations: string[];
  /** The dialect to assume when alembic.ini does not name a real one. */
  dialect?: string;
  /**
   * The revision at which a database made by `metadata.create_all()` was stamped (`alembic stamp`): model tables that
   * no migration creates are assumed to exist then, with one note instead of a `missing-table` each.
   */
  baseline?: string;
  /** What never to report: whole tables, `table.column` pairs, and codes. */
  ignore: { tables: string[]; columns: string[]; codes: FindingCode[] };
}

/** The keys of the editor's `alembicDrift.*` settings that the engine reads (mergeSettings reads the same names). */
export const EDITOR_SETTING_KEYS = ['severity', 'exclude', 'models', 'versionLocations', 'dialect'] as const;

/** Settings with every default. */
export function defaultSettings(): Settings {
  return { severity: {}, exclude: [], models: [], versionLocations: [], ignore: { tables: [], columns: [], codes: [] } };
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

/** The keys `[tool.alembic-drift]` may hold. */
const PYPROJECT_KEYS = ['severity', 'exclude', 'models', 'version-locations', 'dialect', 'baseline', 'ignore'];
const IGNORE_KEYS = ['tables', 'columns', 'codes'];

/** A list of strings, or a problem naming the setting when the value is anything else (its strings are kept). */
function strings(v: unknown, name: string, problems: string[]): string[] {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  problems.push(`${name} must be a list of strings, such as ${name} = ["..."]`);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The settings a project's files give: its pyproject.toml's (the text, when there is one), else the defaults. */
export function projectSettings(pyproject: string | undefined): { settings: Settings; problems: string[] } {
  return pyproject ? readPyprojectSettings(pyproject) : { settings: defaultSettings(), problems: [] };
}

/** Reads `[tool.alembic-drift]` from a pyproject.toml text; returns the settings and any problems with them. */
export function readPyprojectSettings(text: string): { settings: Settings; problems: string[] } {
  const settings = defaultSettings();
  const problems: string[] = [];
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    return { settings, problems: [`pyproject.toml is not valid TOML: ${(e as Error).message.split('\n')[0]}`] };
  }
  const tool = (doc.tool as Record<string, unknown> | undefined)?.['alembic-drift'] as Record<string, unknown> | undefined;
  if (!tool) return { settings, problems };
  if (typeof tool !== 'object' || Array.isArray(tool)) return { settings, problems: ['[tool.alembic-drift] must be a table'] };
  const known: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tool)) {
    if (PYPROJECT_KEYS.includes(key)) known[key] = value;
    else problems.push(`Unknown setting "${key}" in [tool.alembic-drift] (the settings are ${PYPROJECT_KEYS.join(', ')})`);
  }
  return mergeSettings(settings, known, problems);
}

/** Applies a plain settings object (from TOML or the editor's configuration) on top of `base`. */
export function mergeSettings(base: Settings, raw: Record<string, unknown>, problems: string[] = []): { settings: Settings; problems: string[] } {
  const s: Settings = { ...base, severity: { ...base.severity }, ignore: { ...base.ignore } };
  const severity = raw.severity as Record<string, unknown> | undefined;
  if (severity !== undefined && (typeof severity !== 'object' || severity === null || Array.isArray(severity))) problems.push('severity must be a table of codes, such as severity = { extra-table = "information" }');
  else if (severity) {
    for (const [code, value] of Object.entries(severity)) {
      if (!(code in RULES)) problems.push(`Unknown finding code in severity settings: ${code}`);
      else if (typeof value !== 'string' || !SEVERITIES.has(value)) problems.push(`Severity of ${code} must be one of error, warning, information, hint, off`);
      else s.severity[code as FindingCode] = value as SeveritySetting;
    }
  }
  if (raw.exclude !== undefined) s.exclude = strings(raw.exclude, 'exclude', problems);
  if (raw.models !== undefined) s.models = strings(raw.models, 'models', problems);
  const versions = raw['version-locations'] ?? raw.versionLocations;
  if (versions !== undefined) s.versionLocations = strings(versions, 'version-locations', problems);
  if (typeof raw.dialect === 'string' && raw.dialect) {
    // A dialect this tool does not know is kept as given (a third-party one, say), and named in case it is a typo.
    const known = dialectOfUrl(`${raw.dialect}://`);
    s.dialect = known ?? raw.dialect;
    if (!known) problems.push(`dialect "${raw.dialect}" is not one this tool knows (postgresql, mysql, mariadb, sqlite, mssql, oracle...); it is used as given`);
  } else if (raw.dialect !== undefined && raw.dialect !== null && raw.dialect !== '') problems.push('dialect must be a name, such as dialect = "postgresql"');
  if (raw.baseline !== undefined) {
    if (typeof raw.baseline === 'string' && raw.baseline) s.baseline = raw.baseline;
    else problems.push('baseline must be a revision id (a string)');
  }
  const ignore = raw.ignore as Record<string, unknown> | undefined;
  if (ignore !== undefined && (typeof ignore !== 'object' || ignore === null || Array.isArray(ignore))) problems.push('ignore must be a table, such as ignore = { tables = ["..."] }');
  else if (ignore) {
    for (const key of Object.keys(ignore)) if (!IGNORE_KEYS.includes(key)) problems.push(`Unknown key "${key}" in ignore (the keys are ${IGNORE_KEYS.join(', ')})`);
    const list = (key: string): string[] => (ignore[key] === undefined ? [] : strings(ignore[key], `ignore.${key}`, problems));
    s.ignore = {
      tables: list('tables'),
      columns: list('columns'),
      codes: list('codes').filter((c): c is FindingCode => {
        if (c in RULES) return true;
        problems.push(`Unknown finding code in ignore.codes: ${c}`);
        return false;
      }),
    };
  }
  return { settings: s, problems };
}

/**
 * The problems with pyproject.toml's settings as findings on its `[tool.alembic-drift]` line (the first line when it
 * has none, as for a file that is not valid TOML), for an editor to show where the settings are written; the
 * settings' own severity and ignore.codes for `invalid-setting` apply.
 */
export function settingsFindings(problems: string[], pyproject: string | undefined, settings: Settings): Finding[] {
  const severity = settings.severity['invalid-setting'];
  if (problems.length === 0 || severity === 'off' || settings.ignore.codes.includes('invalid-setting')) return [];
  const lines = (pyproject ?? '').split(/\r?\n/);
  const at = Math.max(0, lines.findIndex((l) => /^\s*\[\s*tool\s*\.\s*["']?alembic-drift["']?\s*\]/.test(l)));
  const span: [number, number, number, number] = [at, 0, at, lines[at]?.length ?? 0];
  return problems.map((message) => ({ ...makeFinding('invalid-setting', { message, file: 'pyproject.toml', span }), ...(severity ? { severity } : {}) }));
}
