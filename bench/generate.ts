// Generates synthetic SQLAlchemy + Alembic projects for the benchmark: classic declarative models in several model
// files, a revision history with create_table, add_column, alter_column, create_index, batch blocks, renames,
// temporary tables and columns, and merges of two branches, valid for Alembic 1.8 / SQLAlchemy 1.4 on SQLite. Drift is
// planted at known places (file, line, code, table, column), one planted drift per table, so a run can check that
// every one of them is found and nothing else is.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** How big a project to generate. */
export interface SizeSpec {
  name: string;
  tables: number;
  modelFiles: number;
  /** Roughly how many revisions lie between two branch points (each branch pair ends in a merge revision). */
  branchEvery: number;
  /** Planted drifts of each kind. */
  driftPerKind: number;
  seed: number;
}

export const SIZES: Record<string, SizeSpec> = {
  S: { name: 'S', tables: 50, modelFiles: 4, branchEvery: 20, driftPerKind: 1, seed: 1 },
  M: { name: 'M', tables: 500, modelFiles: 20, branchEvery: 40, driftPerKind: 5, seed: 2 },
  L: { name: 'L', tables: 2000, modelFiles: 80, branchEvery: 50, driftPerKind: 20, seed: 3 },
};

/** The kinds of drift planted, by the finding code the engine should report. */
export const DRIFT_KINDS = [
  'missing-table',
  'missing-column',
  'type-mismatch',
  'nullable-mismatch',
  'default-mismatch',
  'missing-index',
  'missing-unique',
  'missing-foreign-key',
  'extra-table',
  'extra-column',
  'extra-index',
  'extra-unique',
  'extra-foreign-key',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** One planted drift: where the finding should be reported (file relative to the project, line 1-based). */
export interface PlantedDrift {
  code: DriftKind;
  table: string;
  column?: string;
  file: string;
  line: number;
  /** How the migrations reach the drifted state (for reading a miss). */
  how: string;
}

/** A column whose String length can be changed by typing one digit, in its model file and in its migration. */
export interface EditTarget {
  table: string;
  column: string;
  length: number;
  modelFile: string;
  /** 1-based line of `column = Column(String(length)...)` in the model file. */
  modelLine: number;
  migrationFile: string;
  /** 1-based line of `sa.Column('column', sa.String(length=...))` in the revision that creates the table. */
  migrationLine: number;
}

export interface GeneratedProject {
  root: string;
  spec: SizeSpec;
  planted: PlantedDrift[];
  editTargets: EditTarget[];
  stats: { tables: number; revisions: number; merges: number; modelFiles: number; pythonFiles: number; pythonBytes: number };
}

// ---------------------------------------------------------------------------------------------------------------
// Random numbers (seeded, so a size always gives the same project)

class Random {
  constructor(private state: number) {}
  next(): number {
    // mulberry32
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(this.next() * 16)];
    return s;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The schema: what the models say, and what the migrations end with

type Kind = 'int' | 'bigint' | 'str' | 'text' | 'bool' | 'datetime' | 'date' | 'numeric' | 'float';
interface ColType {
  kind: Kind;
  length?: number;
}

/** How the migrations bring a column to its final state. */
type Life =
  | 'inline' // in create_table
  | 'added' // op.add_column / batch_op.add_column in a later revision
  | 'added-notnull' // added nullable, back-filled with op.execute, then made NOT NULL in a batch block
  | 'altered' // created with another type or nullability, then batch_op.alter_column
  | 'renamed' // created under another name, then batch_op.alter_column(new_column_name=...)
  | 'none'; // never created (planted missing-column)

interface Column {
  name: string;
  type: ColType;
  nullable: boolean;
  pk?: boolean;
  index?: boolean;
  unique?: boolean;
  /** Parent table of a foreign key to parent.id. */
  fk?: string;
  ondelete?: string;
  serverDefault?: string;
  /** Class name for a relationship() next to the foreign key. */
  relationship?: string;
  life: Life;
  /** The final state in the migrations, where it differs from the model (planted drift). */
  db: { type: ColType; nullable: boolean; index: boolean; unique: boolean; fk: boolean; serverDefault?: string };
  /** The state create_table writes for an altered column. */
  initial?: { type: ColType; nullable: boolean };
  oldName?: string;
  /** The index is created in a later revision than the table. */
  lateIndex?: boolean;
  /** Key of a planted drift marked on this column's line. */
  mark?: string;
}

interface Composite {
  kind: 'index' | 'unique';
  name: string;
  columns: string[];
}

interface Table {
  index: number;
  noun: string;
  name: string;
  className: string;
  module: string;
  columns: Column[];
  composites: Composite[];
  /** normal, renamed (created under oldName, then op.rename_table), or missing (planted missing-table). */
  life: 'normal' | 'renamed' | 'missing';
  oldName?: string;
  drift?: DriftKind;
  /** Extra things only the migrations have (planted extra-* drift). */
  extraFk?: { column: string; parent: string };
  extraUnique?: string;
  /** Column that gets a planted extra index in a later revision. */
  extraIndex?: string;
  /** Column added by a later revision that the model does not have. */
  extraColumn?: string;
}

const NOUNS = [
  'account', 'invoice', 'payment', 'customer', 'order', 'product', 'shipment', 'warehouse', 'supplier', 'employee',
  'department', 'project', 'task', 'ticket', 'comment', 'review', 'coupon', 'campaign', 'subscription', 'plan',
  'region', 'store', 'category', 'tag', 'address', 'contact', 'lead', 'contract', 'asset', 'device', 'sensor',
  'reading', 'alert', 'report', 'document', 'attachment', 'note', 'event', 'session', 'vendor', 'budget', 'ledger',
  'refund', 'carrier', 'route', 'vehicle', 'driver', 'booking', 'room', 'guest', 'course', 'lesson', 'student',
  'teacher', 'grade', 'policy', 'claim', 'agent', 'branch', 'loan', 'deposit', 'transfer', 'merchant', 'terminal',
];
const DOMAINS = ['accounts', 'billing', 'catalog', 'crm', 'inventory', 'shipping', 'support', 'reporting', 'hr', 'marketing', 'fleet', 'bookings', 'learning', 'insurance', 'banking', 'payments'];

const COLUMN_TEMPLATES: Array<{ name: string; type: ColType; default?: string }> = [
  { name: 'name', type: { kind: 'str', length: 100 } },
  { name: 'title', type: { kind: 'str', length: 200 } },
  { name: 'code', type: { kind: 'str', length: 32 } },
  { name: 'email', type: { kind: 'str', length: 255 } },
  { name: 'status', type: { kind: 'str', length: 20 }, default: 'draft' },
  { name: 'description', type: { kind: 'text' } },
  { name: 'amount', type: { kind: 'numeric' } },
  { name: 'price', type: { kind: 'numeric' } },
  { name: 'quantity', type: { kind: 'int' } },
  { name: 'created_at', type: { kind: 'datetime' } },
  { name: 'updated_at', type: { kind: 'datetime' } },
  { name: 'is_active', type: { kind: 'bool' }, default: '1' },
  { name: 'notes', type: { kind: 'text' } },
  { name: 'slug', type: { kind: 'str', length: 120 } },
  { name: 'reference', type: { kind: 'str', length: 64 } },
  { name: 'starts_on', type: { kind: 'date' } },
  { name: 'ends_on', type: { kind: 'date' } },
  { name: 'score', type: { kind: 'float' } },
  { name: 'rating', type: { kind: 'int' } },
  { name: 'external_id', type: { kind: 'bigint' } },
  { name: 'label', type: { kind: 'str', length: 50 } },
  { name: 'color', type: { kind: 'str', length: 20 } },
  { name: 'priority', type: { kind: 'int' } },
  { name: 'weight', type: { kind: 'float' } },
  { name: 'url', type: { kind: 'str', length: 255 } },
  { name: 'phone', type: { kind: 'str', length: 32 } },
  { name: 'city', type: { kind: 'str', length: 100 } },
  { name: 'country', type: { kind: 'str', length: 2 } },
  { name: 'currency', type: { kind: 'str', length: 3 }, default: 'EUR' },
  { name: 'balance', type: { kind: 'numeric' } },
  { name: 'archived', type: { kind: 'bool' }, default: '0' },
  { name: 'position', type: { kind: 'int' } },
];

function plural(noun: string): string {
  if (/(s|x|ch|sh)$/.test(noun)) return `${noun}es`;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  return `${noun}s`;
}

function camel(noun: string): string {
  return noun
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

function modelType(t: ColType): string {
  switch (t.kind) {
    case 'int':
      return 'Integer';
    case 'bigint':
      return 'BigInteger';
    case 'str':
      return `String(${t.length})`;
    case 'text':
      return 'Text';
    case 'bool':
      return 'Boolean';
    case 'datetime':
      return 'DateTime';
    case 'date':
      return 'Date';
    case 'numeric':
      return 'Numeric(10, 2)';
    case 'float':
      return 'Float';
  }
}

function migrationType(t: ColType): string {
  switch (t.kind) {
    case 'int':
      return 'sa.Integer()';
    case 'bigint':
      return 'sa.BigInteger()';
    case 'str':
      return `sa.String(length=${t.length})`;
    case 'text':
      return 'sa.Text()';
    case 'bool':
      return 'sa.Boolean()';
    case 'datetime':
      return 'sa.DateTime()';
    case 'date':
      return 'sa.Date()';
    case 'numeric':
      return 'sa.Numeric(precision=10, scale=2)';
    case 'float':
      return 'sa.Float()';
  }
}

const q = (s: string): string => `'${s}'`;

function plainColumn(c: Column): boolean {
  return !c.pk && !c.index && !c.unique && !c.fk && c.serverDefault === undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Building the schema

function buildTables(spec: SizeSpec, rng: Random): Table[] {
  const tables: Table[] = [];
  const perModule = Math.ceil(spec.tables / spec.modelFiles);
  const width = String(spec.tables).length;
  for (let i = 0; i < spec.tables; i++) {
    const noun = NOUNS[i % NOUNS.length];
    const n = String(i).padStart(width, '0');
    const m = Math.floor(i / perModule);
    const module = spec.modelFiles <= DOMAINS.length ? DOMAINS[m] : `${DOMAINS[m % DOMAINS.length]}_${Math.floor(m / DOMAINS.length) + 1}`;
    tables.push({ index: i, noun, name: `${plural(noun)}_${n}`, className: `${camel(noun)}${n}`, module, columns: [], composites: [], life: 'normal' });
  }

  // Planted drift first: one kind per table, on tables spread over the whole project.
  const order = rng.shuffle(tables.map((t) => t.index).filter((i) => i > 0));
  let next = 0;
  for (const kind of DRIFT_KINDS) {
    if (kind === 'extra-table') continue; // tables only the migrations have are made separately
    for (let k = 0; k < spec.driftPerKind; k++) tables[order[next++]].drift = kind;
  }
  // A few tables created under another name and renamed later.
  for (let k = 0; k < Math.max(1, Math.round(spec.tables / 100)); k++) tables[order[next++]].life = 'renamed';
  for (const t of tables) if (t.drift === 'missing-table') t.life = 'missing';

  const parentOk = (p: Table): boolean => p.life === 'normal';
  for (const t of tables) {
    const cols: Column[] = [];
    const add = (c: Omit<Column, 'db' | 'life'> & { life?: Life }): Column => {
      const col: Column = { ...c, life: c.life ?? 'inline', db: { type: c.type, nullable: c.nullable, index: !!c.index, unique: !!c.unique, fk: !!c.fk, serverDefault: c.serverDefault } };
      cols.push(col);
      return col;
    };
    add({ name: 'id', type: { kind: 'int' }, nullable: false, pk: true });

    // Foreign keys to recent earlier tables.
    const candidates = tables.slice(Math.max(0, t.index - 60), t.index).filter(parentOk);
    const fkCount = candidates.length === 0 ? 0 : rng.chance(0.15) ? 2 : rng.chance(0.55) ? 1 : 0;
    const parents = new Set<Table>();
    for (let k = 0; k < fkCount; k++) parents.add(rng.pick(candidates));
    for (const p of parents) {
      add({
        name: `${p.noun}_${p.name.split('_').pop()}_id`,
        type: { kind: 'int' },
        nullable: rng.chance(0.5),
        fk: p.name,
        ondelete: rng.chance(0.2) ? 'CASCADE' : undefined,
        index: rng.chance(0.6),
        relationship: rng.chance(0.3) ? p.className : undefined,
      });
    }

    // Ordinary columns.
    const templates = rng.shuffle([...COLUMN_TEMPLATES]).slice(0, rng.int(2, 6));
    for (const tpl of templates) {
      const r = rng.next();
      add({
        name: tpl.name,
        type: tpl.type,
        nullable: rng.chance(0.55),
        serverDefault: tpl.default !== undefined && rng.chance(0.5) ? tpl.default : undefined,
        index: r < 0.15,
        unique: r >= 0.15 && r < 0.2 && (tpl.type.kind === 'str' || tpl.type.kind === 'bigint'),
      });
    }
    t.columns = cols;

    // Composite index or unique constraint in __table_args__ on two inline columns.
    const composable = cols.filter((c) => !c.pk && (c.type.kind === 'str' || c.type.kind === 'int' || c.type.kind === 'date'));
    if (t.life === 'normal' && composable.length >= 2 && rng.chance(0.12)) {
      const [a, b] = rng.shuffle([...composable]).slice(0, 2);
      const kind = rng.chance(0.5) ? 'index' : 'unique';
      t.composites.push({ kind, name: `${kind === 'index' ? 'ix' : 'uq'}_${t.name}_${a.name}_${b.name}`, columns: [a.name, b.name] });
      a.life = 'inline';
      b.life = 'inline';
    }
    if (t.life === 'renamed') {
      // Index names carry the table name; keep renamed tables free of them (and of others' foreign keys: parentOk).
      for (const c of cols) c.index = c.db.index = false;
      t.oldName = `old_${t.name}`;
    }
    plantDrift(t, tables, rng);
    assignLives(t, rng);
  }
  return tables;
}

/** Adds the column (or migration-only thing) that carries the table's planted drift. */
function plantDrift(t: Table, tables: Table[], rng: Random): void {
  const cols = t.columns;
  const col = (c: Omit<Column, 'db' | 'life'>, db: Partial<Column['db']>, life: Life = 'inline'): Column => {
    const full: Column = { ...c, life, mark: t.drift, db: { type: c.type, nullable: c.nullable, index: !!c.index, unique: !!c.unique, fk: !!c.fk, serverDefault: c.serverDefault, ...db } };
    cols.push(full);
    return full;
  };
  const parent = (): Table => rng.pick(tables.slice(Math.max(0, t.index - 60), t.index).filter((p) => p.life === 'normal'));
  switch (t.drift) {
    case 'missing-column':
      col({ name: 'loyalty_points', type: { kind: 'int' }, nullable: true }, {}, 'none');
      break;
    case 'type-mismatch': {
      // Model String(120); the migrations end at String(80), either created so or widened too little later.
      const c = col({ name: 'summary', type: { kind: 'str', length: 120 } as ColType, nullable: true }, { type: { kind: 'str', length: 80 } });
      if (rng.chance(0.5)) {
        c.life = 'altered';
        c.initial = { type: { kind: 'str', length: 40 }, nullable: true };
      }
      break;
    }
    case 'nullable-mismatch': {
      // Model NOT NULL; the migrations leave it nullable, or relax it later.
      const c = col({ name: 'contact_email', type: { kind: 'str', length: 255 }, nullable: false }, { nullable: true });
      if (rng.chance(0.5)) {
        c.life = 'altered';
        c.initial = { type: c.type, nullable: false };
      }
      break;
    }
    case 'default-mismatch':
      col({ name: 'state', type: { kind: 'str', length: 20 }, nullable: false, serverDefault: 'active' }, { serverDefault: 'pending' });
      break;
    case 'missing-index':
      col({ name: 'lookup_key', type: { kind: 'str', length: 64 }, nullable: true, index: true }, { index: false });
      break;
    case 'missing-unique':
      col({ name: 'serial_number', type: { kind: 'str', length: 64 }, nullable: true, unique: true }, { unique: false });
      break;
    case 'missing-foreign-key': {
      const p = parent();
      col({ name: `owner_${p.index}_id`, type: { kind: 'int' }, nullable: true, fk: p.name }, { fk: false });
      break;
    }
    case 'extra-unique':
      col({ name: 'public_code', type: { kind: 'str', length: 32 }, nullable: true }, { unique: true });
      t.extraUnique = 'public_code';
      break;
    case 'extra-foreign-key': {
      const p = parent();
      col({ name: `source_${p.index}_id`, type: { kind: 'int' }, nullable: true }, {});
      t.extraFk = { column: `source_${p.index}_id`, parent: p.name };
      break;
    }
    case 'extra-index':
      col({ name: 'batch_code', type: { kind: 'str', length: 32 }, nullable: true }, {});
      t.extraIndex = 'batch_code';
      break;
    case 'extra-column':
      t.extraColumn = 'legacy_ref';
      break;
    default:
      break;
  }
}

/** Picks how the migrations create each column: most in create_table, some added, altered or renamed later. */
function assignLives(t: Table, rng: Random): void {
  if (t.life !== 'normal') return;
  const inComposite = new Set(t.composites.flatMap((c) => c.columns));
  const free = t.columns.filter((c) => !c.pk && !c.mark && !inComposite.has(c.name) && c.life === 'inline');
  const take = (ok: (c: Column) => boolean, n: number): Column[] => {
    const chosen = rng.shuffle(free.filter((c) => c.life === 'inline' && ok(c))).slice(0, n);
    return chosen;
  };
  if (rng.chance(0.35)) {
    for (const c of take((c) => !c.unique, rng.int(1, 2))) {
      c.life = c.nullable ? 'added' : ['str', 'int', 'bool'].includes(c.type.kind) ? 'added-notnull' : 'inline';
    }
  }
  if (rng.chance(0.25)) {
    for (const c of take((c) => !c.unique && !c.fk, rng.int(1, 2))) {
      c.life = 'altered';
      if (c.type.kind === 'str' && c.type.length! > 20 && rng.chance(0.6)) c.initial = { type: { kind: 'str', length: Math.floor(c.type.length! / 2) }, nullable: c.nullable };
      else if (c.type.kind === 'int' && rng.chance(0.5)) {
        // Widened: created as Integer, the model says BigInteger.
        c.type = c.db.type = { kind: 'bigint' };
        c.initial = { type: { kind: 'int' }, nullable: c.nullable };
      } else c.initial = { type: c.type, nullable: !c.nullable };
    }
  }
  if (rng.chance(0.06)) {
    for (const c of take(plainColumn, 1)) {
      c.life = 'renamed';
      c.oldName = `${c.name}_old`;
    }
  }
  if (rng.chance(0.1)) {
    for (const c of take((c) => !!c.index, 1)) c.lateIndex = true;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Model files

function renderModelColumn(c: Column): string {
  const args: string[] = [modelType(c.type)];
  if (c.fk) args.push(c.ondelete ? `ForeignKey("${c.fk}.id", ondelete="${c.ondelete}")` : `ForeignKey("${c.fk}.id")`);
  if (c.pk) args.push('primary_key=True');
  else if (!c.nullable) args.push('nullable=False');
  if (c.index) args.push('index=True');
  if (c.unique) args.push('unique=True');
  if (c.serverDefault !== undefined) args.push(`server_default="${c.serverDefault}"`);
  return `    ${c.name} = Column(${args.join(', ')})`;
}

/** Writes one model module; returns the 1-based line of every table's class and of every column. */
function renderModelFile(tables: Table[]): { text: string; lines: Map<string, number> } {
  const out = [
    'from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint',
    'from sqlalchemy.orm import relationship',
    '',
    'from app.models.base import Base',
  ];
  const lines = new Map<string, number>();
  for (const t of tables) {
    out.push('', '');
    lines.set(t.name, out.length + 1);
    out.push(`class ${t.className}(Base):`);
    out.push(`    __tablename__ = "${t.name}"`);
    if (t.composites.length > 0) {
      out.push('    __table_args__ = (');
      for (const c of t.composites) {
        const cols = c.columns.map((n) => `"${n}"`).join(', ');
        out.push(c.kind === 'index' ? `        Index("${c.name}", ${cols}),` : `        UniqueConstraint(${cols}, name="${c.name}"),`);
      }
      out.push('    )');
    }
    out.push('');
    for (const c of t.columns) {
      lines.set(`${t.name}.${c.name}`, out.length + 1);
      out.push(renderModelColumn(c));
    }
    const rels = t.columns.filter((c) => c.relationship);
    if (rels.length > 0) out.push('');
    for (const c of rels) out.push(`    ${c.name.replace(/_id$/, '')} = relationship("${c.relationship}")`);
  }
  out.push('');
  return { text: out.join('\n'), lines };
}

// ---------------------------------------------------------------------------------------------------------------
// Revisions: units of work first, then a history of revisions (with branches and merges) made of them

/** One revision's worth of ops. `marks` are 0-based offsets into `up` of lines a planted drift points at. */
interface Unit {
  message: string;
  up: string[];
  down: string[];
  /** Tables this unit creates or changes, and tables it only refers to (foreign keys). */
  touches: Set<string>;
  reads: Set<string>;
  marks: Array<{ key: string; offset: number }>;
}

function columnLine(name: string, type: ColType, nullable: boolean, serverDefault?: string, indent = '    '): string {
  const def = serverDefault !== undefined ? `, server_default=${q(serverDefault)}` : '';
  return `${indent}sa.Column(${q(name)}, ${migrationType(type)}${def}, nullable=${nullable ? 'True' : 'False'})`;
}

function indexName(table: string, column: string): string {
  return `ix_${table}_${column}`;
}

/** create_table (+ its indexes) for the tables of one create revision. */
function createUnit(tables: Table[], rng: Random, plantedKey: (t: Table) => string): Unit {
  const unit: Unit = { message: `create ${tables.map((t) => t.oldName ?? t.name).join(' and ')}`, up: [], down: [], touches: new Set(), reads: new Set(), marks: [] };
  for (const t of tables) {
    const name = t.oldName ?? t.name;
    unit.touches.add(t.name);
    unit.up.push(`    op.create_table(${q(name)},`);
    const created = t.columns.filter((c) => c.life === 'inline' || c.life === 'altered' || c.life === 'renamed');
    const parts: Array<{ line: string; key?: string }> = [];
    for (const c of created) {
      const type = c.initial?.type ?? c.db.type;
      const nullable = c.initial?.nullable ?? c.db.nullable;
      parts.push({ line: columnLine(c.oldName ?? c.name, type, nullable, c.db.serverDefault), key: `col:${t.name}.${c.name}` });
    }
    for (const c of created.filter((c) => c.db.fk)) {
      unit.reads.add(c.fk!);
      const on = c.ondelete ? `ondelete=${q(c.ondelete)}` : '';
      parts.push({ line: `    sa.ForeignKeyConstraint([${q(c.name)}], [${q(`${c.fk}.id`)}], ${on}),` });
    }
    if (t.extraFk) {
      unit.reads.add(t.extraFk.parent);
      parts.push({ line: `    sa.ForeignKeyConstraint([${q(t.extraFk.column)}], [${q(`${t.extraFk.parent}.id`)}], ),`, key: plantedKey(t) });
    }
    parts.push({ line: `    sa.PrimaryKeyConstraint('id')` });
    for (const c of created.filter((c) => c.db.unique)) parts.push(c.name === t.extraUnique ? { line: `    sa.UniqueConstraint(${q(c.name)}, name=${q(`uq_${t.name}_${c.name}`)})`, key: plantedKey(t) } : { line: `    sa.UniqueConstraint(${q(c.name)})` });
    for (const c of t.composites.filter((c) => c.kind === 'unique')) parts.push({ line: `    sa.UniqueConstraint(${c.columns.map(q).join(', ')}, name=${q(c.name)})` });
    parts.forEach((p, i) => {
      // Columns and constraints are separated by commas; the ForeignKeyConstraint lines carry theirs already.
      const line = p.line.endsWith(',') || i === parts.length - 1 ? p.line : `${p.line},`;
      if (p.key) unit.marks.push({ key: p.key, offset: unit.up.length });
      unit.up.push(line);
    });
    unit.up.push('    )');
    const indexed = created.filter((c) => c.db.index && !c.lateIndex);
    const composites = t.composites.filter((c) => c.kind === 'index');
    if (indexed.length + composites.length > 0) {
      if (rng.chance(0.5)) {
        unit.up.push(`    with op.batch_alter_table(${q(name)}, schema=None) as batch_op:`);
        for (const c of indexed) unit.up.push(`        batch_op.create_index(batch_op.f(${q(indexName(t.name, c.name))}), [${q(c.name)}], unique=False)`);
        for (const c of composites) unit.up.push(`        batch_op.create_index(${q(c.name)}, [${c.columns.map(q).join(', ')}], unique=False)`);
        unit.up.push('');
      } else {
        for (const c of indexed) unit.up.push(`    op.create_index(op.f(${q(indexName(t.name, c.name))}), ${q(name)}, [${q(c.name)}], unique=False)`);
        for (const c of composites) unit.up.push(`    op.create_index(${q(c.name)}, ${q(name)}, [${c.columns.map(q).join(', ')}], unique=False)`);
      }
    }
  }
  for (const t of [...tables].reverse()) {
    const name = t.oldName ?? t.name;
    for (const c of t.columns.filter((c) => c.db.index && !c.lateIndex && c.life !== 'added' && c.life !== 'added-notnull' && c.life !== 'none'))
      unit.down.push(`    op.drop_index(op.f(${q(indexName(t.name, c.name))}), table_name=${q(name)})`);
    for (const c of t.composites.filter((c) => c.kind === 'index')) unit.down.push(`    op.drop_index(${q(c.name)}, table_name=${q(name)})`);
    unit.down.push(`    op.drop_table(${q(name)})`);
  }
  return unit;
}

function emptyUnit(message: string, table: string): Unit {
  return { message, up: [], down: [], touches: new Set([table]), reads: new Set(), marks: [] };
}

const BACKFILL: Partial<Record<Kind, string>> = { str: "'n/a'", int: '0', bool: '0' };

/** The revisions that follow a table's creation, in the order they must run. */
function followUps(t: Table, rng: Random, tempCounter: { n: number }, plantedKey: (t: Table) => string): Unit[] {
  const units: Unit[] = [];
  const name = t.name;
  if (t.life === 'renamed') {
    const u = emptyUnit(`rename ${t.oldName} to ${name}`, name);
    u.up.push(`    op.rename_table(${q(t.oldName!)}, ${q(name)})`);
    u.down.push(`    op.rename_table(${q(name)}, ${q(t.oldName!)})`);
    return [u];
  }

  const added = t.columns.filter((c) => c.life === 'added' || c.life === 'added-notnull');
  if (added.length > 0) {
    const u = emptyUnit(`add ${added.map((c) => c.name).join(' and ')} to ${name}`, name);
    const batch = rng.chance(0.5) || added.some((c) => c.fk);
    if (batch) {
      u.up.push(`    with op.batch_alter_table(${q(name)}, schema=None) as batch_op:`);
      for (const c of added) u.up.push(columnLine(c.name, c.db.type, true, c.db.serverDefault, '        batch_op.add_column(') + ')');
      for (const c of added.filter((c) => c.db.index)) u.up.push(`        batch_op.create_index(batch_op.f(${q(indexName(name, c.name))}), [${q(c.name)}], unique=False)`);
      for (const c of added.filter((c) => c.db.fk)) {
        u.reads.add(c.fk!);
        const on = c.ondelete ? `, ondelete=${q(c.ondelete)}` : '';
        u.up.push(`        batch_op.create_foreign_key(${q(`fk_${name}_${c.name}`)}, ${q(c.fk!)}, [${q(c.name)}], ['id']${on})`);
      }
      u.up.push('');
    } else {
      for (const c of added) u.up.push(`    op.add_column(${q(name)}, ${columnLine(c.name, c.db.type, true, c.db.serverDefault, '').trimStart()})`);
      for (const c of added.filter((c) => c.db.index)) u.up.push(`    op.create_index(op.f(${q(indexName(name, c.name))}), ${q(name)}, [${q(c.name)}], unique=False)`);
    }
    const notnull = added.filter((c) => c.life === 'added-notnull');
    if (notnull.length > 0) {
      for (const c of notnull) u.up.push(`    op.execute("UPDATE ${name} SET ${c.name} = ${BACKFILL[c.type.kind]} WHERE ${c.name} IS NULL")`);
      u.up.push(`    with op.batch_alter_table(${q(name)}, schema=None) as batch_op:`);
      for (const c of notnull) u.up.push(`        batch_op.alter_column(${q(c.name)},`, `               existing_type=${migrationType(c.db.type)},`, `               nullable=False)`);
      u.up.push('');
    }
    u.down.push(`    with op.batch_alter_table(${q(name)}, schema=None) as batch_op:`);
    for (const c of added.filter((c) => c.db.fk)) u.down.push(`        batch_op.drop_constraint(${q(`fk_${name}_${c.name}`)}, type_='foreignkey')`);
    for (const c of added.filter((c) => c.db.index)) u.down.push(`        batch_op.drop_index(batch_op.f(${q(indexName(name, c.name))}))`);
    for (const c of added) u.down.push(`        batch_op.drop_column(${q(c.name)})`);
    u.down.push('');
    units.push(u);
  }

  const altered = t.columns.filter((c) => c.life === 'altered');
  if (altered.length > 0) {
    const u = emptyUnit(`alter ${altered.map((c) => c.name).join(' and ')} on ${name}`, name);
    u.up.push(`    with op.batch_alter_table(${q(name)}, schema=None) as batch_op:`);
    u.down.push(`    with op.batch_alter_table(${q(name)}, schema=None) as batch_op:`);
    for (const c of altered) {
      const from = c.initial!;
      const to = { type: c.db.type, nullable: c.db.nullable };
      const alter = (a: typeof from, b: typeof from): string[] => {
        const args = [`existing_type=${migrationType(a.type)}`];
        if (migrationType(a.type) !== migrationType(b.type)) args.push(`type_=${migrationType(b.type)}`);
        args.push(a.nullable === b.nullable ? `existing_nullable=${a.nullable ? 'True' : 'False'}` : `nullable=${b.nullable ? 'True' : 'False'}`);
        if (c.db.serverDefault !== undefined) args.push(`existing_server_default=sa.text("'${c.db.serverDefault}'")`);
        return [`        batch_op.alter_column(${q(c.name)},`, ...args.map((a, i) => `               ${a}${i === args.length - 1 ? ')' : ','}`)];
      };
      u.up.push(...alter(from, to));
      u.down.push(...alter(to, from));
    }
    u.up.push('');
    u.down.push('');
    units.push(u);
  }

  for (const c of t.columns.filter((c) => c.life === 'renamed')) {
    const u = emptyUnit(`rename ${name}.${c.oldName} to ${c.name}`, name);
    u.up.push(`    with op.batch_alter_table(${q(name)}, schema=None) as batch_op:`);
    u.up.push(`        batch_op.alter_column(${q(c.oldName!)}, new_column_name=${q(c.name)}, existing_type=${migrationType(c.db.type)}, existing_nullable=${c.db.nullable ? 'True' : 'False'})`, '');
    u.down.push(`    with op.batch_alter_table(${q(name)}, schema=None) as batch_op:`);
    u.down.push(`        batch_op.alter_column(${q(c.name)}, new_column_name=${q(c.oldName!)}, existing_type=${migrationType(c.db.type)}, existing_nullable=${c.db.nullable ? 'True' : 'False'})`, '');
    units.push(u);
  }

  for (const c of t.columns.filter((c) => c.lateIndex)) {
    const u = emptyUnit(`index ${name}.${c.name}`, name);
    u.up.push(`    op.create_index(op.f(${q(indexName(name, c.name))}), ${q(name)}, [${q(c.name)}], unique=False)`);
    u.down.push(`    op.drop_index(op.f(${q(indexName(name, c.name))}), table_name=${q(name)})`);
    units.push(u);
  }

  if (rng.chance(0.12)) {
    // A column that lived for a while and was dropped again.
    const col = `import_batch_${tempCounter.n++}`;
    const add = emptyUnit(`add ${col} to ${name}`, name);
    add.up.push(`    op.add_column(${q(name)}, sa.Column(${q(col)}, sa.String(length=40), nullable=True))`);
    add.down.push(`    with op.batch_alter_table(${q(name)}, schema=None) as batch_op:`, `        batch_op.drop_column(${q(col)})`, '');
    const drop = emptyUnit(`drop ${col} from ${name}`, name);
    drop.up.push(`    with op.batch_alter_table(${q(name)}, schema=None) as batch_op:`, `        batch_op.drop_column(${q(col)})`, '');
    drop.down.push(`    op.add_column(${q(name)}, sa.Column(${q(col)}, sa.String(length=40), nullable=True))`);
    units.push(add, drop);
  }

  if (t.extraColumn) {
    const u = emptyUnit(`add ${t.extraColumn} to ${name}`, name);
    u.marks.push({ key: plantedKey(t), offset: 0 });
    u.up.push(`    op.add_column(${q(name)}, sa.Column(${q(t.extraColumn)}, sa.String(length=40), nullable=True))`);
    u.down.push(`    with op.batch_alter_table(${q(name)}, schema=None) as batch_op:`, `        batch_op.drop_column(${q(t.extraColumn)})`, '');
    units.push(u);
  }
  if (t.extraIndex) {
    const u = emptyUnit(`index ${name}.${t.extraIndex}`, name);
    u.marks.push({ key: plantedKey(t), offset: 0 });
    u.up.push(`    op.create_index(op.f(${q(indexName(name, t.extraIndex))}), ${q(name)}, [${q(t.extraIndex)}], unique=False)`);
    u.down.push(`    op.drop_index(op.f(${q(indexName(name, t.extraIndex))}), table_name=${q(name)})`);
    units.push(u);
  }
  return units;
}

/** A table only the migrations have: a planted extra table, or a temporary one dropped again later. */
function dbOnlyTable(name: string, key: string | undefined, temporary: boolean): { create: Unit; drop?: Unit } {
  const create = emptyUnit(`create ${name}`, name);
  if (key) create.marks.push({ key, offset: 0 });
  create.up.push(
    `    op.create_table(${q(name)},`,
    `    sa.Column('id', sa.Integer(), nullable=False),`,
    `    sa.Column('payload', sa.Text(), nullable=True),`,
    `    sa.Column('recorded_at', sa.DateTime(), nullable=False),`,
    `    sa.PrimaryKeyConstraint('id')`,
    '    )',
    `    op.create_index(op.f(${q(indexName(name, 'recorded_at'))}), ${q(name)}, ['recorded_at'], unique=False)`,
  );
  create.down.push(`    op.drop_index(op.f(${q(indexName(name, 'recorded_at'))}), table_name=${q(name)})`, `    op.drop_table(${q(name)})`);
  if (!temporary) return { create };
  const drop = emptyUnit(`drop ${name}`, name);
  drop.up.push(`    op.drop_index(op.f(${q(indexName(name, 'recorded_at'))}), table_name=${q(name)})`, `    op.drop_table(${q(name)})`);
  drop.down.push(...create.up);
  return { create, drop };
}

interface Revision {
  id: string;
  down: string[];
  unit?: Unit;
  file?: string;
}

function slug(message: string): string {
  let s = message.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  if (s.length > 40) s = s.slice(0, 40).replace(/_[^_]*$/, '');
  return s;
}

function renderRevision(r: Revision, date: Date): { text: string; upStart: number } {
  const downRepr = r.down.length === 0 ? 'None' : r.down.length === 1 ? q(r.down[0]) : `(${r.down.map(q).join(', ')})`;
  const message = r.unit?.message ?? 'merge heads';
  const head = [
    `"""${message}`,
    '',
    `Revision ID: ${r.id}`,
    `Revises: ${r.down.join(', ')}`,
    `Create Date: ${date.toISOString().replace('T', ' ').replace('Z', '')}`,
    '',
    '"""',
    'from alembic import op',
    'import sqlalchemy as sa',
    '',
    '',
    '# revision identifiers, used by Alembic.',
    `revision = ${q(r.id)}`,
    `down_revision = ${downRepr}`,
    'branch_labels = None',
    'depends_on = None',
    '',
    '',
    'def upgrade() -> None:',
  ];
  const body = (lines: string[] | undefined): string[] => (lines && lines.length > 0 ? ['    # ### commands auto generated by Alembic - please adjust! ###', ...lines, '    # ### end Alembic commands ###'] : ['    pass']);
  const up = body(r.unit?.up);
  const text = [...head, ...up, '', '', 'def downgrade() -> None:', ...body(r.unit ? [...r.unit.down] : undefined), ''].join('\n');
  // The first line of unit.up is line head.length + 2 (1-based), after the "commands auto generated" comment.
  return { text, upStart: head.length + 2 };
}

/** Orders the units into revisions: a chain, with now and then two independent branches joined by a merge. */
function buildHistory(units: Unit[], spec: SizeSpec, rng: Random): Revision[] {
  const revisions: Revision[] = [];
  const used = new Set<string>();
  const newId = (): string => {
    for (;;) {
      const id = rng.hex(12);
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  };
  let head: string | undefined;
  let sinceBranch = 0;
  let i = 0;
  while (i < units.length) {
    if (head && sinceBranch >= spec.branchEvery && i + 8 <= units.length) {
      const window = units.slice(i, i + rng.int(4, 8));
      const branches = splitIndependent(window);
      if (branches) {
        const tips: string[] = [];
        for (const branch of branches) {
          let tip = head;
          for (const unit of branch) {
            const id = newId();
            revisions.push({ id, down: [tip], unit });
            tip = id;
          }
          tips.push(tip);
        }
        const merge = newId();
        revisions.push({ id: merge, down: tips });
        head = merge;
        i += window.length;
        sinceBranch = 0;
        continue;
      }
    }
    const id = newId();
    revisions.push({ id, down: head ? [head] : [], unit: units[i] });
    head = id;
    i++;
    sinceBranch++;
  }
  return revisions;
}

/** Splits consecutive units into two branches that touch disjoint tables, keeping each branch's order; or undefined. */
function splitIndependent(window: Unit[]): [Unit[], Unit[]] | undefined {
  const branches: [Unit[], Unit[]] = [[], []];
  const touched = [new Set<string>(), new Set<string>()];
  const read = [new Set<string>(), new Set<string>()];
  const meets = (u: Unit, b: number): boolean => [...u.touches, ...u.reads].some((t) => touched[b].has(t)) || [...u.touches].some((t) => read[b].has(t));
  for (const u of window) {
    const a = meets(u, 0);
    const b = meets(u, 1);
    if (a && b) return undefined;
    const to = a ? 0 : b ? 1 : branches[0].length <= branches[1].length ? 0 : 1;
    branches[to].push(u);
    for (const t of u.touches) touched[to].add(t);
    for (const t of u.reads) read[to].add(t);
  }
  return branches[0].length > 0 && branches[1].length > 0 ? branches : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The fixed files of a project

const ALEMBIC_INI = `# A generic, single database configuration.

[alembic]
script_location = migrations
prepend_sys_path = .
version_path_separator = os
sqlalchemy.url = sqlite:///app.db

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
`;

const ENV_PY = `from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from alembic import context

from app.models import Base

config = context.config

if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = Base.metadata


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
`;

const SCRIPT_MAKO = `"""\${message}

Revision ID: \${up_revision}
Revises: \${down_revision | comma,n}
Create Date: \${create_date}

"""
from alembic import op
import sqlalchemy as sa
\${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = \${repr(up_revision)}
down_revision = \${repr(down_revision)}
branch_labels = \${repr(branch_labels)}
depends_on = \${repr(depends_on)}


def upgrade() -> None:
    \${upgrades if upgrades else "pass"}


def downgrade() -> None:
    \${downgrades if downgrades else "pass"}
`;

// ---------------------------------------------------------------------------------------------------------------

/** Writes a project of the given size into `root` (which must not exist or be empty). */
export function generateProject(root: string, spec: SizeSpec): GeneratedProject {
  const rng = new Random(spec.seed * 7919 + 17);
  const tables = buildTables(spec, rng);
  const planted: PlantedDrift[] = [];
  const plantedKey = (t: Table): string => `drift:${t.name}`;

  // Units: the create revisions in table order (1-2 tables each), with extra and temporary tables among them;
  // each table's follow-ups are spread over the revisions after its creation.
  const creates: Unit[] = [];
  const chains: Unit[][] = [];
  const toCreate = tables.filter((t) => t.life !== 'missing');
  const tempCounter = { n: 0 };
  const extraTables = new Map<number, string>();
  while (extraTables.size < spec.driftPerKind) {
    const at = rng.int(0, toCreate.length - 1);
    if (!extraTables.has(at)) extraTables.set(at, `archived_events_${extraTables.size}`);
  }
  for (let i = 0; i < toCreate.length; ) {
    const group = toCreate.slice(i, i + rng.int(1, 2));
    creates.push(createUnit(group, rng, plantedKey));
    for (const t of group) {
      const f = followUps(t, rng, tempCounter, plantedKey);
      if (f.length > 0) chains.push(f);
    }
    for (let j = i; j < i + group.length; j++) {
      const extra = extraTables.get(j);
      if (extra) creates.push(dbOnlyTable(extra, `drift:${extra}`, false).create);
      if (rng.chance(0.01)) {
        const temp = dbOnlyTable(`tmp_import_${tempCounter.n++}`, undefined, true);
        creates.push(temp.create);
        chains.push([temp.drop!]);
      }
    }
    i += group.length;
  }
  // Interleave: after each create unit, a few follow-ups whose table exists already.
  const units: Unit[] = [];
  const ready: Unit[][] = [];
  const chainsByCreate = new Map<Unit, Unit[][]>();
  for (const c of chains) {
    const table = [...c[0].touches][0];
    const creator = creates.find((u) => u.touches.has(table))!;
    chainsByCreate.set(creator, [...(chainsByCreate.get(creator) ?? []), c]);
  }
  const meanPerCreate = chains.reduce((n, c) => n + c.length, 0) / creates.length;
  for (const create of creates) {
    units.push(create);
    for (const c of chainsByCreate.get(create) ?? []) ready.push([...c]);
    let n = Math.round(meanPerCreate * 0.8 * 2 * rng.next());
    while (n-- > 0 && ready.length > 0) {
      const k = rng.int(0, ready.length - 1);
      units.push(ready[k].shift()!);
      if (ready[k].length === 0) ready.splice(k, 1);
    }
  }
  while (ready.length > 0) {
    const k = rng.int(0, ready.length - 1);
    units.push(ready[k].shift()!);
    if (ready[k].length === 0) ready.splice(k, 1);
  }

  const revisions = buildHistory(units, spec, rng);

  // Write the files.
  fs.mkdirSync(root, { recursive: true });
  const write = (rel: string, text: string): void => {
    const full = path.join(root, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  };
  write('alembic.ini', ALEMBIC_INI);
  write('migrations/env.py', ENV_PY);
  write('migrations/script.py.mako', SCRIPT_MAKO);
  write('migrations/README', 'Generic single-database configuration.\n');
  write('app/__init__.py', '');
  write('app/models/base.py', 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n');
  const modules = [...new Set(tables.map((t) => t.module))];
  write('app/models/__init__.py', ['from app.models.base import Base', ...modules.map((m) => `from app.models import ${m}  # noqa: F401`), '', '__all__ = ["Base"]', ''].join('\n'));
  const modelLines = new Map<string, { file: string; line: number }>();
  for (const m of modules) {
    const file = `app/models/${m}.py`;
    const { text, lines } = renderModelFile(tables.filter((t) => t.module === m));
    write(file, text);
    for (const [key, line] of lines) modelLines.set(key, { file, line });
  }
  const marks = new Map<string, { file: string; line: number }>();
  let date = Date.UTC(2019, 0, 7, 9, 30);
  for (const r of revisions) {
    date += rng.int(1, 40) * 3600_000;
    r.file = `migrations/versions/${r.id}_${slug(r.unit?.message ?? 'merge heads')}.py`;
    const { text, upStart } = renderRevision(r, new Date(date));
    write(r.file, text);
    for (const m of r.unit?.marks ?? []) marks.set(m.key, { file: r.file, line: upStart + m.offset });
  }

  // Where each planted drift should be reported.
  const how = (t: Table, c?: Column): string => (c ? `${c.life}${c.initial ? ' (altered later)' : ''}` : t.life);
  for (const t of tables) {
    if (!t.drift) continue;
    const c = t.columns.find((c) => c.mark);
    if (t.drift === 'missing-table') {
      const at = modelLines.get(t.name)!;
      planted.push({ code: t.drift, table: t.name, file: at.file, line: at.line, how: 'no create_table' });
    } else if (t.drift.startsWith('extra-')) {
      const column = t.extraColumn ?? t.extraIndex ?? t.extraUnique ?? t.extraFk?.column;
      const at = marks.get(plantedKey(t))!;
      planted.push({ code: t.drift, table: t.name, column, file: at.file, line: at.line, how: t.drift === 'extra-column' || t.drift === 'extra-index' ? 'later revision' : 'in create_table' });
    } else {
      const at = modelLines.get(`${t.name}.${c!.name}`)!;
      planted.push({ code: t.drift, table: t.name, column: c!.name, file: at.file, line: at.line, how: how(t, c) });
    }
  }
  for (const name of extraTables.values()) {
    const at = marks.get(`drift:${name}`)!;
    planted.push({ code: 'extra-table', table: name, file: at.file, line: at.line, how: 'create_table' });
  }

  // Columns to type into in the language-server benchmark: an inline String column of a clean table.
  const editTargets: EditTarget[] = [];
  for (const t of tables) {
    if (t.drift || t.life !== 'normal') continue;
    const c = t.columns.find((c) => c.life === 'inline' && c.type.kind === 'str' && !c.pk && !c.mark);
    if (!c) continue;
    const create = revisions.find((r) => r.unit?.marks.some((m) => m.key === `col:${t.name}.${c.name}`));
    if (!create) continue;
    const offset = create.unit!.marks.find((m) => m.key === `col:${t.name}.${c.name}`)!.offset;
    const model = modelLines.get(`${t.name}.${c.name}`)!;
    editTargets.push({ table: t.name, column: c.name, length: c.type.length!, modelFile: model.file, modelLine: model.line, migrationFile: create.file!, migrationLine: renderRevision(create, new Date(0)).upStart + offset });
    if (editTargets.length >= 5) break;
  }

  let pythonFiles = 0;
  let pythonBytes = 0;
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.py')) {
        pythonFiles++;
        pythonBytes += fs.statSync(full).size;
      }
    }
  };
  walk(root);
  planted.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return {
    root,
    spec,
    planted,
    editTargets,
    stats: { tables: tables.length, revisions: revisions.length, merges: revisions.filter((r) => r.down.length > 1).length, modelFiles: modules.length, pythonFiles, pythonBytes },
  };
}

// `node out/bench/generate.js S DIR` writes one project and prints its planted drift (to look at a project by hand).
if (require.main === module) {
  const [size = 'S', dir] = process.argv.slice(2);
  const spec = SIZES[size.toUpperCase()];
  if (!spec || !dir) {
    console.error('usage: node out/bench/generate.js S|M|L DIR');
    process.exit(2);
  }
  const project = generateProject(path.resolve(dir), spec);
  console.log(JSON.stringify({ stats: project.stats, planted: project.planted, editTargets: project.editTargets }, null, 2));
}
