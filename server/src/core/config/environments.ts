import { parse as parseToml } from 'smol-toml';
import type { Span } from '../python/syntax';
import { parseIni } from './alembicIni';

/** One Alembic environment: where its scripts and revisions live, and what it targets. */
export interface AlembicEnvironment {
  /** A short name for messages: "alembic.ini", "alembic.ini [db2]", "pyproject.toml". */
  name: string;
  /** The config file that declares it (relative POSIX path), if any. */
  configFile?: string;
  /** Its section of alembic.ini ("alembic" by default, as Alembic's `--name`), when an ini file declares it. */
  section?: string;
  /** The script location folder (relative POSIX path, '' for the root). */
  scriptLocation: string;
  /** The folders Alembic reads revisions from. */
  versionLocations: string[];
  /** `recursive_version_locations = true`: sub-folders are read too. */
  recursive: boolean;
  /** The database dialect named by `sqlalchemy.url` ("postgresql", "sqlite"...), when it is a real URL. */
  dialect?: string;
  /** `file_template` from the config, if set. */
  fileTemplate?: string;
  /** `truncate_slug_length` from the config, if set. */
  truncateSlugLength?: number;
  /**
   * One database of a multidb config (`databases = engine1, engine2`, Alembic's multidb template): the revisions'
   * `upgrade(engine_name)` runs against it with its name, and env.py's `target_metadata[name]` is its MetaData.
   */
  engine?: string;
  /** Its settings as `config.get_main_option` gives them to a template (`databases` in the multidb one). */
  mainOptions?: Record<string, string>;
  /**
   * The config's `script_location` as written, with the span of its line in the config file, when it names no folder
   * of the project: a relative path Alembic stops on ("Path doesn't exist"); `outside`, a package the project does not
   * hold, which may be installed, or an absolute path (a deployment's), which may exist where Alembic runs.
   */
  missingScriptLocation?: { written: string; span: Span; outside?: 'package' | 'absolute' };
}

const KNOWN_DIALECTS = new Set(['postgresql', 'postgres', 'sqlite', 'mysql', 'mariadb', 'mssql', 'oracle', 'cockroachdb', 'snowflake', 'redshift', 'duckdb']);

/** The dialect of an SQLAlchemy URL (`postgresql+psycopg://...` -> "postgresql"), or undefined for placeholders. */
export function dialectOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const m = /^\s*([a-z0-9_]+)(\+[a-z0-9_]+)?:\/\//i.exec(url);
  if (!m) return undefined;
  const d = m[1].toLowerCase();
  if (!KNOWN_DIALECTS.has(d)) return undefined;
  return d === 'postgres' || d === 'cockroachdb' || d === 'redshift' ? 'postgresql' : d === 'mariadb' ? 'mysql' : d;
}

/** Normalises a POSIX path relative to the project root: removes `.`/`..` segments and slashes at the ends. */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.replace(/\\/g, '/').split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** The folder of a POSIX path relative to the project root (`''` for a file at the root). */
export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** A path relative to folder `a` (the root when `''`), normalised. */
export function joinPath(a: string, b: string): string {
  return normalizePath(a ? `${a}/${b}` : b);
}

/**
 * Whether a setting is a placeholder a program fills before Alembic reads the file (jupyterhub's alembic.ini is a
 * template: `script_location = {alembic_dir}`, written out with `str.format` at run time; `${dir}`, `%(dir)s`): such a
 * file declares no environment of its own; the folder with env.py is found as any other.
 */
function isTemplatePlaceholder(value: string): boolean {
  return /\{[A-Za-z_]\w*\}|\$\{[^}]*\}|%\((?!here\))\w+\)s/.test(value);
}

/**
 * Whether a location names no folder of the project: `missing` surely, `package` for a package it does not hold (which
 * may be installed), `absolute` for an absolute path that is none of its folders (a deployment's, say
 * `/usr/share/pagure/alembic`, which may exist on the machine that runs Alembic), undefined when it names one.
 */
function missingFolder(location: string, located: string, folders: Set<string>): 'missing' | 'package' | 'absolute' | undefined {
  if (located === '' || folders.has(located)) return undefined;
  const loc = location.trim();
  if (loc.startsWith('/') || /^[A-Za-z]:[\\/]/.test(loc) || loc.startsWith('~')) return 'absolute';
  return /^([A-Za-z_][\w.]*):/.test(loc) ? 'package' : 'missing';
}

