import { parse as parseToml } from 'smol-toml';

/**
 * What a project requires of a package, where its version decides what the comparison must do: Alembic compares column
 * types by default only since 1.12 (`compare_type` was off before), and SQLModel on pydantic 1 makes a field whose
 * default is None nullable. The requirements are read from pyproject.toml's `[project]` (dependencies, optional
 * dependencies), `[dependency-groups]` and Poetry's tables, from a Pipfile, from pip's requirements files and the
 * lines of a setup.cfg (its `install_requires`), and from the string literals of a setup.py.
 */

/** A requirement of a package, as written, and whether it allows no version from a given one on. */
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
  return requiredBefore(files, 'alembic', TYPES_COMPARED_SINCE);
}

/**
 * The requirement (as written, with its file) when the files require pydantic 1: every requirement of pydantic allows
 * only versions before 2, or every one of SQLModel only versions before 0.0.14 (the first to run on pydantic 2).
 */
export function pydanticOne(files: Array<{ path: string; text: string }>): string | undefined {
  return requiredBefore(files, 'pydantic', [2]) ?? requiredBefore(files, 'sqlmodel', [0, 0, 14]);
}

/** The first requirement of `name` when every one the files make allows only versions before `version`. */
function requiredBefore(files: Array<{ path: string; text: string }>, name: string, version: number[]): string | undefined {
  const found: Array<Requirement & { path: string }> = [];
  const mentions = new RegExp(`\\b${name}\\b`, 'i');
  for (const { path, text } of files) {
    if (!mentions.test(text)) continue;
    const file = path.slice(path.lastIndexOf('/') + 1);
    const made = file === 'pyproject.toml' ? pyprojectRequirements(text, name) : file === 'Pipfile' ? pipfileRequirements(text, name) : file === 'setup.py' ? setupPyRequirements(text, name) : text.split('\n').map((line) => pep508Requirement(line, name));
    if (made === undefined) return undefined;
    for (const r of made) if (r) found.push({ ...r, path });
  }
  if (found.length === 0 || !found.every((r) => r.allowsOnlyBefore(version))) return undefined;
  return `${found[0].text} (${found[0].path})`;
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
    const spec = packages?.[name];
    const version = typeof spec === 'string' ? spec : table(spec)?.version;
    if (typeof version === 'string') out.push({ text: `${name} = "${version}"`, allowsOnlyBefore: (v) => version.trim() !== '*' && pep440Caps(version, v) });
    else if (spec !== undefined) out.push({ text: name, allowsOnlyBefore: () => false });
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
  return { text: `${name}${m[1].trim()}`, allowsOnlyBefore: (v) => pep440Caps(m[1], v) };
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
    const spec = table(deps)?.[name];
    const version = typeof spec === 'string' ? spec : table(spec)?.version;
    if (typeof version === 'string') out.push({ text: `${name} = "${version}"`, allowsOnlyBefore: (v) => poetryCaps(version, v) });
    else if (spec !== undefined) out.push({ text: name, allowsOnlyBefore: () => false });
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
