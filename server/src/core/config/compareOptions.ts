import type { SchemaChange } from '../diff/diffSchemas';
import type { Finding } from '../findings';

/**
 * What the environment's autogenerate compares beyond tables, columns, nullability, indexes and constraints, as
 * env.py asks `context.configure(...)`: server defaults only with `compare_server_default=` set (Alembic's default is
 * off), types unless `compare_type=False` (on by default since Alembic 1.12). `undefined`: env.py does not say in a
 * way we can read (it calls no `configure(...)`, or passes options built elsewhere), so nothing is assumed.
 */
export interface CompareOptions {
  serverDefault?: boolean;
  type?: boolean;
}

/**
 * Reads the compare options from env.py's text (a plain search: env.py is never run). Flask-Migrate's env.py passes
 * `**current_app.extensions["migrate"].configure_args`, the keywords of the project's `Migrate(app, db, ...)`: then
 * the project's other Python files are searched for them (Flask-Migrate sets `compare_type=True` itself).
 */
export function readCompareOptions(envPy: string | undefined, projectPython: () => Iterable<string>): CompareOptions {
  if (envPy === undefined) return {};
  const calls = configureCalls(envPy);
  if (calls.length === 0) return {};
  let serverDefault = optionIn(envPy, 'compare_server_default');
  let type = optionIn(envPy, 'compare_type');
  const spreads = calls.some((c) => /\*\*\s*[A-Za-z_]/.test(c));
  if (/\bconfigure_args\b/.test(envPy)) {
    for (const text of projectPython()) {
      if (!text.includes('Migrate')) continue;
      serverDefault ??= optionIn(text, 'compare_server_default');
      type ??= optionIn(text, 'compare_type');
    }
    return { serverDefault: serverDefault ?? false, type: type ?? true };
  }
  // Options spread from something env.py does not spell out may set either.
  if (spreads) return { serverDefault: serverDefault === true ? true : undefined, type: type === false ? false : undefined };
  return { serverDefault: serverDefault ?? false, type: type ?? true };
}

/** The argument text of each `configure(...)` call. */
function configureCalls(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\bconfigure\s*\(/g)) {
    const start = m.index! + m[0].length;
    let depth = 1;
    let i = start;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
    }
    out.push(text.slice(start, i - 1));
  }
  return out;
}

/**
 * `name=value` or `"name": value` in the text: true when some occurrence's value is other than False / None / 0 (a
 * comparison function counts as on), false when all are off, undefined when none is written.
 */
function optionIn(text: string, name: string): boolean | undefined {
  let found: boolean | undefined;
  for (const m of text.matchAll(new RegExp(`(?<![\\w.])["']?${name}["']?\\s*(?:=(?!=)|:)\\s*([^,)\\n#]*)`, 'g'))) {
    const value = m[1].trim();
    if (!value) continue;
    const on = !/^(False|None|0)$/.test(value);
    found = (found ?? false) || on;
  }
  return found;
}

/**
 * Lowers to information the findings of what this environment's autogenerate does not compare: a server default
 * when env.py leaves `compare_server_default` off, a type when it sets `compare_type=False`. They are still real
 * differences, but `alembic check` and `revision --autogenerate` are silent on them, so they are notes (and a
 * written revision leaves them out, as autogenerate does). The changes are copies: the diff's own are remembered.
 */
export function applyCompareOptions(changes: SchemaChange[], options: CompareOptions): SchemaChange[] {
  if (options.serverDefault !== false && options.type !== false) return changes;
  return changes.map((c): SchemaChange => {
    const f = c.finding;
    if (f.severity !== 'warning' && f.severity !== 'error') return c;
    const why =
      f.code === 'default-mismatch' && options.serverDefault === false ? 'env.py leaves compare_server_default off'
      : f.code === 'type-mismatch' && options.type === false ? 'env.py sets compare_type=False'
      : undefined;
    return why ? { ...c, finding: lowered(f, why) } : c;
  });
}

/** The note for a finding, the same object while the finding is (the server publishes what changed by identity). */
const notes = new WeakMap<Finding, Finding>();

function lowered(f: Finding, why: string): Finding {
  let note = notes.get(f);
  if (!note) notes.set(f, (note = { ...f, severity: 'information', message: `${f.message} Alembic does not compare it here: ${why}.` }));
  return note;
}
