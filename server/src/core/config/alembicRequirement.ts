import { parse as parseToml } from 'smol-toml';

/**
 * What a project requires of Alembic, where that decides what its autogenerate compares: Alembic compares column types
 * by default only since 1.12 (`compare_type` was off before). The requirements are read from pyproject.toml's
 * `[project]` (dependencies, optional dependencies), `[dependency-groups]` and Poetry's tables, from a Pipfile, from
 * pip's requirements files and the lines of a setup.cfg (its `install_requires`), and from the string literals of a
 * setup.py.
 */

/** A requirement of Alembic, as written, and whether it allows no version from a given one on. */
interface Requirement {
  text: string;
  allowsOnlyBefore(version: number[]): boolean;
}

/** The first Alembic version whose autogenerate compares types unless env.py sets `compare_type=False`. */
const TYPES_COMPARED_SINCE = [1, 12, 0];

/**
 * The requirement (as written, `alembic==1.8.1`, with the file that makes it) when every one the files make of Alembic
 * allows only versions before 1.12, where autogenerate leaves types alone unless env.py sets `compare_type`; else
 * undefined (no requirement, one that allows 1.12 or later, or a pyproject.toml that cannot be read).
 */
export function alembicWithoutTypeComparison(files: Array<{ path: string; text: string }>): string | undefined {
  const found: Array<Requirement & { path: string }> = [];
  for (const { path, text } of files) {
    if (!/\balembic\b/i.test(text)) continue;
    const name = path.slice(path.lastIndexOf('/') + 1);
    const made = name === 'pyproject.toml' ? pyprojectRequirements(text) : name === 'Pipfile' ? pipfileRequirements(text) : name === 'setup.py' ? setupPyRequirements(text) : text.split('\n').map(pep508Requirement);
    if (made === undefined) return undefined;
    for (const r of made) if (r) found.push({ ...r, path });
  }
  if (found.length === 0 || !found.every((r) => r.allowsOnlyBefore(TYPES_COMPARED_SINCE))) return undefined;
  return `${found[0].text} (${found[0].path})`;
}

/** What a pyproject.toml requires of Alembic; undefined when it is no TOML. */
function pyprojectRequirements(text: string): Requirement[] | undefined {
  try {
    return requirementsOf(parseToml(text) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

/** What a Pipfile's `[packages]` and `[dev-packages]` require of Alembic (`alembic = "==1.8.1"`); undefined when it is no TOML. */
function pipfileRequirements(text: string): Requirement[] | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const out: Requirement[] = [];
  for (const packages of [table(doc.packages), table(doc['dev-packages'])]) {
    const spec = packages?.alembic;
    const version = typeof spec === 'string' ? spec : table(spec)?.version;
    if (typeof version === 'string') out.push({ text: `alembic = "${version}"`, allowsOnlyBefore: (v) => version.trim() !== '*' && pep440Caps(version, v) });
    else if (spec !== undefined) out.push({ text: 'alembic', allowsOnlyBefore: () => false });
  }
  return out;
}

/** The requirements of Alembic a setup.py writes as string literals (`install_requires=["alembic==0.9.10"]`). */
function setupPyRequirements(text: string): Array<Requirement | undefined> {
  return [...text.matchAll(/["'](alembic\b[^"'\n]*)["']/gi)].map((m) => pep508Requirement(m[1]));
}

/** A PEP 508 line or list item of Alembic (`alembic[tz]>=1.7,<1.12 ; python_version >= "3.8"`), else undefined. */
function pep508Requirement(line: string): Requirement | undefined {
  // pip-compile continues a pinned line with ` \` before its hashes.
  const m = /^\s*alembic\s*(?:\[[^\]]*\])?\s*([^;#\\]*)/i.exec(line);
  if (!m || /^[\w.-]/.test(m[1].trim())) return undefined;
  return { text: `alembic${m[1].trim()}`, allowsOnlyBefore: (v) => pep440Caps(m[1], v) };
}

/** Every requirement of Alembic the document makes, in PEP 508 lists and in Poetry's tables. */
function requirementsOf(doc: Record<string, unknown>): Requirement[] {
  const out: Requirement[] = [];
  const project = table(doc.project);
  const pep508Lists = [project?.dependencies, ...Object.values(table(project?.['optional-dependencies']) ?? {}), ...Object.values(table(doc['dependency-groups']) ?? {})];
  for (const list of pep508Lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const r = typeof item === 'string' ? pep508Requirement(item) : undefined;
      if (r) out.push(r);
    }
  }
  const poetry = table(table(doc.tool)?.poetry);
  const poetryTables = [poetry?.dependencies, poetry?.['dev-dependencies'], ...Object.values(table(poetry?.group) ?? {}).map((g) => table(g)?.dependencies)];
  for (const deps of poetryTables) {
    const spec = table(deps)?.alembic;
    const version = typeof spec === 'string' ? spec : table(spec)?.version;
    if (typeof version === 'string') out.push({ text: `alembic = "${version}"`, allowsOnlyBefore: (v) => poetryCaps(version, v) });
    else if (spec !== undefined) out.push({ text: 'alembic', allowsOnlyBefore: () => false });
  }
  return out;
}

/** A TOML table, or undefined for any other value. */
function table(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Whether a PEP 440 specifier set (`>=1.7,<1.12`, `==1.8.*`, `~=1.8.0`) allows no version from `version` on. */
function pep440Caps(specifiers: string, version: number[]): boolean {
  return specifiers.split(',').some((clause) => {
    const m = /^\s*(===|==|~=|<=|<|!=|>=|>)\s*([\d.]+)(\.\*)?\s*$/.exec(clause);
    if (!m) return false;
    const [, op, v, wildcard] = m;
    const parts = v.split('.').map(Number);
    if (op === '==' || op === '===') return wildcard ? compare(parts, version.slice(0, parts.length)) < 0 : compare(parts, version) < 0;
    if (op === '<') return compare(parts, version) <= 0;
    if (op === '<=') return compare(parts, version) < 0;
    // `~=1.8.0` is `>=1.8.0, ==1.8.*`: below the next release of the last but one part.
    if (op === '~=' && parts.length >= 2) return compare(bumped(parts, parts.length - 2), version) <= 0;
    return false;
  });
}

/** Whether a Poetry constraint (`1.8.1`, `^0.9`, `~1.8`, `>=1.7,<1.12`) allows no version from `version` on. */
function poetryCaps(constraint: string, version: number[]): boolean {
  if (constraint.includes('||')) return false;
  return constraint.split(',').some((clause) => {
    const m = /^\s*([\^~]|[<>=!~]=?|===?)?\s*([\d.]+)(\.\*)?\s*$/.exec(clause);
    if (!m) return false;
    const [, op = '', v, wildcard] = m;
    const parts = v.split('.').map(Number);
    if (op === '' || op === '=') return pep440Caps(`==${v}${wildcard ?? ''}`, version);
    // `^1.8` is below 2.0, `^0.9` below 0.10: the first part that is not zero goes up.
    if (op === '^') return compare(bumped(parts, Math.max(0, parts.findIndex((p) => p !== 0))), version) <= 0;
    // `~1.8.1` and `~1.8` are below 1.9, `~1` below 2.
    if (op === '~') return compare(bumped(parts, Math.min(1, parts.length - 1)), version) <= 0;
    return pep440Caps(`${op}${v}${wildcard ?? ''}`, version);
  });
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
