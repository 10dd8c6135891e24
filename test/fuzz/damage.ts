/** A small seeded pseudo-random generator (mulberry32), so every fuzz run can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GARBAGE = ['(', ')', ':', '"""', "'", '\\', '\x00', '\uFFFD', '\u00e9', 'class ', 'def ', 'sa.Column(', 'op.add_column(', '=', ',', '\t', '    ', '# alembic-drift: ignore', 'revision = ', 'down_revision = (', '[[[[[', '}}'];

/** Ways a file gets damaged while someone types, merges or copies: each returns the damaged text. */
const DAMAGES: Array<(text: string, rnd: () => number) => string> = [
  (t, r) => t.slice(0, Math.floor(r() * t.length)),
  (t, r) => {
    const i = Math.floor(r() * t.length);
    return t.slice(0, i) + GARBAGE[Math.floor(r() * GARBAGE.length)] + t.slice(i);
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = Math.floor(r() * lines.length);
    return [...lines.slice(0, i), '<<<<<<< HEAD', ...lines.slice(i, i + 3), '=======', ...lines.slice(i, i + 2), '>>>>>>> feature', ...lines.slice(i + 3)].join('\n');
  },
  (t, r) => {
    const lines = t.split('\n');
    lines.splice(Math.floor(r() * lines.length), 1 + Math.floor(r() * 3));
    return lines.join('\n');
  },
  (t, r) => t.replace(/\n/g, () => (r() < 0.05 ? '\n\x00' : '\n')),
  (t) => t.repeat(50),
  () => '',
  (t, r) => `x = ${'('.repeat(300 + Math.floor(r() * 500))}1${')'.repeat(300)}\n${t}`,
  (t) => `${'y = "'}${'a'.repeat(200_000)}"\n${t}`,
  (t, r) => Buffer.from(Buffer.from(t).map((b) => (r() < 0.01 ? Math.floor(r() * 256) : b))).toString('latin1'),
];

/** Damages a text once, by a randomly chosen kind of damage. */
export function damage(text: string, rnd: () => number): string {
  return DAMAGES[Math.floor(rnd() * DAMAGES.length)](text, rnd);
}
