import type { Expr, Span, Stmt } from '../python/syntax';
import { canonicalName, type Resolver } from '../python/resolve';
import type { ColumnSource } from '../schema/columns';
import type { ColumnDef, ServerDefault, SqlType } from '../schema/schema';
import type { SchemaChange } from '../diff/diffSchemas';
import { renderServerDefault, typeArguments, type RenderContext } from '../render/renderType';

/** A replacement of the text in `span` (an insertion when the span is empty), in LSP positions. */
export interface TextEdit {
  span: Span;
  newText: string;
}

/** What an edit of the model needs besides the change: the model file's text and names, and the dialect. */
export interface ModelEditInput {
  change: SchemaChange;
  /** The text of the model file the change's column is declared in, as analysed. */
  text: string;
  /** Resolves names in the model file (to spell a type as the file's own imports do). */
  resolver: Resolver;
  dialect?: string;
}

type CallSource = NonNullable<ColumnSource['call']>;

/**
 * The edits of the model file that make a column's declaration say what the migrations say at head: its type, its
 * nullability (the `nullable=` argument or the `Optional[...]` of its annotation), its server default. Undefined when
 * the change is of another kind or the edit cannot be made safely (the column is declared through a helper, a
 * partial, a mixin or an `Annotated` alias, the type cannot be written, the text no longer matches).
 */
export function planModelEdit(input: ModelEditInput): TextEdit[] | undefined {
  const { change } = input;
  if (change.kind !== 'alter-column') return undefined;
  const source = change.column.declaration;
  if (!source || !stillMatches(new SourceText(input.text), source)) return undefined;
  const editor = new ModelEditor(input, source, change.column);
  switch (change.what) {
    case 'type':
      return change.existing.type ? editor.setType(change.existing.type) : undefined;
    case 'nullable':
      return editor.setNullable(change.existing.nullable);
    case 'server-default':
      return editor.setServerDefault(change.existing.serverDefault);
    default:
      return undefined;
  }
}

/** Offsets and positions of a text, in UTF-16 units as LSP counts them. */
class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  offset(line: number, character: number): number {
    return (this.lineStarts[line] ?? this.text.length) + character;
  }

  start(span: Span): number {
    return this.offset(span[0], span[1]);
  }

  end(span: Span): number {
    return this.offset(span[2], span[3]);
  }

  position(offset: number): [number, number] {
    let line = 0;
    while (line + 1 < this.lineStarts.length && this.lineStarts[line + 1] <= offset) line++;
    return [line, offset - this.lineStarts[line]];
  }

  slice(span: Span): string {
    return this.text.slice(this.start(span), this.end(span));
  }

  between(from: number, to: number): Span {
    return [...this.position(from), ...this.position(to)] as Span;
  }

  /** Leading white space of a line. */
  indent(line: number): string {
    return /^[ \t]*/.exec(this.text.slice(this.offset(line, 0)))![0];
  }
}

