import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

/*
 * The SQL injection grammar (syntaxes/) tokenized as VS Code does it: vscode-textmate over oniguruma, with the Python
 * and SQL grammars VS Code ships (from tm-grammars), the injection registered for what package.json says it is injected
 * into, and grammars loaded lazily by scope name, as the editor loads them.
 */

const REPO = path.resolve(__dirname, '..', '..', '..');
const MODULES = path.join(REPO, 'node_modules');

interface GrammarContribution {
  scopeName: string;
  path: string;
  injectTo?: string[];
  embeddedLanguages?: Record<string, string>;
}

const contributions: GrammarContribution[] =
  JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).contributes?.grammars ?? [];
const injection = contributions.find((g) => g.injectTo?.includes('source.python'));

interface Token {
  line: number;
  text: string;
  scopes: string[];
}

let wasmLoaded: Promise<void> | undefined;

/** A registry as the editor builds one; `loaded` records the scopes it asked for. */
async function pythonGrammar(withInjection: boolean): Promise<{ grammar: vsctm.IGrammar; loaded: string[] }> {
  wasmLoaded ??= oniguruma.loadWASM(fs.readFileSync(path.join(MODULES, 'vscode-oniguruma', 'release', 'onig.wasm')));
  await wasmLoaded;
  const files: Record<string, string> = {
    'source.python': path.join(MODULES, 'tm-grammars', 'grammars', 'python.json'),
    'source.sql': path.join(MODULES, 'tm-grammars', 'grammars', 'sql.json'),
  };
  const injectedInto: Record<string, string[]> = {};
  if (withInjection && injection) {
    files[injection.scopeName] = path.join(REPO, injection.path);
    for (const target of injection.injectTo ?? []) (injectedInto[target] ??= []).push(injection.scopeName);
  }
  const loaded: string[] = [];
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      const file = files[scopeName];
      if (!file) return null;
      loaded.push(scopeName);
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
    getInjections: (scopeName) => injectedInto[scopeName],
  });
  const grammar = await registry.loadGrammar('source.python');
  assert.ok(grammar, 'the Python grammar loads');
  return { grammar, loaded };
}

let withSql: vsctm.IGrammar;
let pythonOnly: vsctm.IGrammar;
let loadedScopes: string[];

function tokenize(grammar: vsctm.IGrammar, source: string): Token[] {
  const tokens: Token[] = [];
  let state = vsctm.INITIAL;
  source.split('\n').forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, state);
    for (const t of result.tokens) {
      tokens.push({ line, text: lineText.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    state = result.ruleStack;
  });
  return tokens;
}

/** The (n-th) token whose text, trimmed, is `text`. */
function token(tokens: Token[], text: string, nth = 0): Token {
  const found = tokens.filter((t) => t.text.trim() === text);
  assert.ok(found.length > nth, `no token ${JSON.stringify(text)} (#${nth}) in:\n${dump(tokens)}`);
  return found[nth];
}

function dump(tokens: Token[]): string {
  return tokens.map((t) => `  ${t.line}: ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`).join('\n');
}

const isSqlScope = (s: string): boolean => s === 'meta.embedded.sql' || s.endsWith('.sql');

/** `word` is SQL: inside meta.embedded.sql, inside the Python string, with a keyword scope of the SQL grammar. */
function assertSqlKeyword(tokens: Token[], word: string, keywordScope: RegExp = /^keyword\.[\w.-]+\.sql$|^keyword\.other\.sql$/, nth = 0): void {
  const t = token(tokens, word, nth);
  assert.ok(t.scopes.includes('meta.embedded.sql'), `${word} is in meta.embedded.sql: ${t.scopes.join(' ')}`);
  assert.ok(t.scopes.some((s) => /^string\..*\.python$/.test(s)), `${word} stays inside the Python string: ${t.scopes.join(' ')}`);
  assert.ok(t.scopes.some((s) => keywordScope.test(s)), `${word} has a scope matching ${keywordScope}: ${t.scopes.join(' ')}`);
  const embedded = t.scopes.indexOf('meta.embedded.sql');
  assert.ok(t.scopes.findIndex((s) => keywordScope.test(s)) > embedded, `${word}'s SQL scope is inside meta.embedded.sql`);
}

/** The string's quotes keep the Python scopes and are not SQL. */
function assertQuotes(tokens: Token[], open: string, close: string, stringScope: string): void {
  const begin = tokens.find((t) => t.text === open && t.scopes.includes('punctuation.definition.string.begin.python'));
  const end = tokens.find((t) => t.text === close && t.scopes.includes('punctuation.definition.string.end.python'));
  assert.ok(begin && end, `the quotes ${open} … ${close} are Python string punctuation:\n${dump(tokens)}`);
  for (const q of [begin, end]) {
    assert.ok(q.scopes.includes(stringScope), `${q.text} is in ${stringScope}: ${q.scopes.join(' ')}`);
    assert.ok(!q.scopes.some(isSqlScope), `${q.text} is not SQL: ${q.scopes.join(' ')}`);
  }
}

