import {
  bindTargets,
  evaluateExpression,
  parseExpression,
  pyItems,
  pyText,
  pyTruthy,
  PyObject,
  RE_MODULE,
  TemplateError,
  Unknown,
  type TemplateValue,
} from './templateExpressions';

export { TemplateError } from './templateExpressions';

/** The values a template may refer to. */
export type TemplateVariables = Record<string, TemplateValue>;

type Expression = ReturnType<typeof parseExpression>;

/** An `% if` or `% for` whose end is not read yet, with the body text goes to and its line (for messages). */
type OpenBlock = { part: Extract<Part, { k: 'if' | 'for' }>; body: Part[]; line: string };

/** A template read into its parts, control lines nested. */
type Part =
  | { k: 'text'; v: string }
  | { k: 'expr'; source: string; node: Expression; filters: string[] }
  | { k: 'code'; code: string }
  | { k: 'if'; branches: Array<{ test?: Expression; body: Part[] }> }
  | { k: 'for'; targets: string[]; iter: Expression; body: Part[] };

/**
 * Renders a `script.py.mako` as Mako does, without running anything: `${expression | filters}`, control lines
 * (`% if`/`elif`/`else`/`endif`, `% for`/`endfor`), `<% %>` and `<%! %>` blocks of assignments and imports (`re` is
 * known; a value computed from any other import is an error only where it is used), `<%text>`, `<%doc>`, `##` comment
 * lines, `%%` and backslash line continuations. A name nobody passed is Mako's UNDEFINED: false in a test, an error
 * when written. Anything else is a TemplateError naming it.
 */
export function renderMako(template: string, variables: TemplateVariables): string {
  const { parts, modules } = readTemplate(template.replace(/\r\n/g, '\n'));
  const scope = new Map<string, TemplateValue>(Object.entries(variables));
  // Mako's context holds what the template was given, not the names its own code assigns.
  scope.set('context', contextObject(new Map(Object.entries(variables))));
  for (const code of modules) runBlock(code, scope);
  const out: string[] = [];
  renderParts(parts, scope, out, { steps: 0, length: 0 });
  return out.join('');
}

/** The most parts a template may render (loops included) and the longest text it may make: templates are user input. */
const MAX_STEPS = 1_000_000;
const MAX_OUTPUT = 10_000_000;
/** The deepest nesting of control lines alembic-drift reads. */
const MAX_CONTROL_NESTING = 100;

/** Mako's `context`: `context.get(name, default)` and `context.keys()` over the template's variables. */
function contextObject(scope: ReadonlyMap<string, TemplateValue>): PyObject {
  return new PyObject('Context', {
    get: new PyObject('context.get()', {}, ([name, fallback]) => (typeof name === 'string' && scope.has(name) ? scope.get(name)! : (fallback ?? null))),
    keys: new PyObject('context.keys()', {}, () => [...scope.keys()]),
  });
}

/** Counts one more part or loop turn against the template's budget. */
function step(budget: { steps: number }): void {
  if (++budget.steps > MAX_STEPS) throw new TemplateError(`the template renders more than ${MAX_STEPS} parts (a loop that does not end soon)`);
}

function renderParts(parts: Part[], scope: Map<string, TemplateValue>, out: string[], budget: { steps: number; length: number }): void {
  const write = (text: string): void => {
    budget.length += text.length;
    if (budget.length > MAX_OUTPUT) throw new TemplateError(`the template writes more than ${MAX_OUTPUT} characters`);
    out.push(text);
  };
  for (const part of parts) {
    step(budget);
    switch (part.k) {
      case 'text':
        write(part.v);
        break;
      case 'expr':
        write(applyFilters(part, evaluateExpression(part.node, scope), scope));
        break;
      case 'code':
        runBlock(part.code, scope);
        break;
      case 'if': {
        const branch = part.branches.find((b) => !b.test || pyTruthy(evaluateExpression(b.test, scope)));
        if (branch) renderParts(branch.body, scope, out, budget);
        break;
      }
      case 'for':
        for (const item of pyItems(evaluateExpression(part.iter, scope))) {
          step(budget);
          bindTargets(part.targets, item, scope);
          renderParts(part.body, scope, out, budget);
        }
        break;
    }
  }
}

