/**
 * Reads alembic.ini the way Python's configparser does for Alembic: `[sections]`, `key = value` or `key: value`,
 * indented continuation lines, `#`/`;` comment lines, and `%(here)s` (plus same-section) interpolation.
 */
export function parseIni(text: string, here: string): Map<string, Map<string, string>> {
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
  for (const values of sections.values()) {
    for (const [k, v] of values) values.set(k, interpolate(v, values, here));
  }
  return sections;
}

function interpolate(value: string, section: Map<string, string>, here: string, depth = 0): string {
  if (depth > 5) return value;
  return value.replace(/%\((\w+)\)s/g, (m, name: string) => {
    if (name === 'here') return here;
    const v = section.get(name.toLowerCase());
    return v === undefined ? m : interpolate(v, section, here, depth + 1);
  }).replace(/%%/g, '%');
}
