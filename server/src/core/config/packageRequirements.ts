import { parse as parseToml } from 'smol-toml';

/**
 * What a project requires of a package, where its version decides what the comparison must do: Alembic compares column
 * types by default only since 1.12 (`compare_type` was off before) and named CHECK constraints only since 1.19 (by
 * default in 1.19.0 and 1.19.1, opt-in after), SQLAlchemy reflects indexes on expressions only since 2.0, and SQLModel
 * on pydantic 1 makes a field whose default is None nullable. The requirements are read from pyproject.toml's
 * `[project]` (dependencies, optional dependencies), `[dependency-groups]` and Poetry's tables, from a Pipfile, from
 * pip's requirements files and the lines of a setup.cfg (its `install_requires`), and from the string literals of a
 * setup.py.
 */

/** A clause of a version specifier, each of which bounds the versions allowed: `>=1.7`, `<1.12`, `==1.8.*`. */
interface Clause {
  op: '==' | '===' | '<' | '<=' | '>' | '>=';
  parts: number[];
  wildcard?: true;
}

/** A requirement of a package, as written, and the clauses that bound its version (none: any version). */
interface Requirement {
  text: string;
  clauses: Clause[];
}

/** The versions a question is about: from `from` on (inclusive), before `before`. */
interface VersionRange {
  from?: number[];
  before?: number[];
}

/** The first Alembic version whose autogenerate compares types unless env.py sets `compare_type=False`. */
const TYPES_COMPARED_SINCE = [1, 12, 0];
/** The first Alembic version whose autogenerate compares named CHECK constraints, on by default (its plugin). */
const CHECKS_COMPARED_SINCE = [1, 19, 0];
/** The first Alembic version where that plugin is opt-in (`alembic.ext.checkconstraint_byname`). */
const CHECKS_OPT_IN_SINCE = [1, 19, 2];
/** The first SQLAlchemy version whose PostgreSQL inspector reflects indexes on expressions. */
const EXPRESSION_INDEXES_REFLECTED_SINCE = [2];

/**
 * The requirement (as written, `alembic==1.8.1`, with the file that makes it) when every one the files make of Alembic
 * allows only versions before 1.12, where autogenerate leaves types alone unless env.py sets `compare_type`; else
 * undefined (no requirement, one that allows 1.12 or later, or a pyproject.toml that cannot be read).
 */
export function alembicWithoutTypeComparison(files: RequirementsFiles): string | undefined {
  return requiredWithin(files, 'alembic', { before: TYPES_COMPARED_SINCE });
}

/** The requirement (as written, with its file) when every one of Alembic allows only versions before 1.19, whose autogenerate compares no CHECK constraint. */
export function alembicWithoutCheckComparison(files: RequirementsFiles): string | undefined {
  return requiredWithin(files, 'alembic', { before: CHECKS_COMPARED_SINCE });
}

/**
 * The requirement (as written, with its file) when every one of Alembic allows only 1.19.0 or 1.19.1, whose default
 * plugins (`alembic.autogenerate.*`) compare named CHECK constraints, opt-in from 1.19.2 on.
 */
export function alembicComparingChecksByDefault(files: RequirementsFiles): string | undefined {
  return requiredWithin(files, 'alembic', { from: CHECKS_COMPARED_SINCE, before: CHECKS_OPT_IN_SINCE });
}

/** The requirement (as written, with its file) when every one of SQLAlchemy allows only versions before 2.0, whose inspector skips indexes on expressions. */
export function sqlalchemyWithoutExpressionIndexes(files: RequirementsFiles): string | undefined {
  return requiredWithin(files, 'sqlalchemy', { before: EXPRESSION_INDEXES_REFLECTED_SINCE });
}

/**
 * The requirement (as written, with its file) when the files require pydantic 1: every requirement of pydantic allows
 * only versions before 2, or every one of SQLModel only versions before 0.0.14 (the first to run on pydantic 2).
 */
export function pydanticOne(files: RequirementsFiles): string | undefined {
  return requiredWithin(files, 'pydantic', { before: [2] }) ?? requiredWithin(files, 'sqlmodel', { before: [0, 0, 14] });
}