const BUILTIN_FILTERS: Record<string, (s: string) => string> = {
  n: (s) => s,
  str: (s) => s,
  unicode: (s) => s,
  trim: (s) => s.trim(),
  h: (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
};

/** Mako's filters, left to right: its own (`n`, `trim`, `h`...) or a function of the namespace (Alembic's `comma`). */
function applyFilters(part: Extract<Part, { k: 'expr' }>, value: TemplateValue, scope: ReadonlyMap<string, TemplateValue>): string {
  // Mako applies its default filter (str) first, unless `n` turns it off.
  let current = part.filters.includes('n') ? value : pyText(value);
  for (const name of part.filters) {
    const builtin = Object.hasOwn(BUILTIN_FILTERS, name) ? BUILTIN_FILTERS[name] : undefined;
    const fn = scope.get(name);
    if (builtin) current = builtin(pyText(current));
    else if (fn instanceof PyObject && fn.call) current = fn.call([current], {});
    else throw new TemplateError(`the filter "${name}" in "\${${part.source}}" is not supported`);
  }
  return pyText(current);
}

/** Reads a template into parts, with its `<%! %>` module blocks apart (Mako runs them first). */
function readTemplate(text: string): { parts: Part[]; modules: string[] } {
  const root: Part[] = [];
  const modules: string[] = [];
  // Open control blocks, innermost last; text goes to the body being filled.
  const stack: OpenBlock[] = [];
  const target = (): Part[] => stack[stack.length - 1]?.body ?? root;
  const pushText = (v: string): void => {
    const parts = target();
    const last = parts[parts.length - 1];
    if (last?.k === 'text') last.v += v;
    else if (v) parts.push({ k: 'text', v });
  };
  let i = 0;
  let lineStart = true;
  while (i < text.length) {
    if (lineStart) {
      const newline = text.indexOf('\n', i);
      const lineEnd = newline < 0 ? text.length : newline + 1;
      const line = text.slice(i, lineEnd);
      if (/^[ \t]*##/.test(line)) {
        i = lineEnd;
        continue;
      }
      if (/^[ \t]*%(?!%)/.test(line)) {
        controlLine(line.trim().slice(1).trim(), stack, target);
        i = lineEnd;
        continue;
      }
      if (/^[ \t]*%%/.test(line)) {
        const at = line.indexOf('%%');
        pushText(line.slice(0, at));
        i += at + 1;
      }
    }
    lineStart = false;
    if (text.startsWith('<%text>', i)) {
      const end = text.indexOf('</%text>', i);
      if (end < 0) throw new TemplateError('<%text> without </%text>');
      pushText(text.slice(i + '<%text>'.length, end));
      i = end + '</%text>'.length;
      continue;
    }
    if (text.startsWith('<%doc>', i)) {
      const end = text.indexOf('</%doc>', i);
      if (end < 0) throw new TemplateError('<%doc> without </%doc>');
      i = end + '</%doc>'.length;
      continue;
    }
    if (text.startsWith('<%!', i) || /^<%\s/.test(text.slice(i, i + 3))) {
      const module = text[i + 2] === '!';
      const end = text.indexOf('%>', i);
      if (end < 0) throw new TemplateError('a Python block "<%" without "%>"');
      const code = text.slice(i + (module ? 3 : 2), end);
      if (module) modules.push(code);
      else target().push({ k: 'code', code });
      i = end + 2;
      continue;
    }
    if (text.startsWith('<%', i) || text.startsWith('</%', i)) {
      throw new TemplateError(`"${text.slice(i, i + 20).split('\n')[0]}" (a Mako tag) is not supported`);
    }
    if (text.startsWith('${', i)) {
      const end = expressionEnd(text, i + 2);
      target().push(expressionPart(text.slice(i + 2, end)));
      i = end + 1;
      continue;
    }
    if (text.startsWith('\\\n', i)) {
      i += 2;
      lineStart = true;
      continue;
    }
    const next = nextSpecial(text, i);
    pushText(text.slice(i, next));
    if (text[next - 1] === '\n') lineStart = true;
    i = next;
  }
  if (stack.length > 0) throw new TemplateError(`control line "% ${stack[stack.length - 1].line}" is never closed`);
  return { parts: root, modules };
}

/** Where plain text stops: at the end of its line, or at the next `${`, `<%`, `</%` or backslash-newline. */
function nextSpecial(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n') return i + 1;
    if ((ch === '$' && text[i + 1] === '{') || (ch === '<' && (text[i + 1] === '%' || (text[i + 1] === '/' && text[i + 2] === '%'))) || (ch === '\\' && text[i + 1] === '\n')) {
      return i === from ? i + 1 : i;
    }
    i++;
  }
  return i;
}