/** What an environment says of a script_location that names no folder of the project, read from `header`'s section. */
function missingScriptLocation(written: string, located: string, folders: Set<string>, text: string, header: string): Pick<AlembicEnvironment, 'missingScriptLocation'> {
  const missing = missingFolder(written, located, folders);
  if (!missing) return {};
  return { missingScriptLocation: { written, span: spanOfKey(text, header, 'script_location'), ...(missing !== 'missing' ? { outside: missing } : {}) } };
}

/** The span of the first `key =` (or `key:`) line after the line that opens `header` (of that line when none follows). */
function spanOfKey(text: string, header: string, key: string): Span {
  const lines = text.split(/\r?\n/);
  const start = Math.max(0, lines.findIndex((l) => l.trim() === header));
  const found = lines.findIndex((l, i) => i > start && new RegExp(`^\\s*${key}\\s*[=:]`, 'i').test(l));
  const at = found < 0 ? start : found;
  return [at, 0, at, lines[at]?.length ?? 0];
}

/**
 * A place relative to a config's folder; `pkg.sub:dir` package locations are looked up among the project's folders.
 * `rootName` is the name of the checked folder itself.
 */
function locate(base: string, location: string, folders: Set<string>, rootName: string | undefined): string {
  const loc = location.trim();
  const pkg = /^([A-Za-z_][\w.]*):(.*)$/.exec(loc);
  if (pkg && !/^[A-Za-z]:[\\/]/.test(loc)) {
    const pkgPath = pkg[1].replace(/\./g, '/');
    const candidates = [...folders].filter((f) => f === pkgPath || f.endsWith(`/${pkgPath}`)).sort((a, b) => a.length - b.length);
    // Alembic reads every further colon as a folder separator too: `pkg:sub:dir` is pkg/sub/dir.
    const sub = pkg[2].replace(/:/g, '/');
    // A namespace package in several portions (a polylith's bases/pkg and components/pkg): the one that holds the place.
    const places = (candidates.length > 0 ? candidates : [pkgPath]).map((c) => joinPath(c, sub));
    return places.find((p) => folders.has(p)) ?? places[0];
  }
  // An absolute path from the user's machine: keep only what lies under the project (the ini's folder names).
  const relative = loc.replace(/^\/+/, '');
  const here = joinPath(base, relative);
  if (folders.has(here) || loc.startsWith('/')) return here;
  // Alembic reads a relative path from the folder it is run in: `alembic -c pkg/db/alembic.ini` from the project's
  // root, with `script_location = pkg/db`. The config's folder first, then each folder above it.
  for (let dir = dirname(base); ; dir = dirname(dir)) {
    const candidate = joinPath(dir, relative);
    if (folders.has(candidate)) return candidate;
    if (dir === '') break;
  }
  // Checked from a folder inside the project Alembic runs in (mlflow's `mlflow/store/db_migrations`, its config in
  // that folder, checked from mlflow/store): the path ends in the config's own folder.
  const path = relative.split('/').filter((p) => p !== '' && p !== '.').join('/');
  if (base !== '' && path.endsWith(`/${base}`)) return base;
  // Checked from the script folder itself, its config in it (Flask-Migrate's layout, `script_location = migrations`
  // read from the folder above): the path ends in the checked folder's own name.
  return base === '' && rootName && (path === rootName || path.endsWith(`/${rootName}`)) ? '' : here;
}

/** What a config section says of an environment besides its script_location (whose folder `here` is). */
function configuredSettings(values: Map<string, string>, here: string, scriptLocation: string, folders: Set<string>, rootName: string | undefined): Pick<AlembicEnvironment, 'versionLocations' | 'recursive' | 'dialect' | 'fileTemplate' | 'truncateSlugLength' | 'mainOptions'> {
  const versions = values.get('version_locations');
  return {
    versionLocations: versions ? splitLocations(versions, values.get('path_separator') ?? values.get('version_path_separator')).map((v) => locate(here, v, folders, rootName)) : [joinPath(scriptLocation, 'versions')],
    recursive: /^(true|1|yes|on)$/i.test(values.get('recursive_version_locations') ?? ''),
    dialect: dialectOfUrl(values.get('sqlalchemy.url')),
    fileTemplate: values.get('file_template'),
    truncateSlugLength: Number(values.get('truncate_slug_length')) || undefined,
    mainOptions: Object.fromEntries(values),
  };
}

