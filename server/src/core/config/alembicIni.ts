/**
 * Reads alembic.ini the way Python's configparser does for Alembic: `[sections]`, `key = value` or `key: value`,
 * indented continuation lines, `#`/`;` comment lines, `[DEFAULT]`'s keys in every section, and `%(here)s` (plus
 * same-section) interpolation.
 */
export function parseIni(text: string, here: string, options: { defaults?: boolean } = {}): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw)) continue;
    if (!raw.trim()) {
      lastKey = undefined;
      continue;
    }
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (section) {
      current = sections.get(section[1].trim()) ?? new Map();
      sections.set(section[1].trim(), current);
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && current && lastKey) {
      current.set(lastKey, `${current.get(lastKey)}\n${raw.trim()}`);
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (kv && current) {
      lastKey = kv[1].trim().toLowerCase();
      current.set(lastKey, kv[2].trim());
    }
  }
  // `[DEFAULT]` is no section: its keys are every section's that does not set them, and interpolate there (unless
  // `defaults` is false: each section with its own keys only).
  const defaults = sections.get('DEFAULT');
  sections.delete('DEFAULT');
  if (defaults && options.defaults !== false) {
    for (const [name, values] of sections) sections.set(name, new Map([...defaults, ...values]));
  }
  for (const values of sections.values()) {
    for (const [k, v] of values) values.set(k, interpolate(v, values, here));
  }
  return sections;
}

/**
 * The folders an alembic.ini's `prepend_sys_path` puts on `sys.path` (of any section), relative to the ini's folder
 * (`%(here)s` is it), as Alembic splits them: on spaces and commas, and on the path separator.
 */
export function prependSysPaths(text: string): string[] {
  if (!text.includes('prepend_sys_path')) return [];
  const out: string[] = [];
  for (const values of parseIni(text, '.').values()) {
    const value = values.get('prepend_sys_path');
    if (value) out.push(...value.split(/[\s,:;]+/).filter(Boolean));
  }
  return out;
}

/** The longest value interpolation may make; beyond it the value is left as written (configparser has no bound). */
const MAX_INTERPOLATED_CHARS = 65_536;

/**
 * Expands `%(name)s` from the same section (five levels deep at most, each name once per level) and `%%`; a value
 * that would grow past MAX_INTERPOLATED_CHARS is left as written, so that nested references cannot exhaust memory.
 */
function interpolate(value: string, section: Map<string, string>, here: string): string {
  /** Each name's expansion at each depth; null when it would be too long. */
  const expanded = new Map<string, string | null>();
  const expand = (text: string, depth: number): string | null => {
    if (depth > 5) return text;
    let size = text.length;
    let tooLong = false;
    const out = text.replace(/%\((\w+)\)s/g, (m, name: string) => {
      if (tooLong) return m;
      const key = `${name.toLowerCase()}\0${depth}`;
      let v = name === 'here' ? here : expanded.get(key);
      if (v === undefined) {
        const raw = section.get(name.toLowerCase());
        if (raw === undefined) return m;
        v = expand(raw, depth + 1);
        expanded.set(key, v);
      }
      size += v?.length ?? Infinity;
      if (v === null || size > MAX_INTERPOLATED_CHARS) {
        tooLong = true;
        return m;
      }
      return v;
    });
    return tooLong ? null : out.replace(/%%/g, '%');
  };
  return expand(value, 0) ?? value;
}