/** A `% ...` line: opens, continues or closes an `if` or a `for`. */
function controlLine(line: string, stack: OpenBlock[], target: () => Part[]): void {
  // String operations, not one regular expression: a line of many spaces must not take cubic time.
  const keyword = /^\w+/.exec(line)?.[0] ?? '';
  let arg = line.slice(keyword.length).trim();
  if (arg.endsWith(':')) arg = arg.slice(0, -1).trimEnd();
  const top = stack[stack.length - 1];
  if ((keyword === 'if' || keyword === 'for') && stack.length >= MAX_CONTROL_NESTING) throw new TemplateError(`control lines nest deeper than ${MAX_CONTROL_NESTING}`);
  if (keyword === 'if') {
    const part: Extract<Part, { k: 'if' }> = { k: 'if', branches: [{ test: parseExpression(arg), body: [] }] };
    target().push(part);
    stack.push({ part, body: part.branches[0].body, line });
  } else if ((keyword === 'elif' || keyword === 'else') && top?.part.k === 'if') {
    const branch = { test: keyword === 'elif' ? parseExpression(arg) : undefined, body: [] };
    top.part.branches.push(branch);
    top.body = branch.body;
  } else if (keyword === 'for') {
    const at = /\sin\s/.exec(arg);
    const targets = at ? arg.slice(0, at.index).split(',').map((t) => t.trim().replace(/^\(|\)$/g, '').trim()).filter(Boolean) : [];
    if (!at || targets.length === 0 || !targets.every((t) => /^[A-Za-z_]\w*$/.test(t))) throw new TemplateError(`control line "% ${line}" is not supported`);
    const part: Extract<Part, { k: 'for' }> = { k: 'for', targets, iter: parseExpression(arg.slice(at.index + at[0].length)), body: [] };
    target().push(part);
    stack.push({ part, body: part.body, line });
  } else if ((keyword === 'endif' && top?.part.k === 'if') || (keyword === 'endfor' && top?.part.k === 'for')) {
    stack.pop();
  } else {
    throw new TemplateError(`control line "% ${line}" is not supported`);
  }
}

/** An expression with its filters: `down_revision | comma,n`. */
function expressionPart(source: string): Extract<Part, { k: 'expr' }> {
  const bar = topLevelBar(source);
  const expression = bar < 0 ? source : source.slice(0, bar);
  const filters = bar < 0 ? [] : source.slice(bar + 1).split(',').map((f) => f.trim()).filter(Boolean);
  return { k: 'expr', source: source.trim(), node: parseExpression(expression), filters };
}

/**
 * Goes through Python code from `from`, skipping quoted strings, and returns the first offset where `stop` holds for
 * the character there and the bracket depth before it (-1 when none does).
 */
function scanCode(text: string, from: number, stop: (ch: string, at: number, depth: number) => boolean): number {
  let quote: string | undefined;
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (stop(ch, i, depth)) return i;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
  }
  return -1;
}

/** The offset of the `|` that starts an expression's filters (outside strings and brackets), or -1. */
function topLevelBar(source: string): number {
  return scanCode(source, 0, (ch, _at, depth) => ch === '|' && depth === 0);
}

/** The index of the `}` that closes an expression, skipping quoted strings and nested brackets. */
function expressionEnd(text: string, from: number): number {
  const end = scanCode(text, from, (ch, _at, depth) => ch === '}' && depth === 0);
  if (end < 0) throw new TemplateError('"${" without a closing "}"');
  return end;
}

/** A line without its `#` comment (a `#` inside a string stays). */
function stripComment(line: string): string {
  const at = scanCode(line, 0, (ch) => ch === '#');
  return at < 0 ? line : line.slice(0, at);
}

/** The statements of a logical line split at `;` outside strings and brackets. */
function splitStatements(text: string): string[] {
  const cuts: number[] = [];
  scanCode(text, 0, (ch, at, depth) => {
    if (ch === ';' && depth === 0) cuts.push(at);
    return false;
  });
  return [-1, ...cuts].map((c, k) => text.slice(c + 1, cuts[k] ?? text.length).trim()).filter(Boolean);
}