/** The files that say what a project requires, with their text. */
type RequirementsFiles = Array<{ path: string; text: string }>;

/**
 * The first requirement of `name` when every one the files make allows only versions in the range. A pip-tools input
 * (`main.in`) beside the file compiled from it (`main.txt`) is left out: the compiled pins are what is installed.
 */
function requiredWithin(files: RequirementsFiles, name: string, range: VersionRange): string | undefined {
  const found: Array<Requirement & { path: string }> = [];
  const mentions = new RegExp(`\\b${name}\\b`, 'i');
  const paths = new Set(files.map((f) => f.path));
  for (const { path, text } of files) {
    if (!mentions.test(text) || (path.endsWith('.in') && paths.has(`${path.slice(0, -'.in'.length)}.txt`))) continue;
    const file = path.slice(path.lastIndexOf('/') + 1);
    const made = file === 'pyproject.toml' ? pyprojectRequirements(text, name) : file === 'Pipfile' ? pipfileRequirements(text, name) : file === 'setup.py' ? setupPyRequirements(text, name) : text.split('\n').map((line) => pep508Requirement(line, name));
    if (made === undefined) return undefined;
    for (const r of made) if (r) found.push({ ...r, path });
  }
  if (found.length === 0 || !found.every((r) => allowsOnly(r, range))) return undefined;
  return `${found[0].text} (${found[0].path})`;
}

/** Whether a requirement allows no version outside the range: a clause caps it below `before`, one keeps it from `from` on. */
function allowsOnly(r: Requirement, { from, before }: VersionRange): boolean {
  return (!from || r.clauses.some((c) => floorsAt(c, from))) && (!before || r.clauses.some((c) => capsBefore(c, before)));
}

/** What a pyproject.toml requires of a package; undefined when it is no TOML. */
function pyprojectRequirements(text: string, name: string): Requirement[] | undefined {
  try {
    return requirementsOf(parseToml(text) as Record<string, unknown>, name);
  } catch {
    return undefined;
  }
}

/** What a Pipfile's `[packages]` and `[dev-packages]` require of a package (`alembic = "==1.8.1"`); undefined when it is no TOML. */
function pipfileRequirements(text: string, name: string): Requirement[] | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const out: Requirement[] = [];
  for (const packages of [table(doc.packages), table(doc['dev-packages'])]) {
    const r = tableRequirement(packages, name, pep440Clauses);
    if (r) out.push(r);
  }
  return out;
}

/** The requirements of a package a setup.py writes as string literals (`install_requires=["alembic==0.9.10"]`). */
function setupPyRequirements(text: string, name: string): Array<Requirement | undefined> {
  return [...text.matchAll(new RegExp(`["'](${name}\\b[^"'\\n]*)["']`, 'gi'))].map((m) => pep508Requirement(m[1], name));
}

/** A PEP 508 line or list item of a package (`alembic[tz]>=1.7,<1.12 ; python_version >= "3.8"`), else undefined. */
function pep508Requirement(line: string, name: string): Requirement | undefined {
  // pip-compile continues a pinned line with ` \` before its hashes.
  const m = new RegExp(`^\\s*${name}\\s*(?:\\[[^\\]]*\\])?\\s*([^;#\\\\]*)`, 'i').exec(line);
  if (!m || /^[\w.-]/.test(m[1].trim())) return undefined;
  return { text: `${name}${m[1].trim()}`, clauses: pep440Clauses(m[1]) };
}

/** Every requirement of a package the document makes, in PEP 508 lists and in Poetry's tables. */
function requirementsOf(doc: Record<string, unknown>, name: string): Requirement[] {
  const out: Requirement[] = [];
  const project = table(doc.project);
  const pep508Lists = [project?.dependencies, ...Object.values(table(project?.['optional-dependencies']) ?? {}), ...Object.values(table(doc['dependency-groups']) ?? {})];
  for (const list of pep508Lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const r = typeof item === 'string' ? pep508Requirement(item, name) : undefined;
      if (r) out.push(r);
    }
  }
  const poetry = table(table(doc.tool)?.poetry);
  const poetryTables = [poetry?.dependencies, poetry?.['dev-dependencies'], ...Object.values(table(poetry?.group) ?? {}).map((g) => table(g)?.dependencies)];
  for (const deps of poetryTables) {
    const r = tableRequirement(table(deps), name, poetryClauses);
    if (r) out.push(r);
  }
  return out;
}