/** A cheap guard against spans of an older text: the call still reads `name(...)` and its arguments are inside it. */
function stillMatches(doc: SourceText, source: ColumnSource): boolean {
  if (doc.end(source.statement) > doc.text.length) return false;
  const call = source.call;
  if (!call) return true;
  const text = doc.slice(call.span);
  if (!/^[A-Za-z_][\w.]*\s*\(/.test(text) || !text.endsWith(')')) return false;
  return call.args.every((a) => doc.start(a.value) > doc.start(call.span) && doc.end(a.value) < doc.end(call.span));
}

const IDENTIFIER = /[A-Za-z0-9_]/;
const POSITIONAL_FAMILIES = new Set(['VARCHAR', 'CHAR', 'TEXT', 'BINARY', 'NUMERIC', 'FLOAT', 'REAL']);
/** The modules a type, `text` or `Optional` may be named through (`sa.String`, `db.String`, `postgresql.JSONB`). */
const EXPORTERS = /^(sqlalchemy(\.(types|schema|sql|sql\.expression|sql\.sqltypes|dialects\.\w+))?|flask_sqlalchemy\.db|typing|typing_extensions)$/;

/** Plans the edits of one column's declaration. */
class ModelEditor {
  private readonly doc: SourceText;
  private readonly spelling: Spelling;
  private readonly dialect?: string;

  constructor(input: ModelEditInput, private readonly source: ColumnSource, column: ColumnDef) {
    this.doc = new SourceText(input.text);
    this.spelling = new Spelling(input.resolver, column.origin.file, this.doc, source.statement[0]);
    this.dialect = input.dialect;
  }

  /** The type argument replaced (or, for a type that follows the annotation, given) in the file's spelling. */
  setType(t: SqlType): TextEdit[] | undefined {
    const { source } = this;
    if (source.type === 'other') return undefined;
    const prefix = source.typeSpan ? /^((?:[A-Za-z_]\w*\.)*)/.exec(this.doc.slice(source.typeSpan))![1] : undefined;
    const written = this.typeText(t, prefix);
    if (!written) return undefined;
    if (source.type === 'argument' && source.typeSpan) return [{ span: source.typeSpan, newText: written.text }, ...written.edits];
    if (source.type !== 'annotation') return undefined;
    const call = source.call;
    if (!call) return this.assign(written.text, written.edits);
    if (call.kind !== 'sa.mapped_column' || call.args.some((a) => a.keyword === null)) return undefined;
    // The type goes first, after the column's name when the call gives one.
    const first = call.args[0];
    const named = first && first.keyword === undefined && /^[rRuUbB]?['"]/.test(this.doc.slice(first.value));
    if (named) return [this.insertAt(this.doc.end(first.value), `, ${written.text}`), ...written.edits];
    if (first) return [this.insertAt(this.doc.start(first.value), `${written.text}, `), ...written.edits];
    return [this.insertAt(this.doc.end(call.span) - 1, written.text), ...written.edits];
  }

  /** `nullable=` set, or the annotation's `Optional[...]` added or dropped, or `nullable=` added. */
  setNullable(nullable: boolean): TextEdit[] | undefined {
    const { source } = this;
    const value = nullable ? 'True' : 'False';
    if (source.nullable === 'other') return undefined;
    if (source.nullable === 'keyword') return this.replaceKeyword('nullable', value);
    const annotation = source.annotation;
    if (source.nullable === 'annotation' && annotation) {
      if (!nullable && annotation.optional && annotation.inner) return [{ span: annotation.span, newText: this.doc.slice(annotation.inner) }];
      if (nullable && !annotation.optional) {
        const inner = this.doc.slice(annotation.span);
        const optional = this.spelling.existing('typing.Optional', []);
        if (optional) return [{ span: annotation.span, newText: `${optional}[${inner}]` }];
        // `T | None` only where the file already writes it (it needs Python 3.10 when SQLAlchemy evaluates it).
        if (/[\w\]]\s*\|\s*None\b/.test(this.doc.text)) return [{ span: annotation.span, newText: `${inner} | None` }];
      }
    }
    return this.source.call ? this.addKeyword('nullable', value) : this.assign(`nullable=${value}`, []);
  }

  /** `server_default=` set, added, or removed. */
  setServerDefault(sd: ServerDefault | undefined): TextEdit[] | undefined {
    const { source } = this;
    if (source.serverDefault === 'other') return undefined;
    if (!sd) return source.serverDefault === 'keyword' ? this.removeKeyword('server_default') : undefined;
    const ctx: RenderContext = { imports: new Set(), notes: [], dialect: this.dialect };
    let text = renderServerDefault(sd, ctx);
    const edits: TextEdit[] = [];
    if (ctx.notes.length > 0) return undefined;
    if (text.startsWith('sa.text(')) {
      const fn = this.spelling.spell('sa.text', 'sqlalchemy', []);
      if (!fn) return undefined;
      text = `${fn.text}${text.slice('sa.text'.length)}`;
      edits.push(...fn.edits);
    }
    if (source.serverDefault === 'keyword') return withEdits(this.replaceKeyword('server_default', text), edits);
    return withEdits(source.call ? this.addKeyword('server_default', text) : this.assign(`server_default=${text}`, []), edits);
  }

  /** A type as the model file writes it: its name as the file imports it, length / precision and scale positional. */
  private typeText(t: SqlType, prefix: string | undefined): { text: string; edits: TextEdit[] } | undefined {
    if (!t.family || t.family === 'ENUM' || t.family === 'ARRAY' || t.userType || t.item || t.enumValues) return undefined;
    const dot = t.name.indexOf('.');
    const root = dot < 0 ? 'sa' : t.name.slice(0, dot);
    const module = root === 'sa' ? 'sqlalchemy' : ['postgresql', 'mysql', 'sqlite', 'mssql', 'oracle'].includes(root) ? `sqlalchemy.dialects.${root}` : undefined;
    if (!module || t.name === 'AutoString') return undefined;
    const name = this.spelling.spell(dot < 0 ? `sa.${t.name}` : t.name, module, prefix === undefined ? [] : [prefix]);
    if (!name) return undefined;
    const args = typeArguments(t);
    // SQLAlchemy's own string, binary and numeric types take their length or precision (and scale) first.
    if (dot < 0 && POSITIONAL_FAMILIES.has(t.family) && (args[0]?.startsWith('length=') || args[0]?.startsWith('precision='))) {
      args[0] = args[0].slice(args[0].indexOf('=') + 1);
      if (args[1]?.startsWith('scale=')) args[1] = args[1].slice('scale='.length);
    }
    return { text: args.length > 0 ? `${name.text}(${args.join(', ')})` : name.text, edits: name.edits };
  }

  private keywordArg(name: string): CallSource['args'][number] | undefined {
    return this.source.call?.args.find((a) => a.keyword === name);
  }

  private replaceKeyword(name: string, value: string): TextEdit[] | undefined {
    const arg = this.keywordArg(name);
    return arg ? [{ span: arg.value, newText: value }] : undefined;
  }

  private insertAt(offset: number, text: string): TextEdit {
    return { span: this.doc.between(offset, offset), newText: text };
  }

  /** Adds `name=value` as the call's last argument, on a line of its own when the arguments are one a line. */
  private addKeyword(name: string, value: string): TextEdit[] | undefined {
    const call = this.source.call;
    if (!call || call.args.some((a) => a.keyword === null) || this.keywordArg(name)) return undefined;
    const last = call.args.at(-1);
    if (!last) return [this.insertAt(this.doc.end(call.span) - 1, `${name}=${value}`)];
    const line = last.value[0];
    const ownLine = line > call.span[0] && /^\s*$/.test(this.doc.text.slice(this.doc.offset(line, 0), this.doc.start(last.value)).replace(/\w+\s*=\s*$/, ''));
    return [this.insertAt(this.doc.end(last.value), ownLine ? `,\n${this.doc.indent(line)}${name}=${value}` : `, ${name}=${value}`)];
  }

  /** Removes `name=value` and the comma that separates it from its neighbour. */
  private removeKeyword(name: string): TextEdit[] | undefined {
    const call = this.source.call;
    const arg = this.keywordArg(name);
    if (!call || !arg) return undefined;
    const i = call.args.indexOf(arg);
    const start = this.argumentStart(arg);
    if (start === undefined) return undefined;
    const end = this.doc.end(arg.value);
    const separator = (from: number, to: number | undefined): boolean => to !== undefined && /^\s*,\s*$/.test(this.doc.text.slice(from, to));
    const cut = (from: number, to: number): TextEdit[] => [{ span: this.doc.between(from, to), newText: '' }];
    if (i > 0) {
      const before = this.doc.end(call.args[i - 1].value);
      return separator(before, start) ? cut(before, end) : undefined;
    }
    const next = call.args[i + 1];
    if (next) {
      const nextStart = this.argumentStart(next);
      return separator(end, nextStart) ? cut(start, nextStart!) : undefined;
    }
    const close = this.doc.end(call.span) - 1;
    return /^\s*,?\s*$/.test(this.doc.text.slice(end, close)) ? cut(start, close) : undefined;
  }

  /** Where an argument's text begins: its keyword's name, or its value. */
  private argumentStart(arg: CallSource['args'][number]): number | undefined {
    const valueStart = this.doc.start(arg.value);
    return arg.keyword ? keywordStart(this.doc.text, valueStart, arg.keyword) : valueStart;
  }

  /** `= mapped_column(args)` appended to a bare `x: Mapped[T]`. */
  private assign(args: string, edits: TextEdit[]): TextEdit[] | undefined {
    if (!this.source.assignable) return undefined;
    const fn = this.spelling.spell('sa.mapped_column', 'sqlalchemy.orm', []);
    if (!fn) return undefined;
    return [this.insertAt(this.doc.end(this.source.statement), ` = ${fn.text}(${args})`), ...edits, ...fn.edits];
  }
}

function withEdits(main: TextEdit[] | undefined, more: TextEdit[]): TextEdit[] | undefined {
  return main ? [...main, ...more] : undefined;
}

/** The offset where `name=` begins, for the value of a keyword argument that starts at `valueStart`. */
function keywordStart(text: string, valueStart: number, name: string): number | undefined {
  let i = valueStart;
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  if (text[i - 1] !== '=') return undefined;
  i--;
  while (i > 0 && /[ \t]/.test(text[i - 1])) i--;
  const start = i - name.length;
  if (!name || start < 0 || text.slice(start, i) !== name || (start > 0 && IDENTIFIER.test(text[start - 1]))) return undefined;
  return start;
}

/**
 * How the model file can name something of SQLAlchemy's (`sa.String`, `db.String`, `String`): a spelling that the
 * file's own imports resolve to that thing, else one import added to the file.
 */
class Spelling {
  private readonly body: Stmt[];

  constructor(
    private readonly resolver: Resolver,
    private readonly file: string,
    private readonly doc: SourceText,
    private readonly line: number,
  ) {
    this.body = resolver.moduleBody(file);
  }

  /** A spelling the file's names already resolve to `canonical`, trying the preferred prefixes (`sa.`) first. */
  existing(canonical: string, prefixes: string[]): string | undefined {
    const short = canonical.slice(canonical.lastIndexOf('.') + 1);
    const bound = new Set<string>();
    for (const s of this.body) {
      if (s.k === 'import') bound.add(s.asname ?? s.module);
      else if (s.k === 'from') for (const n of s.names) bound.add(n.asname ?? n.name);
      else if (s.k === 'assign') for (const t of s.targets) if (t.k === 'name') bound.add(t.id);
    }
    const candidates = [...prefixes, '', ...[...bound].map((b) => `${b}.`)];
    for (const prefix of candidates) {
      const text = `${prefix}${short}`;
      if (this.resolvesTo(text, canonical)) return text;
    }
    return undefined;
  }

  /** A spelling of `canonical` (from `module`), with the import to add when the file has none that serves. */
  spell(canonical: string, module: string, prefixes: string[]): { text: string; edits: TextEdit[] } | undefined {
    const found = this.existing(canonical, prefixes);
    if (found) return { text: found, edits: [] };
    const short = canonical.slice(canonical.lastIndexOf('.') + 1);
    const imports = this.body.filter((s) => s.k === 'import' || s.k === 'from');
    const from = imports.find((s): s is Extract<Stmt, { k: 'from' }> => s.k === 'from' && s.level === 0 && s.module === module && !s.names.some((n) => n.name === '*'));
    if (from && from.s[0] === from.s[2] && !/[()\\]/.test(this.doc.slice(from.s))) {
      const end = this.doc.end(from.s);
      return { text: short, edits: [{ span: this.doc.between(end, end), newText: `, ${short}` }] };
    }
    const last = imports.at(-1);
    if (!last) return undefined;
    const line = last.s[2] + 1;
    const at = this.doc.offset(line, 0);
    const newText = at > this.doc.text.length || this.doc.text[at - 1] !== '\n' ? `\nfrom ${module} import ${short}` : `from ${module} import ${short}\n`;
    const offset = Math.min(at, this.doc.text.length);
    return { text: short, edits: [{ span: this.doc.between(offset, offset), newText }] };
  }

  private resolvesTo(dotted: string, canonical: string): boolean {
    const parts = dotted.split('.');
    const s: Span = [this.line, 0, this.line, 0];
    let e: Expr = { k: 'name', id: parts[0], s };
    for (const p of parts.slice(1)) e = { k: 'attr', obj: e, name: p, s };
    const v = this.resolver.resolve(this.file, e);
    if (v.t !== 'ext' || canonicalName(v.q) !== canonical) return false;
    // canonicalName keeps only the last name (`Column.Text` would pass): the owner must be a module that exports it.
    const module = v.q.slice(0, v.q.lastIndexOf('.'));
    if (canonical === 'sa.mapped_column') return module === 'sqlalchemy.orm' || module === 'flask_sqlalchemy.db';
    return EXPORTERS.test(module);
  }
}