/** No SQL anywhere, and exactly the tokens of the Python grammar alone. */
function assertPlainPython(source: string): void {
  const tokens = tokenize(withSql, source);
  const sql = tokens.filter((t) => t.scopes.some(isSqlScope));
  assert.deepEqual(sql, [], `no SQL scopes in ${JSON.stringify(source)}`);
  assert.deepEqual(tokens, tokenize(pythonOnly, source), `the injection leaves ${JSON.stringify(source)} as Python tokenizes it`);
}

describe('grammar: SQL injected into Python strings (syntaxes/)', () => {
  before(async function () {
    this.timeout(30000);
    assert.ok(injection, 'package.json contributes a grammar injected into source.python');
    const loaded = await pythonGrammar(true);
    withSql = loaded.grammar;
    loadedScopes = loaded.loaded;
    pythonOnly = (await pythonGrammar(false)).grammar;
  });

  it('is contributed in package.json: injected into source.python, meta.embedded.sql mapped to the sql language, its file named by the scope', () => {
    const g = injection!;
    assert.deepEqual(g.injectTo, ['source.python']);
    assert.deepEqual(g.embeddedLanguages, { 'meta.embedded.sql': 'sql' });
    const raw = JSON.parse(fs.readFileSync(path.join(REPO, g.path), 'utf8'));
    assert.equal(raw.scopeName, g.scopeName);
    assert.match(raw.injectionSelector, /^L:source\.python -string -comment\b/);
    assert.ok(g.path.startsWith('./syntaxes/') && g.path.endsWith('.json'), 'shipped by .vscodeignore (!syntaxes/*.json)');
    assert.match(fs.readFileSync(path.join(REPO, '.vscodeignore'), 'utf8'), /^!syntaxes\/\*\.json$/m);
  });

  it('makes the editor load the SQL grammar when it loads Python (source.sql is reached through patterns)', () => {
    assert.deepEqual([...loadedScopes].sort(), ['source.python', injection!.scopeName, 'source.sql'].sort());
  });

  it('op.execute("ALTER TABLE …"): the keywords get the SQL grammar scopes inside meta.embedded.sql', () => {
    const tokens = tokenize(withSql, 'op.execute("ALTER TABLE users ADD COLUMN age INTEGER")');
    for (const word of ['ALTER', 'TABLE', 'ADD']) assertSqlKeyword(tokens, word);
    assertSqlKeyword(tokens, 'INTEGER', /^storage\.type\.sql$/);
    // The SQL grammar has no rule for COLUMN: it is SQL text with no scope of its own.
    const column = tokens.find((t) => /\bCOLUMN\b/.test(t.text));
    assert.ok(column?.scopes.includes('meta.embedded.sql'), dump(tokens));
    assertQuotes(tokens, '"', '"', 'string.quoted.single.python');
    // The call itself is scoped as Python scopes a call.
    assert.ok(token(tokens, 'execute').scopes.includes('meta.function-call.generic.python'));
    assert.ok(token(tokens, '(').scopes.includes('punctuation.definition.arguments.begin.python'));
    assert.ok(tokens[tokens.length - 1].scopes.includes('punctuation.definition.arguments.end.python'));
  });

  it('sa.text("SELECT now()"), sqlalchemy.text(…) and a bare text(…)', () => {
    const tokens = tokenize(withSql, 'sa.text("SELECT now()")\nsqlalchemy.text(\'DELETE FROM t\')\nstmt = text("UPDATE t SET a = 1")');
    assertSqlKeyword(tokens, 'SELECT', /^keyword\.other\.DML\.sql$/);
    assertSqlKeyword(tokens, 'DELETE');
    assertSqlKeyword(tokens, 'UPDATE');
    assertSqlKeyword(tokens, 'SET');
    assert.ok(token(tokens, 'text').scopes.includes('meta.function-call.generic.python'));
  });

  it('a triple-quoted string across lines, and the code after it is Python again', () => {
    const source = 'op.execute("""\nCREATE INDEX ix ON t (c)\n""")\nprint("SELECT 1")';
    const tokens = tokenize(withSql, source);
    assertSqlKeyword(tokens, 'CREATE', /^keyword\.other\.create\.sql$/);
    assertSqlKeyword(tokens, 'INDEX');
    assertSqlKeyword(tokens, 'ON');
    assert.equal(token(tokens, 'CREATE').line, 1);
    assertQuotes(tokens, '"""', '"""', 'string.quoted.multi.python');
    assert.equal(tokens.find((t) => t.scopes.includes('punctuation.definition.string.end.python'))?.line, 2);
    const after = tokens.filter((t) => t.line === 3);
    assert.deepEqual(after, tokenize(pythonOnly, source).filter((t) => t.line === 3));
    assert.ok(!after.some((t) => t.scopes.some(isSqlScope)));
  });

  it('string prefixes: r, R, rb, u, b, f and rf', () => {
    const tokens = tokenize(withSql, [
      'op.execute(r"UPDATE t SET a = 1")',
      "op.execute(R'SELECT 1')",
      'op.execute(rb"SELECT 2")',
      "op.execute(u'SELECT 3')",
      'op.execute(b"SELECT 4")',
      'op.execute(f"SELECT 5 FROM {table}")',
      "op.execute(rf'''SELECT 6''')",
    ].join('\n'));
    assertSqlKeyword(tokens, 'UPDATE');
    const r = token(tokens, 'r');
    assert.ok(r.scopes.includes('storage.type.string.python') && r.scopes.includes('string.quoted.raw.single.python'), r.scopes.join(' '));
    assertQuotes(tokens.filter((t) => t.line === 0), '"', '"', 'string.quoted.raw.single.python');
    for (let i = 0; i < 6; i++) assertSqlKeyword(tokens, 'SELECT', undefined, i);
    // The f-string's replacement field stays Python.
    assert.ok(token(tokens, '{').scopes.includes('constant.character.format.placeholder.other.python'));
    assert.ok(token(tokens, 'rf').scopes.includes('storage.type.string.python'));
  });

  it('conn / connection / bind / op.get_bind() .execute(…): the first argument is SQL, the other arguments stay Python', () => {
    const tokens = tokenize(withSql, [
      'conn.execute("INSERT INTO t VALUES (:a)", {"a": "DELETE"})',
      'connection.execute(text("SELECT 1"), {"q": "DROP"})',
      'op.get_bind().execute("TRUNCATE t")',
      'bind.execute(sa.text("COMMIT"))',
      'conn.execute("SELECT name FROM t WHERE id = %s", "GRANT")',
    ].join('\n'));
    assertSqlKeyword(tokens, 'INSERT INTO');
    assertSqlKeyword(tokens, 'VALUES', /^keyword\.other\.DML\.II\.sql$/);
    assertSqlKeyword(tokens, 'SELECT');
    assertSqlKeyword(tokens, 'TRUNCATE');
    assertSqlKeyword(tokens, 'COMMIT');
    assertSqlKeyword(tokens, 'SELECT', undefined, 1);
    assert.ok(token(tokens, '%s').scopes.includes('constant.character.format.placeholder.other.python'));
    for (const word of ['DELETE', 'DROP', 'GRANT']) {
      const t = token(tokens, word);
      assert.ok(t.scopes.includes('string.quoted.single.python') && !t.scopes.some(isSqlScope), `${word}: ${t.scopes.join(' ')}`);
    }
    assert.ok(token(tokens, 'a', 0).scopes.includes('variable.parameter.bind.sql'), 'the :a bind parameter');
  });

  it('implicitly concatenated strings over lines, with a comment between them', () => {
    const tokens = tokenize(withSql, 'op.execute(\n    "UPDATE users "  # why\n    \'SET age = 0\'\n)');
    assertSqlKeyword(tokens, 'UPDATE');
    assertSqlKeyword(tokens, 'SET');
    assert.ok(token(tokens, '#').scopes.includes('comment.line.number-sign.python'));
  });

  it('an SQL quote or comment left open cannot run past the end of the Python string', () => {
    const source = 'op.execute("SELECT \'open -- x")\ny = "DROP"\nop.execute("""SELECT 1 -- c""")\nz = 1';
    const tokens = tokenize(withSql, source);
    assert.equal(tokens.filter((t) => t.scopes.includes('punctuation.definition.string.end.python')).length, 3, dump(tokens));
    const python = tokenize(pythonOnly, source);
    for (const line of [1, 3]) {
      assert.deepEqual(tokens.filter((t) => t.line === line), python.filter((t) => t.line === line), `line ${line} is Python`);
    }
  });

  it('print("SELECT 1"), x = "ALTER TABLE" and other strings stay plain Python strings', () => {
    assertPlainPython('print("SELECT 1")');
    assertPlainPython('x = "ALTER TABLE"');
    assertPlainPython('logger.info("update users set x = 1")');
    assertPlainPython('foo.text("SELECT 1"); context("SELECT 2"); cursor.run("DELETE")');
    assertPlainPython('# op.execute("SELECT 1")');
    assertPlainPython('def f():\n    """op.execute("SELECT 1")"""');
    assertPlainPython('def text(self, q="SELECT 1"):\n    pass\nclass text(Base):\n    pass');
  });
});