/**
 * The requirement of a package in a table of packages (Poetry's, a Pipfile's), its key written in any case: a version
 * string, or a table with one (`{ version = "^1.4", extras = [...] }`); any version for one without (a git source).
 */
function tableRequirement(packages: Record<string, unknown> | undefined, name: string, clausesOf: (version: string) => Clause[]): Requirement | undefined {
  const key = Object.keys(packages ?? {}).find((k) => k.toLowerCase() === name);
  if (key === undefined) return undefined;
  const spec = packages![key];
  const version = typeof spec === 'string' ? spec : table(spec)?.version;
  return typeof version === 'string' ? { text: `${key} = "${version}"`, clauses: clausesOf(version) } : { text: key, clauses: [] };
}

/** A TOML table, or undefined for any other value. */
function table(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The bounding clauses of a PEP 440 specifier set (`>=1.7,<1.12`, `==1.8.*`, `~=1.8.0`); `!=` and what is not read bound nothing. */
function pep440Clauses(specifiers: string): Clause[] {
  return specifiers.split(',').flatMap((clause): Clause[] => {
    const m = /^\s*(===|==|~=|<=|<|!=|>=|>)\s*([\d.]+)(\.\*)?\s*$/.exec(clause);
    if (!m) return [];
    const [, op, v, wildcard] = m;
    const parts = v.split('.').map(Number);
    // `~=1.8.0` is `>=1.8.0, ==1.8.*`: below the next release of the last but one part.
    if (op === '~=') return parts.length >= 2 ? [{ op: '>=', parts }, { op: '<', parts: bumped(parts, parts.length - 2) }] : [];
    if (op === '!=') return [];
    return [wildcard && (op === '==' || op === '===') ? { op, parts, wildcard: true } : { op: op as Clause['op'], parts }];
  });
}

/** The bounding clauses of a Poetry constraint (`1.8.1`, `^0.9`, `~1.8`, `>=1.7,<1.12`); none for alternatives (`||`). */
function poetryClauses(constraint: string): Clause[] {
  if (constraint.includes('||')) return [];
  return constraint.split(',').flatMap((clause): Clause[] => {
    const m = /^\s*([\^~]|[<>=!~]=?|===?)?\s*([\d.]+)(\.\*)?\s*$/.exec(clause);
    if (!m) return [];
    const [, op = '', v, wildcard = ''] = m;
    const parts = v.split('.').map(Number);
    if (op === '' || op === '=') return pep440Clauses(`==${v}${wildcard}`);
    // `^1.8` is below 2.0, `^0.9` below 0.10: the first part that is not zero goes up.
    if (op === '^') return [{ op: '>=', parts }, { op: '<', parts: bumped(parts, Math.max(0, parts.findIndex((p) => p !== 0))) }];
    // `~1.8.1` and `~1.8` are below 1.9, `~1` below 2.
    if (op === '~') return [{ op: '>=', parts }, { op: '<', parts: bumped(parts, Math.min(1, parts.length - 1)) }];
    return pep440Clauses(`${op}${v}${wildcard}`);
  });
}

/** Whether a clause allows no version from `version` on. */
function capsBefore(c: Clause, version: number[]): boolean {
  if (c.op === '==' || c.op === '===') return compare(c.parts, c.wildcard ? version.slice(0, c.parts.length) : version) < 0;
  if (c.op === '<') return compare(c.parts, version) <= 0;
  if (c.op === '<=') return compare(c.parts, version) < 0;
  return false;
}

/** Whether a clause allows no version before `version` (`==1.19.*` allows none before 1.19.0). */
function floorsAt(c: Clause, version: number[]): boolean {
  return c.op !== '<' && c.op !== '<=' && compare(c.parts, version) >= 0;
}

/** The version with part `at` one higher and the parts after it dropped (`1.8.1` at 1: `1.9`). */
function bumped(parts: number[], at: number): number[] {
  return [...parts.slice(0, at), (parts[at] ?? 0) + 1];
}

/** Compares versions part by part, missing parts being zero. */
function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
