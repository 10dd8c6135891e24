import { parse as parseToml } from 'smol-toml';
import { RULES, type FindingCode, type Severity } from '../findings';

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

function strings(v: unknown): string[] {
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
  return mergeSettings(settings, tool, problems);
}

/** Applies a plain settings object (from TOML or the editor's configuration) on top of `base`. */
export function mergeSettings(base: Settings, raw: Record<string, unknown>, problems: string[] = []): { settings: Settings; problems: string[] } {
  const s: Settings = { ...base, severity: { ...base.severity }, ignore: { ...base.ignore } };
  const severity = raw.severity as Record<string, unknown> | undefined;
  if (severity && typeof severity === 'object') {
    for (const [code, value] of Object.entries(severity)) {
      if (!(code in RULES)) problems.push(`Unknown finding code in severity settings: ${code}`);
      else if (typeof value !== 'string' || !SEVERITIES.has(value)) problems.push(`Severity of ${code} must be one of error, warning, information, hint, off`);
      else s.severity[code as FindingCode] = value as SeveritySetting;
    }
  }
  if (raw.exclude !== undefined) s.exclude = strings(raw.exclude);
  if (raw.models !== undefined) s.models = strings(raw.models);
  const versions = raw['version-locations'] ?? raw.versionLocations;
  if (versions !== undefined) s.versionLocations = strings(versions);
  if (typeof raw.dialect === 'string') s.dialect = raw.dialect;
  if (raw.baseline !== undefined) {
    if (typeof raw.baseline === 'string' && raw.baseline) s.baseline = raw.baseline;
    else problems.push('baseline must be a revision id (a string)');
  }
  const ignore = raw.ignore as Record<string, unknown> | undefined;
  if (ignore && typeof ignore === 'object') {
    s.ignore = {
      tables: strings(ignore.tables),
      columns: strings(ignore.columns),
      codes: strings(ignore.codes).filter((c): c is FindingCode => {
        if (c in RULES) return true;
        problems.push(`Unknown finding code in ignore.codes: ${c}`);
        return false;
      }),
    };
  }
  return { settings: s, problems };
}