/** The logical lines of a Python block, dedented, each with the indentation it had. */
function logicalLines(code: string): Array<{ indent: number; text: string }> {
  const lines: Array<{ indent: number; text: string }> = [];
  let current = '';
  let depth = 0;
  for (const raw of code.split('\n')) {
    const line = stripComment(raw).trimEnd();
    if (!current && !line.trim()) continue;
    current = current ? `${current} ${line.trim()}` : line;
    scanCode(line, 0, (ch) => {
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth--;
      return false;
    });
    if (depth > 0 || current.endsWith('\\')) {
      current = current.replace(/\\$/, '');
      continue;
    }
    lines.push({ indent: current.length - current.trimStart().length, text: current.trim() });
    current = '';
    depth = 0;
  }
  if (current) lines.push({ indent: current.length - current.trimStart().length, text: current.trim() });
  const base = Math.min(...lines.map((l) => l.indent));
  return lines.map((l) => ({ indent: l.indent - base, text: l.text }));
}

/** The clauses that continue a compound statement at its own indentation. */
const CONTINUATION = /^(else|elif\b.*|except\b.*|finally)\s*:$/;

/** What an assignment of a block binds: its value, or an unknown one when it cannot be evaluated here. */
function assignedValue(name: string, expression: string, scope: ReadonlyMap<string, TemplateValue>): TemplateValue {
  try {
    return evaluateExpression(parseExpression(expression), scope);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    return new Unknown(`the template computes "${name}" from what alembic-drift cannot evaluate: ${e.message}`);
  }
}

/**
 * Runs what a `<% %>` or `<%! %>` block does to the template's names, without running it: assignments of
 * expressions, `import re`. Names it imports from elsewhere, and names assigned inside an `if`, a loop or a
 * function, are unknown, an error only where the template uses them.
 */
function runBlock(code: string, scope: Map<string, TemplateValue>): void {
  const lines = logicalLines(code).flatMap((l) => splitStatements(l.text).map((text) => ({ indent: l.indent, text })));
  for (let i = 0; i < lines.length; i++) {
    const { indent, text } = lines[i];
    if (indent > 0) continue;
    const imported = /^import\s+(.+)$/.exec(text);
    const fromImport = /^from\s+([\w.]+)\s+import\s+\(?(.+?)\)?$/.exec(text);
    const assign = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$/.exec(text);
    if (imported) {
      for (const item of imported[1].split(',')) {
        const [module, alias] = item.trim().split(/\s+as\s+/);
        const name = alias ?? module.split('.')[0];
        scope.set(name, module === 're' ? RE_MODULE : new Unknown(`the template imports ${module}, which alembic-drift does not run`));
      }
    } else if (fromImport) {
      for (const item of fromImport[2].split(',')) {
        const [name, alias] = item.trim().split(/\s+as\s+/);
        scope.set(alias ?? name, new Unknown(`the template takes ${name} from ${fromImport[1]}, which alembic-drift does not run`));
      }
    } else if (assign) {
      scope.set(assign[1], assignedValue(assign[1], assign[2], scope));
    } else if (/^(if|for|while|with|try|def|class)\b.*:$/.test(text)) {
      const defined = /^(?:def|class)\s+([A-Za-z_]\w*)/.exec(text)?.[1];
      if (defined) scope.set(defined, new Unknown(`the template defines "${defined}" in a Python block alembic-drift does not run`));
      // Names assigned in the compound statement's suites depend on what it tests or goes through.
      for (let j = i + 1; j < lines.length && (lines[j].indent > 0 || CONTINUATION.test(lines[j].text)); j++) {
        const inner = /^([A-Za-z_]\w*)\s*(?:=(?!=)|\+=)|^for\s+([A-Za-z_]\w*)\s/.exec(lines[j].text);
        const name = inner?.[1] ?? inner?.[2];
        if (name) scope.set(name, new Unknown(`the template computes "${name}" in a Python block alembic-drift does not run (${text})`));
      }
    } else if (!CONTINUATION.test(text) && text !== 'pass') {
      throw new TemplateError(`the Python statement "${text}" in the template is not something alembic-drift can run`);
    }
  }
}