/** An env.py that reads the `databases` option, as Alembic's multidb template does. */
const READS_DATABASES = /get_main_option\(\s*['"]databases['"]/;
/** The multidb template's `def upgrade(engine_name):`, which calls the revision's function for that database. */
const DISPATCHING_UPGRADE = /^def upgrade\(\s*\w+\s*(?::[^)]*)?\)/m;
/** A revision's `upgrade_<engine>()`, which the multidb template's `upgrade(engine_name)` calls for that database. */
const ENGINE_UPGRADE = /^def upgrade_(\w+)\s*\(/gm;

/**
 * The databases of a multidb environment whose config leaves `databases` to the app to set at run time (LinOTP sets
 * it with `set_section_option`): those its revisions have an `upgrade_<name>()` for. None for any other environment.
 */
function enginesOfRevisions(env: AlembicEnvironment, files: string[], readText: (file: string) => string | undefined): string[] {
  if (!READS_DATABASES.test(readText(joinPath(env.scriptLocation, 'env.py')) ?? '')) return [];
  const engines = new Set<string>();
  for (const file of files) {
    if (!file.endsWith('.py') || !isInVersionLocation(env, file)) continue;
    const text = readText(file) ?? '';
    if (!DISPATCHING_UPGRADE.test(text)) continue;
    for (const m of text.matchAll(ENGINE_UPGRADE)) engines.add(m[1]);
  }
  return [...engines].sort();
}

/** Flask-Migrate's multidb env.py (`flask db init --multidb`): it loops over the app's binds. */
const FLASK_MULTIDB = /^\s*for\s+\w+\s+in\s+bind_names\s*:/m;

/**
 * The database an environment whose env.py is Flask-Migrate's multidb one is compared for: the app's default one,
 * `''`, whose ops each revision's `upgrade(engine_name)` finds in `upgrade_()` (the binds' are not compared).
 */
function flaskMultidb(readText: (file: string) => string | undefined, scriptLocation: string): { engine?: string } {
  const text = readText(joinPath(scriptLocation, 'env.py'));
  return text !== undefined && FLASK_MULTIDB.test(text) ? { engine: '' } : {};
}

/**
 * A `[tool.alembic]` string as Alembic reads it (`value % {"here": ...}`): `%(here)s` is the file's folder (`.` to the
 * paths, which are relative to it) and `%%` a percent sign (`%%(rev)s` in a file_template is `%(rev)s`).
 */
function tomlValue(value: string): string {
  return value.replace(/%(%|\(here\)s)/g, (m) => (m === '%%' ? '%' : '.'));
}

function splitLocations(value: string, separator: string | undefined): string[] {
  const sep = (separator ?? '').trim().toLowerCase();
  let parts: string[];
  if (sep === 'os' || sep === ':') parts = value.split(/[:\n]/);
  else if (sep === 'space') parts = value.split(/\s+/);
  else if (sep === ';' || sep === 'semicolon') parts = value.split(/[;\n]/);
  else if (sep === 'newline') parts = value.split(/\n/);
  else parts = value.split(/[\s,]+/);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** The folders that hold the given files. */
function foldersOf(files: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    let d = dirname(f);
    while (d && !out.has(d)) {
      out.add(d);
      d = dirname(d);
    }
  }
  return out;
}

/**
 * Finds every Alembic environment of a project from its config files: each section of each alembic-style .ini
 * with a `script_location`, `[tool.alembic]` in pyproject.toml, and any folder with an env.py beside a versions/ folder.
 * `rootName` is the checked folder's own name, which a config in it may use to name it from the folder above.
 */
export function discoverEnvironments({ files, readText, rootName: checkedName }: { files: string[]; readText: (file: string) => string | undefined; rootName?: string }): AlembicEnvironment[] {
  const envs: AlembicEnvironment[] = [];
  const folders = foldersOf(files);
  // The checked folder may be named from the folder above only where it is a script folder (its env.py in it).
  const rootName = files.includes('env.py') ? checkedName : undefined;
  for (const file of files) {
    if (!file.endsWith('.ini')) continue;
    const text = readText(file);
    if (!text || !text.includes('script_location')) continue;
    const here = dirname(file);
    // `%(here)s` is the config's own folder: `.` to the paths below, which are relative to that folder.
    const sections = new Map(parseIni(text, '.'));
    // A section is an environment where it sets script_location itself, or is Alembic's own [alembic]: the logging
    // sections take [DEFAULT]'s script_location too, but Alembic never reads them as a config.
    const own = /^\s*\[\s*DEFAULT\s*\]/m.test(text) ? parseIni(text, '.', { defaults: false }) : sections;
    for (const [section, values] of sections) {
      const script = values.get('script_location');
      if (!script || isTemplatePlaceholder(script)) continue;
      if (section !== 'alembic' && !own.get(section)?.has('script_location')) continue;
      const scriptLocation = locate(here, script, folders, rootName);
      const env: AlembicEnvironment = {
        name: section === 'alembic' ? file : `${file} [${section}]`,
        configFile: file,
        section,
        scriptLocation,
        ...configuredSettings(values, here, scriptLocation, folders, rootName),
        ...missingScriptLocation(script, scriptLocation, folders, text, `[${section}]`),
      };
      // Alembic's multidb template: one database per name, each with its own section for its URL.
      const written = (values.get('databases') ?? '').split(/[\s,]+/).filter(Boolean);
      const engines = written.length > 0 ? written : enginesOfRevisions(env, files, readText);
      if (engines.length === 0) envs.push({ ...env, ...flaskMultidb(readText, scriptLocation) });
      for (const engine of engines) envs.push({ ...env, name: `${env.name} (${engine})`, engine, dialect: dialectOfUrl(sections.get(engine)?.get('sqlalchemy.url')) ?? env.dialect });
    }
  }
  for (const file of files) {
    if (!file.endsWith('pyproject.toml')) continue;
    const text = readText(file);
    if (!text || !text.includes('[tool.alembic]')) continue;
    try {
      const doc = parseToml(text) as { tool?: { alembic?: Record<string, unknown> } };
      const cfg = doc.tool?.alembic;
      const script = typeof cfg?.script_location === 'string' ? cfg.script_location : undefined;
      if (!script) continue;
      const here = dirname(file);
      const written = tomlValue(script);
      const scriptLocation = locate(here, written, folders, rootName);
      if (envs.some((e) => e.scriptLocation === scriptLocation)) continue;
      const versions = Array.isArray(cfg?.version_locations) ? (cfg!.version_locations as unknown[]).filter((v): v is string => typeof v === 'string') : undefined;
      envs.push({
        name: file,
        configFile: file,
        scriptLocation,
        versionLocations: versions ? versions.map((v) => locate(here, tomlValue(v), folders, rootName)) : [joinPath(scriptLocation, 'versions')],
        recursive: cfg?.recursive_version_locations === true,
        fileTemplate: typeof cfg?.file_template === 'string' ? tomlValue(cfg.file_template) : undefined,
        truncateSlugLength: typeof cfg?.truncate_slug_length === 'number' ? cfg.truncate_slug_length : undefined,
        mainOptions: Object.fromEntries(Object.entries(cfg ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string')),
        ...missingScriptLocation(written, scriptLocation, folders, text, '[tool.alembic]'),
      });
    } catch {
      // A broken pyproject.toml is reported by the settings reader; it declares no environment here.
    }
  }
  const known = new Set(envs.map((e) => e.scriptLocation));
  for (const file of files) {
    if (!file.endsWith('env.py')) continue;
    const dir = dirname(file);
    if (known.has(dir) || !folders.has(joinPath(dir, 'versions'))) continue;
    known.add(dir);
    // Flask-Migrate's config (migrations/alembic.ini) names no script_location: Flask-Migrate gives it that folder.
    const ini = joinPath(dir, 'alembic.ini');
    const text = readText(ini);
    const values = text ? new Map(parseIni(text, '.')).get('alembic') : undefined;
    const settings = values ? { configFile: ini, section: 'alembic', ...configuredSettings(values, dir, dir, folders, rootName) } : { versionLocations: [joinPath(dir, 'versions')], recursive: false };
    envs.push({ name: dir || '.', scriptLocation: dir, ...settings, ...flaskMultidb(readText, dir) });
  }
  return envs;
}

/** Whether a file lies in one of an environment's version folders (directly, or below when recursive). */
export function isInVersionLocation(env: AlembicEnvironment, file: string): boolean {
  const dir = dirname(file);
  return env.versionLocations.some((v) => dir === v || (env.recursive && (v === '' || dir.startsWith(`${v}/`))));
}
