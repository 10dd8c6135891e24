import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project, type EnvironmentAnalysis } from '../../server/src/core/project';
import { defaultSettings } from '../../server/src/core/config/settings';
import { makeType } from '../../server/src/core/schema/types';
import type { SqlType } from '../../server/src/core/schema/schema';
import { renderColumn, renderServerDefault, renderType, type RenderContext } from '../../server/src/core/render/renderType';
import { renderChangeOps } from '../../server/src/core/render/renderOps';
import { parsePyString, pyRepr, pyStr } from '../../server/src/core/render/python';
import { renderMako, TemplateError } from '../../server/src/core/render/mako';
import { revisionFileName, slugOf } from '../../server/src/core/render/fileName';
import { COMMA_FILTER, DEFAULT_TEMPLATE, pythonDateTime, renderRevision, templateVariables, type RevisionContent } from '../../server/src/core/render/renderRevision';
import { alembicAvailable, alembicTemplatesFolder, runMakoOracle } from '../oracle/runOracle';
import { newRevision, RevisionError } from '../../server/src/core/render/newRevision';
import { py, testParser } from '../unit/helpers';

const ctx = (dialect?: string): RenderContext => ({ imports: new Set(), notes: [], dialect });

function typeText(t: SqlType | undefined, dialect?: string): { text: string; imports: string[]; notes: string[] } {
  const c = ctx(dialect);
  const text = renderType(t, { ...c, where: '"t.c"' });
  return { text, imports: [...c.imports], notes: c.notes };
}

describe('revision rendering: types, defaults and columns as Alembic writes them', () => {
  it('writes generic types with their arguments by name, leaving defaults out', () => {
    assert.equal(typeText(makeType('sa.String', { length: 255 })).text, 'sa.String(length=255)');
    assert.equal(typeText(makeType('sa.Numeric', { precision: 10, scale: 2 })).text, 'sa.Numeric(precision=10, scale=2)');
    assert.equal(typeText(makeType('sa.Integer')).text, 'sa.Integer()');
    assert.equal(typeText(makeType('sa.DateTime', { timezone: true })).text, 'sa.DateTime(timezone=True)');
    assert.equal(typeText(makeType('sa.DateTime', { timezone: false })).text, 'sa.DateTime()');
    assert.equal(typeText(makeType('sa.VARCHAR', { length: 20, collation: 'C' })).text, "sa.VARCHAR(length=20, collation='C')");
    assert.deepEqual(typeText(makeType('sa.Text')).notes, []);
  });

  it('writes dialect types with their module and import, JSONB with its text type', () => {
    assert.deepEqual(typeText(makeType('postgresql.JSONB')), { text: 'postgresql.JSONB(astext_type=sa.Text())', imports: ['from sqlalchemy.dialects import postgresql'], notes: [] });
    assert.equal(typeText(makeType('postgresql.UUID', { as_uuid: true })).text, 'postgresql.UUID(as_uuid=True)');
    assert.equal(typeText(makeType('mysql.TINYINT', { display_width: 1 })).text, 'mysql.TINYINT(display_width=1)');
    assert.deepEqual(typeText({ ...makeType('sa.ARRAY'), item: makeType('sa.Integer') }).text, 'sa.ARRAY(sa.Integer())');
    assert.deepEqual(typeText(makeType('sqlmodel.AutoString', { length: 40 })), { text: 'sqlmodel.sql.sqltypes.AutoString(length=40)', imports: ['import sqlmodel'], notes: [] });
  });

  it('writes enums with their values and name', () => {
    assert.equal(typeText({ ...makeType('sa.Enum'), enumValues: ['draft', 'sent'], enumName: 'status' }).text, "sa.Enum('draft', 'sent', name='status')");
    assert.equal(typeText({ ...makeType('sa.Enum'), enumValues: ["it's"], args: { native_enum: false } }).text, `sa.Enum("it's", native_enum=False)`);
    assert.equal(typeText({ ...makeType('sa.Enum'), enumValues: ['a'], args: { native_enum: false, length: 20 } }).text, "sa.Enum('a', native_enum=False, length=20)");
    const unknown = typeText({ ...makeType('sa.Enum'), enumName: 'kind' });
    assert.equal(unknown.text, "sa.Enum(name='kind')");
    assert.match(unknown.notes[0], /^TODO: the values of the enum/);
  });

  it('never invents a type: unknown ones are written as the model spells them, with a TODO', () => {
    const own = typeText({ name: 'GUID', args: {}, text: 'GUID()' });
    assert.equal(own.text, 'GUID()');
    assert.match(own.notes[0], /^TODO: "t\.c" has the type GUID\(\), which alembic-drift cannot write/);
    const missing = typeText(undefined);
    assert.equal(missing.text, 'sa.types.NullType()');
    assert.match(missing.notes[0], /could not be read statically/);
    const decorated = typeText({ ...makeType('sa.CHAR'), text: 'HexId()', userType: 'HexId' });
    assert.equal(decorated.text, 'sa.CHAR()');
    assert.match(decorated.notes[0], /HexId, a type of the project's own/);
  });

  it('writes server defaults: strings quoted (outer quotes dropped), SQL in sa.text, now() by dialect', () => {
    const sd = (text: string, dialect?: string): string => renderServerDefault({ text }, { ...ctx(dialect), where: '"t.c"' });
    assert.equal(sd('"active"'), "'active'");
    assert.equal(sd(`"'active'"`), "'active'");
    assert.equal(sd('sa.text("now()")'), "sa.text('now()')");
    assert.equal(sd("text('0')"), "sa.text('0')");
    assert.equal(sd('func.now()', 'postgresql'), "sa.text('now()')");
    assert.equal(sd('sa.func.now()', 'sqlite'), "sa.text('CURRENT_TIMESTAMP')");
    assert.equal(sd('func.current_timestamp()'), "sa.text('CURRENT_TIMESTAMP')");
    assert.equal(sd('sa.false()', 'sqlite'), "sa.text('0')");
    assert.equal(sd('sa.true()', 'postgresql'), "sa.text('true')");
    const c = ctx();
    assert.equal(renderServerDefault({ text: 'Sequence("s").next_value()' }, { ...c, where: '"t.c"' }), 'Sequence("s").next_value()');
    assert.match(c.notes[0], /^TODO: the server default of "t\.c"/);
  });

  it("writes a DEFAULT the migrations' SQL gave as that SQL, and a body of TODOs alone with pass (both compile)", async () => {
    const env = await environment({
      'app/models.py': `${modelsHead(8)}
        from sqlalchemy.dialects import postgresql
        class User(Base):
            __tablename__ = "users"
            id = sa.Column(sa.Integer, primary_key=True)
            prefs = sa.Column(postgresql.JSONB, nullable=True)
      `,
      'migrations/versions/a1_init.py': revisionFile('a1', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))
        op.execute("ALTER TABLE users ADD COLUMN prefs jsonb not null default '{}'::jsonb")
      `),
    });
    const revision = newRevision({ environment: env, message: 'prefs', existingFiles: [], now: new Date(2024, 0, 2), newId: () => 'c0ffee' });
    assert.match(revision.text, /    op.alter_column\('users', 'prefs',\n.*\n               server_default=sa\.text\("'\{\}'::jsonb"\),\n               nullable=False\)/, 'the downgrade puts back the DEFAULT of the SQL');
    const onlyTodo = renderRevision({ message: 'm', revisionId: 'abc', downRevision: 'h1', createDate: new Date(2024, 0, 2), upgrade: ['# TODO: drop the unnamed foreign key (a) -> b(id) of "t"'], downgrade: [], imports: [] });
    for (const text of [revision.text, onlyTodo]) {
      const python = spawnSync('/usr/bin/python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: text, encoding: 'utf8' });
      assert.equal(python.status, 0, `${python.stderr}\n${text}`);
    }
    assert.match(onlyTodo, /# TODO: drop the unnamed foreign key .*\n    pass\n    # ### end Alembic commands ###/);
  });

  it('writes a column as autogenerate does', () => {
    const column = { name: 'status', type: makeType('sa.String', { length: 20 }), nullable: false, primaryKey: false, serverDefault: { text: '"new"' }, origin: { file: 'm.py', span: [0, 0, 0, 0] as [number, number, number, number] } };
    assert.equal(renderColumn({ column, table: 'orders' }, ctx()), "sa.Column('status', sa.String(length=20), server_default='new', nullable=False)");
  });

  it('writes Python reprs and reads Python string literals', () => {
    assert.equal(pyStr("it's"), `"it's"`);
    assert.equal(pyStr(`say "hi" it's`), `'say "hi" it\\'s'`);
    assert.equal(pyStr('a\nb\\'), "'a\\nb\\\\'");
    assert.equal(pyRepr(['a']), "('a',)");
    assert.equal(pyRepr(['a', 'b']), "('a', 'b')");
    assert.equal(pyRepr(null), 'None');
    assert.equal(parsePyString(`r'\\d' "x"`), '\\dx');
    assert.equal(parsePyString('"a\\"b"'), 'a"b');
    assert.equal(parsePyString('"""x"""'), 'x');
    assert.equal(parsePyString('text("x")'), undefined);
  });
});

describe('revision rendering: script.py.mako as Mako renders it', () => {
  const vars = { message: 'add things', up_revision: 'abc', down_revision: ['h1', 'h2'], none: null, imports: '', upgrades: 'op.x()' };

  it('renders names, repr(), the comma filter and conditionals', () => {
    assert.equal(renderMako('${message}|${up_revision}|${repr(up_revision)}', vars), "add things|abc|'abc'");
    assert.equal(renderMako('${down_revision | comma,n}/${repr(down_revision)}/${down_revision}', { ...vars, comma: COMMA_FILTER }), "h1, h2/('h1', 'h2')/('h1', 'h2')");
    assert.equal(renderMako('[${none | comma,n}][${repr(none)}][${none}]', { ...vars, comma: COMMA_FILTER }), '[][None][None]');
    assert.equal(renderMako('${imports if imports else ""}|${upgrades if upgrades else "pass"}|${none if none else "pass"}', vars), '|op.x()|pass');
  });

  it('keeps <%text> as is, drops ## comment lines and <%doc>, joins backslash-continued lines, unescapes %%', () => {
    assert.equal(renderMako('a\n## a comment\n<%text>${message}</%text>\n<%doc>\nnotes\n</%doc>b \\\nc\n%% literal\n', vars), 'a\n${message}\nb c\n% literal\n');
  });

  it('follows control lines and the names a Python block assigns', () => {
    assert.equal(renderMako('% if none:\nno\n% elif message:\n  yes ${message}\n% else:\nno\n% endif\nend\n', vars), '  yes add things\nend\n');
    assert.equal(renderMako('<%! import re %>\n% for name in re.split(r",\\s*", "a, b"):\n[${name}]\n% endfor\n', vars), '\n[a]\n[b]\n');
    assert.equal(renderMako('<%\n    sqlite = dialect == "sqlite"\n%>${"yes" if sqlite else "no"}', vars), 'no');
    assert.equal(renderMako('${context.get("%s_upgrades" % "e1", "pass")}|${context.get("none_upgrades", "pass")}', { ...vars, e1_upgrades: 'op.y()' }), 'op.y()|pass');
  });

  it('refuses an unknown value in a test of identity, and a % format it cannot write as Python does', () => {
    const tryImport = '<%!\ntry:\n    from missing import thing\nexcept ImportError:\n    thing = None\n%>\n% if thing is not None:\nHAS\n% endif\n';
    assert.throws(() => renderMako(tryImport, vars), /computes "thing"/);
    assert.throws(() => renderMako('${"%.2f" % 1}', vars), /the % format "%.2f"/);
    assert.throws(() => renderMako('${"%s" % (1, 2)}', vars), /fewer fields than values/);
    assert.equal(renderMako(`% if x${' '.repeat(20000)}:\ny\n% endif\n`, vars), '', 'a long control line is read in linear time');
  });

  it('reads what a review found: names a def binds, str.replace of an empty string, imports only from import lines', () => {
    assert.throws(() => renderMako('<%\ndef helper():\n    return 1\n%>\n% if helper:\nx\n% endif\n', vars), /defines "helper"/);
    assert.equal(renderMako('${"ab".replace("", "-")}|${"a b".split()}', vars), "-a-b-|['a', 'b']");
    assert.throws(() => renderMako('${"a b c".split(" ", 1)}', vars), /with a maximum/);
    const content = { message: 'm', revisionId: 'abc', downRevision: 'h1', createDate: new Date(2024, 0, 2), upgrade: ["op.drop_table('t')"], downgrade: [], imports: [] };
    // A docstring that quotes an import, and an import under another name, bind no `op`.
    for (const [head, quoted] of [['"""Written with:\nfrom alembic import op\n"""\nimport sqlalchemy as sa', 1], ['from alembic import op as alembic_op\nimport sqlalchemy as sa', 0]] as const) {
      const text = renderRevision({ ...content, template: `${head}\n\${imports}\n\ndef upgrade():\n    \${upgrades}\n` });
      assert.equal(text.match(/^from alembic import op$/gm)?.length, quoted + 1, text);
    }
  });

  it("reads names of objects, methods and filters as Python does, never JavaScript's own (constructor, toString)", () => {
    const variables = templateVariables({ message: 'm', revisionId: 'abc', downRevision: null, createDate: new Date(2024, 0, 2), upgrade: [], downgrade: [], imports: [], mainOptions: { databases: 'one' } });
    assert.throws(() => renderMako('${create_date.constructor}', variables), (e: unknown) => e instanceof TemplateError && /has no attribute "constructor"/.test(e.message));
    assert.throws(() => renderMako('${"x".constructor()}', variables), (e: unknown) => e instanceof TemplateError && /str\.constructor\(\)/.test(e.message));
    assert.throws(() => renderMako('${message | constructor}', variables), (e: unknown) => e instanceof TemplateError && /the filter "constructor"/.test(e.message));
    assert.equal(renderMako('${config.get_main_option("toString")}|${config.get_main_option("databases")}', variables), 'None|one');
  });

  it('refuses what it would have to run, naming it', () => {
    assert.throws(() => renderMako('% while message:\nx\n% endwhile\n', vars), /control line "% while message:" is not supported/);
    assert.throws(() => renderMako('% if message:\nx\n', vars), /never closed/);
    assert.throws(() => renderMako('<%! import os %>${os.getcwd()}', vars), /imports os/);
    assert.throws(() => renderMako('<%\n    from flask import current_app\n    names = list(current_app.config)\n%>\n% for n in names:\n% endfor\n', vars), /current_app/);
    assert.throws(() => renderMako('${unknown_thing}', vars), /unknown_thing/);
    assert.throws(() => renderMako('${message | nope}', vars), /filter "nope"/);
    assert.throws(() => renderMako('<%def name="x()">y</%def>', vars), /a Mako tag/);
    assert.throws(() => renderMako('${f"{message}"}', vars), TemplateError);
  });

  it('refuses, by name, a template that would exhaust the stack, the memory or the time', () => {
    assert.throws(() => renderMako(`\${${'('.repeat(500)}1${')'.repeat(500)}}`, vars), /nests brackets deeper/);
    assert.throws(() => renderMako('${"x" * 500000000}', vars), /a string of 500000000 characters/);
    assert.throws(() => renderMako(`\${"a"${' + "a"'.repeat(5000)}}`, vars), /an expression of \d+ characters/);
    assert.throws(() => renderMako(`${'% if 1:\n'.repeat(500)}x\n${'% endif\n'.repeat(500)}`, vars), /control lines nest deeper than 100/);
    const s = 'x'.repeat(1000);
    assert.throws(() => renderMako(`<% s = "${s}" %>\n% for a in s * 500:\n% for b in s * 500:\n% endfor\n% endfor\n`, vars), /renders more than 1000000 parts/);
    // Within the limits, nesting renders.
    assert.equal(renderMako(`\${${'('.repeat(90)}1${')'.repeat(90)}}`, vars), '1');
  });

  it('refuses a template that would not write the upgrade it is given', () => {
    const content = { message: 'm', revisionId: 'abc', downRevision: null, createDate: new Date(2024, 0, 2), upgrade: ["op.drop_table('t')"], downgrade: [], imports: [] };
    assert.throws(() => renderRevision({ ...content, template: 'def upgrade():\n    pass\n' }), /does not write the ops it is given as "\$\{upgrades\}"/);
    assert.throws(() => renderRevision({ ...content, template: 'def upgrade():\n    ${upgrades}\n' }), /does not write the imports the ops need \("\$\{imports\}"\), such as "from alembic import op"/);
  });

  it('adds the imports of op and sa when the template leaves them out, as pgAdmin\'s does', () => {
    const template = '"""${message}"""\nfrom pgadmin.model import db\n${imports if imports else ""}\n\nrevision = ${repr(up_revision)}\ndown_revision = ${repr(down_revision)}\n\n\ndef upgrade():\n    ${upgrades if upgrades else "pass"}\n';
    const content = { message: 'm', revisionId: 'abc', downRevision: 'h1', createDate: new Date(2024, 0, 2), downgrade: [], template };
    const text = renderRevision({ ...content, upgrade: ["op.add_column('t', sa.Column('x', postgresql.JSONB()))"], imports: ['from sqlalchemy.dialects import postgresql'] });
    assert.match(text, /^from pgadmin\.model import db\nfrom alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy\.dialects import postgresql\n/m);
    const python = spawnSync('/usr/bin/python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: text, encoding: 'utf8' });
    assert.equal(python.status, 0, python.stderr);
    // Nothing is added where the template imports them already, or where no op needs them.
    assert.doesNotMatch(renderRevision({ ...content, upgrade: [], imports: [] }), /^from alembic import op$/m);
    assert.equal(renderRevision({ ...content, template: DEFAULT_TEMPLATE, upgrade: ["op.drop_table('t')"], imports: [] }).match(/^from alembic import op$/gm)?.length, 1);
  });
});

describe('revision rendering: script.py.mako, judged by real Mako (Debian python3-mako)', function () {
  before(function () {
    if (!alembicAvailable()) {
      if (process.env.CI) throw new Error('python3-alembic is required in CI (.ci/run installs it)');
      this.skip();
    }
  });

  const OWN_TEMPLATES: Record<string, string> = {
    // OpenStack's: a copyright year, the header as comments, branch labels only when there are some, no downgrade.
    copyright: '# Copyright ${create_date.year} OpenStack Foundation\n#\n\nfrom alembic import op\nimport sqlalchemy as sa\n${imports if imports else ""}\n\n# ${message}\n#\n# Revision ID: ${up_revision}\n# Revises: ${down_revision}\n# Create Date: ${create_date}\n\n# revision identifiers, used by Alembic.\nrevision = ${repr(up_revision)}\ndown_revision = ${repr(down_revision)}\n% if branch_labels:\nbranch_labels = ${repr(branch_labels)}\n% endif\n\n\ndef upgrade():\n    ${upgrades if upgrades else "pass"}\n',
    importsBlock: '"""${message}\n\nRevision ID: ${up_revision}\nRevises: ${down_revision | comma,n}\nCreate Date: ${create_date}\n\n"""\nimport sqlalchemy as sa\n\nfrom alembic import op\n% if imports:\n${imports}\n% endif\n\nrevision = ${repr(up_revision)}\ndown_revision: str | None = ${repr(down_revision)}\n\n\ndef upgrade():\n    ${upgrades if upgrades else "pass"}\n\n\ndef downgrade():\n    ${downgrades if downgrades else "pass"}\n',
    // A plugin template: a name nobody passes (false, never written), a generator, a first revision's extra op.
    pluginSchema: '"""${message}"""\nfrom alembic import op\nimport sqlalchemy as sa\n${imports + \'\\n\' if imports else ""}\nrevision = ${repr(up_revision)}\ndown_revision = ${repr(down_revision)}\n${(\'\\n\' + \'\\n\\n\\n\'.join(x.strip() for x in toplevel_code) + \'\\n\\n\') if toplevel_code else \'\'}\ndef upgrade():\n% if not down_revision:\n    op.execute(CreateSchema(\'plugin\'))\n% elif down_revision == "h1":\n    # after h1\n% else:\n    # a merge of ${len(down_revision)}\n% endif\n    ${upgrades if upgrades else "pass"}\n\n\ndef downgrade():\n    ${downgrades if downgrades else "pass"}\n',
    // Forms a review found rendered differently from Mako: % formats, UNDEFINED, the default str filter, context.
    reviewForms: '<%\n    stamp = "%04d-%02d-%02d" % (create_date.year, create_date.month, create_date.day)  # a date\n    mine = "local"; other = 2\n%>"""${message} (${stamp}, ${other})\nRevises: ${down_revision | comma}\n% if nothing_passed is UNDEFINED:\nno extra\n% endif\ncontext: ${context.get("mine", "not in the context")} ${sorted([10, 9, 100])}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n${imports}\nrevision = ${repr(up_revision)}\ndown_revision = ${repr(down_revision)}\n\n\ndef upgrade():\n    ${upgrades}\n',
    dialectBlock: '"""${message}\n\nRevision ID: ${up_revision}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n${imports}\n<%\n    sqlite = dialect == "sqlite"\n    postgresql = dialect == "postgresql"\n%>\n% if sqlite or postgresql:\n# ${dialect}\n% endif\n\ndef upgrade():\n    ${upgrades if upgrades else "pass"}\n',
    syntax: '## a comment line\n<%doc>\n  notes for the team\n</%doc>"""${message.upper()} (${len(message)} characters)\n${\'-\' * 3} <%text>${not rendered}</%text> %% 100%% \\\nthe same line\n%% a line that starts with a percent sign\nCreated ${create_date.strftime(\'%Y-%m-%d %H:%M\')} by ${"%s, %s" % ("a", "b")} ${"{} and {}".format(up_revision, "x")}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n${imports}\nrevision = ${repr(up_revision)}\ndown_revision = ${repr(down_revision)}  # ${down_revision | comma,n}\nheads = ${repr([h.upper() for h in ([down_revision] if down_revision == "h1" else (down_revision or ()))])}\n\n\ndef upgrade():\n    ${upgrades}\n',
  };

  function judge(template: string, options: { engine?: string; downRevision: string | string[] | null; mainOptions?: Record<string, string> }): void {
    const content: RevisionContent = {
      message: 'add "things"',
      revisionId: 'abc123def456',
      downRevision: options.downRevision,
      createDate: new Date(2026, 11, 2, 9, 3, 7, 250),
      upgrade: ["op.add_column('t', sa.Column('x', sa.Integer(), nullable=True))"],
      downgrade: ["op.drop_column('t', 'x')"],
      imports: ['import sqlalchemy_utils'],
      template,
      engine: options.engine,
      mainOptions: options.mainOptions,
    };
    const plain = Object.fromEntries(Object.entries(templateVariables(content)).filter(([, v]) => v === null || typeof v !== 'object' || Array.isArray(v)));
    const mako = runMakoOracle({ template, variables: plain, create_date: [2026, 12, 2, 9, 3, 7, 250000], options: options.mainOptions ?? {} });
    assert.equal(mako.error, undefined);
    assert.equal(renderRevision(content), mako.text);
  }

  for (const [name, template] of Object.entries(OWN_TEMPLATES)) {
    it(`renders the ${name} template as Mako does, for a first revision, one parent and a merge`, () => {
      for (const downRevision of [null, 'h1', ['h1', 'h2']]) judge(template, { downRevision });
    });
  }

  it("renders Alembic's own generic, async and multidb templates as Mako does", () => {
    const folder = alembicTemplatesFolder();
    for (const kind of ['generic', 'async']) judge(fs.readFileSync(path.join(folder, kind, 'script.py.mako'), 'utf8'), { downRevision: ['h1', 'h2'] });
    const multidb = fs.readFileSync(path.join(folder, 'multidb', 'script.py.mako'), 'utf8');
    for (const engine of ['engine1', 'engine2']) judge(multidb, { engine, downRevision: 'h1', mainOptions: { databases: 'engine1, engine2' } });
  });
});

describe('revision rendering: file names and the revision text', () => {
  const when = new Date(2024, 2, 5, 7, 8, 9, 120);

  it('makes slugs as Alembic does: words joined by _, lower-cased, cut at a word before the limit', () => {
    assert.equal(slugOf('Add users table!'), 'add_users_table');
    assert.equal(slugOf('Ajouter la colonne « prénom »'), 'ajouter_la_colonne_prénom');
    assert.equal(slugOf('one two three four five six seven eight nine'), 'one_two_three_four_five_six_seven_eight_');
    assert.equal(slugOf('x'.repeat(50)), `${'x'.repeat(40)}_`);
  });

  it('fills file_template with rev, slug, epoch and zero-padded dates', () => {
    assert.equal(revisionFileName({ revisionId: 'abc123', message: 'Add users', now: when }), 'abc123_add_users.py');
    assert.equal(revisionFileName({ fileTemplate: '%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d%(second).2d-%(rev)s_%(slug)s', revisionId: 'abc123', message: 'Add users', now: when }), '2024_03_05_070809-abc123_add_users.py');
    assert.equal(revisionFileName({ fileTemplate: '%(epoch)s_%(rev)s', revisionId: 'r', message: '', now: when }), `${Math.floor(when.getTime() / 1000)}_r.py`);
    assert.equal(revisionFileName({ fileTemplate: '%(rev)s_%(slug)s', revisionId: 'r', message: 'a b c d e', now: when, truncateSlugLength: 4 }), 'r_a_b_.py');
  });

  it("renders Alembic's current default template with markers around the ops and pass when there are none", () => {
    const text = renderRevision({ message: 'sync', revisionId: 'abc', downRevision: null, createDate: when, upgrade: [], downgrade: [], imports: [] });
    assert.ok(text.startsWith(`"""sync\n\nRevision ID: abc\nRevises: \nCreate Date: ${pythonDateTime(when)}\n`));
    assert.match(text, /^revision: str = 'abc'$/m);
    assert.match(text, /^down_revision: Union\[str, Sequence\[str\], None\] = None$/m);
    assert.ok(text.includes('    """Upgrade schema."""\n    # ### commands auto generated by Alembic - please adjust! ###\n    pass\n    # ### end Alembic commands ###\n'));
    assert.equal(pythonDateTime(when), '2024-03-05 07:08:09.120000');
    assert.equal(pythonDateTime(new Date(2024, 0, 1, 0, 0, 0, 0)), '2024-01-01 00:00:00');
    assert.equal(DEFAULT_TEMPLATE.split('${').length - 1, 11);
  });

  it('keeps a message with triple quotes or backslashes inside the docstring, as Python reads it back', () => {
    const message = 'Fix """legacy""" names in C:\\new\\x';
    const text = renderRevision({ message, revisionId: 'abc', downRevision: null, createDate: when, upgrade: [], downgrade: [], imports: [] });
    const read = spawnSync('/usr/bin/python3', ['-c', 'import ast, sys; print(ast.get_docstring(ast.parse(sys.stdin.read())).splitlines()[0])'], { input: text, encoding: 'utf8' });
    assert.equal(read.status, 0, read.stderr);
    assert.equal(read.stdout.trimEnd(), message);
  });
});

const SQLITE_INI = '[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite:///app.db\n';
const PG_INI = '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/app\n';

/** An analysed in-memory project: alembic.ini, one model file and revision files (dedented). */
async function environment(files: Record<string, string>, ini = PG_INI, settings = defaultSettings()): Promise<EnvironmentAnalysis> {
  const project = new Project(await testParser());
  project.setFile('alembic.ini', ini);
  for (const [file, text] of Object.entries(files)) project.setFile(file, py(text));
  const analysis = project.analyze(settings);
  assert.equal(analysis.environments.length, 1);
  return analysis.environments[0];
}

/** The imports and base of a model file, indented as the classes that follow them in a test's text. */
function modelsHead(indent: number): string {
  return ['', 'import sqlalchemy as sa', 'from sqlalchemy.orm import declarative_base', 'Base = declarative_base()', ''].map((l) => (l ? ' '.repeat(indent) + l : l)).join('\n');
}

function revisionFile(id: string, down: string | null, upgrade: string): string {
  const body = py(upgrade).split('\n').map((l) => `    ${l}`).join('\n');
  return `from alembic import op\nimport sqlalchemy as sa\nrevision = "${id}"\ndown_revision = ${down === null ? 'None' : `"${down}"`}\n\ndef upgrade():\n${body}\n`;
}

const USERS_REVISION = revisionFile('a1', null, `
  op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.Column("email", sa.String(length=255), nullable=True), sa.PrimaryKeyConstraint("id"))
  op.create_table("legacy_notes", sa.Column("id", sa.Integer(), nullable=False), sa.Column("user_id", sa.Integer(), nullable=True), sa.ForeignKeyConstraint(["user_id"], ["users.id"]), sa.PrimaryKeyConstraint("id"))
  op.create_table("legacy_tags", sa.Column("id", sa.Integer(), nullable=False), sa.Column("note_id", sa.Integer(), nullable=True), sa.ForeignKeyConstraint(["note_id"], ["legacy_notes.id"]), sa.PrimaryKeyConstraint("id"))
`);

const AHEAD_MODELS = `${modelsHead(2)}
  class User(Base):
      __tablename__ = "users"
      id = sa.Column(sa.Integer, primary_key=True)
      email = sa.Column(sa.String(255), nullable=False)
      team_id = sa.Column(sa.Integer, sa.ForeignKey("a_teams.id"))

  class Team(Base):
      __tablename__ = "a_teams"
      id = sa.Column(sa.Integer, primary_key=True)
      owner_id = sa.Column(sa.Integer, sa.ForeignKey("b_members.id"))

  class Member(Base):
      __tablename__ = "b_members"
      id = sa.Column(sa.Integer, primary_key=True)
      name = sa.Column(sa.String(50), nullable=False, index=True)
`;

/** The revision newRevision plans for an environment, at a fixed time and id. */
function sync(env: EnvironmentAnalysis): ReturnType<typeof newRevision> {
  return newRevision({ environment: env, message: 'sync', existingFiles: [], now: new Date(2024, 0, 2), newId: () => 'feedfacecafe' });
}

describe('revision rendering: the ops of a project, in order', () => {
  it('creates referenced tables first, adds foreign keys to new tables after them, drops referencing tables first', async () => {
    const env = await environment({ 'app/models.py': AHEAD_MODELS, 'migrations/versions/a1_init.py': USERS_REVISION });
    const { upgrade, downgrade, imports } = renderChangeOps({ changes: env.changes, batch: false, dialect: 'postgresql' });
    const at = (lines: string[], piece: string): number => lines.findIndex((l) => l.includes(piece));
    assert.deepEqual(imports, []);
    const order = ["op.create_table('b_members'", "op.create_index(op.f('ix_b_members_name'), 'b_members', ['name'], unique=False)", "op.create_table('a_teams'", "op.add_column('users', sa.Column('team_id'", "op.alter_column('users', 'email'", "op.create_foreign_key('fk_users_team_id_a_teams', 'users', 'a_teams', ['team_id'], ['id'])", "op.drop_table('legacy_tags')", "op.drop_table('legacy_notes')"];
    const positions = order.map((p) => at(upgrade, p));
    assert.ok(positions.every((p) => p >= 0), upgrade.join('\n'));
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b), upgrade.join('\n'));
    const undo = ["op.create_table('legacy_notes'", "op.create_table('legacy_tags'", "op.drop_constraint('fk_users_team_id_a_teams', 'users', type_='foreignkey')", "op.drop_column('users', 'team_id')", "op.drop_table('a_teams')", "op.drop_index(op.f('ix_b_members_name'), table_name='b_members')", "op.drop_table('b_members')"];
    const back = undo.map((p) => at(downgrade, p));
    assert.ok(back.every((p) => p >= 0), downgrade.join('\n'));
    assert.deepEqual(back, [...back].sort((a, b) => a - b), downgrade.join('\n'));
    assert.ok(!upgrade.some((l) => l.startsWith('with ')));
  });

  it("writes a library's types as autogenerate does, with their module imported (fastapi-users' GUID)", async () => {
    const models = `
      from fastapi_users_db_sqlalchemy import SQLAlchemyBaseUserTableUUID
      from fastapi_users_db_sqlalchemy.access_token import SQLAlchemyBaseAccessTokenTableUUID
      from sqlalchemy.orm import DeclarativeBase
      class Base(DeclarativeBase):
          pass
      class User(SQLAlchemyBaseUserTableUUID, Base):
          pass
      class AccessToken(SQLAlchemyBaseAccessTokenTableUUID, Base):
          pass
    `;
    const env = await environment({ 'app/models.py': models, 'migrations/versions/a1_init.py': revisionFile('a1', null, 'pass') });
    const { upgrade, imports } = renderChangeOps({ changes: env.changes, batch: false, dialect: 'postgresql' });
    assert.deepEqual(imports, ['import fastapi_users_db_sqlalchemy.generics']);
    assert.ok(upgrade.includes("sa.Column('id', fastapi_users_db_sqlalchemy.generics.GUID(), nullable=False),"), upgrade.join('\n'));
    assert.ok(upgrade.includes("sa.Column('created_at', fastapi_users_db_sqlalchemy.generics.TIMESTAMPAware(timezone=True), nullable=False),"), upgrade.join('\n'));
    assert.ok(!upgrade.some((l) => l.includes('TODO')), upgrade.join('\n'));
  });

  it("writes a server default of SQLAlchemy's func under any name the model file gives it (`func as sql_func`: OpenOversight)", async () => {
    const models = `
      from sqlalchemy import Column, DateTime, Integer
      from sqlalchemy.orm import declarative_base
      from sqlalchemy.sql import func as sql_func
      Base = declarative_base()
      class Note(Base):
          __tablename__ = "notes"
          id = Column(Integer, primary_key=True)
          updated_at = Column(DateTime(timezone=True), nullable=False, server_default=sql_func.now())
    `;
    const env = await environment({
      'app/models.py': models,
      'migrations/versions/a1_init.py': revisionFile('a1', null, 'op.create_table("notes", sa.Column("id", sa.Integer(), nullable=False), sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=True), sa.PrimaryKeyConstraint("id"))'),
    });
    const { upgrade, downgrade } = renderChangeOps({ changes: env.changes, batch: false, dialect: 'postgresql' });
    const text = [...upgrade, ...downgrade].join('\n');
    assert.ok(!text.includes('sql_func') && !text.includes('TODO'), text);
    assert.equal(text.match(/existing_server_default=sa\.text\('now\(\)'\)/g)?.length, 2, text);
  });

  it("gives what an alter_column does not change as the database has it, in the downgrade too, as Alembic's reverse does (Mailu)", async () => {
    const models = `
      import sqlalchemy as sa
      from sqlalchemy.orm import declarative_base
      Base = declarative_base()
      class CommaSeparatedList(sa.types.TypeDecorator):
          impl = sa.String
      class User(Base):
          __tablename__ = "users"
          id = sa.Column(sa.Integer, primary_key=True)
          spam_threshold = sa.Column(sa.Integer, nullable=False, default=80)
          forward = sa.Column(CommaSeparatedList(4096), nullable=False)
    `;
    const env = await environment({
      'app/models.py': models,
      'migrations/versions/a1_init.py': revisionFile('a1', null, 'op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.Column("spam_threshold", sa.Integer(), server_default="80.", nullable=True), sa.Column("forward", sa.String(length=4096), nullable=True), sa.PrimaryKeyConstraint("id"))'),
    });
    const { upgrade, downgrade } = renderChangeOps({ changes: env.changes, batch: false, dialect: 'mysql' });
    for (const lines of [upgrade, downgrade]) {
      const text = lines.join('\n');
      assert.equal(text.match(/existing_server_default='80\.'/g)?.length, 1, text);
      assert.equal(text.match(/existing_type=sa\.String\(length=4096\)/g)?.length, 1, text);
      assert.ok(!text.includes('TODO'), text);
    }
  });

  it("writes a server default the migrations took from a module constant as the string it holds, not as a name the new revision does not import (octavia)", async () => {
    const models = `${modelsHead(6)}
      class Member(Base):
          __tablename__ = "member"
          id = sa.Column(sa.Integer, primary_key=True)
          vnic_type = sa.Column(sa.String(64), nullable=True, server_default="normal")
    `;
    const added = 'op.add_column("member", sa.Column("vnic_type", sa.String(64), nullable=False, server_default=constants.VNIC_TYPE_NORMAL))';
    const env = await environment({
      'app/__init__.py': '',
      'app/constants.py': 'VNIC_TYPE_NORMAL = "normal"\n',
      'app/models.py': models,
      'migrations/versions/a1_init.py': revisionFile('a1', null, 'op.create_table("member", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))'),
      'migrations/versions/b2_vnic.py': revisionFile('b2', 'a1', added).replace('import sqlalchemy as sa\n', 'import sqlalchemy as sa\nfrom app import constants\n'),
    });
    const { upgrade, downgrade } = renderChangeOps({ changes: env.changes, batch: false, dialect: 'mysql' });
    for (const lines of [upgrade, downgrade]) {
      const text = lines.join('\n');
      assert.equal(text.match(/existing_server_default='normal'/g)?.length, 1, text);
      assert.ok(!text.includes('constants.') && !text.includes('TODO'), text);
    }
  });

  it('cuts a name it gives an unnamed foreign key to 63 characters as SQLAlchemy cuts one (zou)', async () => {
    const models = `import sqlalchemy as sa
from sqlalchemy.orm import declarative_base
Base = declarative_base()
class Link(Base):
    __tablename__ = "production_schedule_version_task_link"
    id = sa.Column(sa.Integer, primary_key=True)
class PersonLink(Base):
    __tablename__ = "production_schedule_version_task_link_person_link"
    id = sa.Column(sa.Integer, primary_key=True)
    production_schedule_version_task_link_id = sa.Column(sa.Integer, sa.ForeignKey("production_schedule_version_task_link.id"))
`;
    const env = await environment({
      'app/models.py': models,
      'migrations/versions/a1_init.py': revisionFile('a1', null, 'op.create_table("production_schedule_version_task_link", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))\nop.create_table("production_schedule_version_task_link_person_link", sa.Column("id", sa.Integer(), nullable=False), sa.Column("production_schedule_version_task_link_id", sa.Integer(), nullable=True), sa.PrimaryKeyConstraint("id"))'),
    });
    const { upgrade, downgrade } = renderChangeOps({ changes: env.changes, batch: false, dialect: 'postgresql' });
    // The name SQLAlchemy's PostgreSQL dialect gives conv() of the whole name (checked with Debian's SQLAlchemy).
    const name = 'fk_production_schedule_version_task_link_person_link_pr_1b95';
    assert.ok(upgrade.some((l) => l.startsWith(`op.create_foreign_key('${name}', `)), upgrade.join('\n'));
    assert.ok(downgrade.some((l) => l.startsWith(`op.drop_constraint('${name}', `)), downgrade.join('\n'));
  });

  it("says how to take a value out of a PostgreSQL enum type, which ALTER TYPE ... ADD VALUE cannot do (FitTrackee)", async () => {
    const models = (values: string): string => `import sqlalchemy as sa
from sqlalchemy.orm import declarative_base
Base = declarative_base()
class Workout(Base):
    __tablename__ = "workouts"
    id = sa.Column(sa.Integer, primary_key=True)
    visibility = sa.Column(sa.Enum(${values}, name="visibility_levels"))
`;
    const todo = async (values: string): Promise<string | undefined> => {
      const env = await environment({
        'app/models.py': models(values),
        'migrations/versions/a1_init.py': revisionFile('a1', null, 'op.create_table("workouts", sa.Column("id", sa.Integer(), nullable=False), sa.Column("visibility", sa.Enum("private", "followers", "public", name="visibility_levels")), sa.PrimaryKeyConstraint("id"))'),
      });
      return renderChangeOps({ changes: env.changes, batch: false, dialect: 'postgresql' }).upgrade.find((l) => l.includes('TODO'));
    };
    assert.match((await todo('"private", "followers", "public", "everyone"'))!, /add ALTER TYPE \.\.\. ADD VALUE there/);
    assert.match((await todo('"private", "public"'))!, /\('followers' removed\); on PostgreSQL an enum type cannot lose a value: make a new type/);
  });

  it('puts per-table ops in batch blocks in batch mode, with a blank line after each, and table ops outside', async () => {
    const env = await environment({ 'app/models.py': AHEAD_MODELS, 'migrations/versions/a1_init.py': USERS_REVISION }, SQLITE_INI);
    const { upgrade } = renderChangeOps({ changes: env.changes, batch: true, dialect: 'sqlite' });
    const start = upgrade.indexOf("with op.batch_alter_table('users', schema=None) as batch_op:");
    assert.ok(start > 0, upgrade.join('\n'));
    assert.deepEqual(upgrade.slice(start + 1, start + 6), [
      "    batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))",
      "    batch_op.alter_column('email',",
      '           existing_type=sa.String(length=255),',
      '           nullable=False)',
      '    # alembic-drift: the model leaves this foreign key unnamed; it is named "fk_users_team_id_a_teams" so that it can be dropped again.',
    ]);
    assert.equal(upgrade[upgrade.indexOf("    batch_op.create_foreign_key('fk_users_team_id_a_teams', 'a_teams', ['team_id'], ['id'])") + 1], '');
    assert.ok(upgrade.includes("op.drop_table('legacy_tags')"));
    assert.ok(upgrade.includes("    batch_op.create_index(batch_op.f('ix_b_members_name'), ['name'], unique=False)"));
  });

  it('finds batch mode in env.py (render_as_batch=True) and writes nothing for ignored findings', async () => {
    const settings = defaultSettings();
    settings.ignore.tables = ['legacy_tags', 'legacy_notes'];
    settings.ignore.codes = ['nullable-mismatch'];
    const env = await environment({
      'app/models.py': AHEAD_MODELS,
      'migrations/versions/a1_init.py': USERS_REVISION,
      'migrations/env.py': 'from alembic import context\ncontext.configure(connection=None, render_as_batch=True)\n',
    }, PG_INI, settings);
    assert.equal(env.compare.renderAsBatch, true);
    const revision = sync(env);
    assert.ok(revision.text.includes("with op.batch_alter_table('users', schema=None) as batch_op:"));
    assert.ok(!revision.text.includes('legacy'), revision.text);
    assert.ok(!revision.text.includes("alter_column('email'"), revision.text);
  });

  it('renames a column instead of dropping and adding it when one goes and one with its definition comes', async () => {
    const env = await environment({
      'app/models.py': `${modelsHead(8)}
        class User(Base):
            __tablename__ = "users"
            id = sa.Column(sa.Integer, primary_key=True)
            email_address = sa.Column(sa.String(255))
      `,
      'migrations/versions/a1_init.py': revisionFile('a1', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.Column("email", sa.String(length=255), nullable=True), sa.PrimaryKeyConstraint("id"))
      `),
    });
    const { upgrade, downgrade } = renderChangeOps({ changes: env.changes, batch: false });
    assert.deepEqual(upgrade.filter((l) => !l.startsWith('#')), ["op.alter_column('users', 'email',", "           new_column_name='email_address',", '           existing_type=sa.String(length=255),', '           existing_nullable=True)']);
    assert.match(upgrade[0], /^# alembic-drift: "email" is gone from the model and "email_address" is new with the same definition/);
    assert.ok(downgrade.includes("op.alter_column('users', 'email_address',"));
  });

  it('changes a primary key by name: PostgreSQL defaults outside batch mode, names of its own in batch mode', async () => {
    const env = await environment({
      'app/models.py': `${modelsHead(8)}
        class Stock(Base):
            __tablename__ = "stock"
            warehouse_id = sa.Column(sa.Integer, primary_key=True)
            sku = sa.Column(sa.String(20), primary_key=True)
      `,
      'migrations/versions/a1_init.py': revisionFile('a1', null, `
        op.create_table("stock", sa.Column("warehouse_id", sa.Integer(), nullable=False), sa.Column("sku", sa.String(length=20), nullable=False), sa.PrimaryKeyConstraint("warehouse_id"))
      `),
    });
    const plain = renderChangeOps({ changes: env.changes, batch: false, dialect: 'postgresql' });
    assert.deepEqual(plain.upgrade.filter((l) => !l.startsWith('#')), ["op.drop_constraint('stock_pkey', 'stock', type_='primary')", "op.create_primary_key('stock_pkey', 'stock', ['warehouse_id', 'sku'])"]);
    // The migrations made the key without a name: PostgreSQL named it stock_pkey then, and the downgrade makes it so again.
    assert.doesNotMatch(plain.upgrade.join('\n'), /TODO/);
    assert.deepEqual(plain.downgrade.filter((l) => !l.startsWith('#')), ["op.drop_constraint('stock_pkey', 'stock', type_='primary')", "op.create_primary_key('stock_pkey', 'stock', ['warehouse_id'])"]);
    const batch = renderChangeOps({ changes: env.changes, batch: true, dialect: 'sqlite' });
    assert.deepEqual(batch.upgrade.filter((l) => !l.trim().startsWith('#')), ["with op.batch_alter_table('stock', schema=None) as batch_op:", "    batch_op.create_primary_key('pk_stock', ['warehouse_id', 'sku'])", '']);
    assert.ok(batch.downgrade.includes("    batch_op.drop_constraint('pk_stock', type_='primary')"));
    assert.ok(batch.downgrade.includes("    batch_op.create_primary_key('pk_stock', ['warehouse_id'])"));
  });

  it('makes the key of a table the migrations made without one, and drops only it again', async () => {
    const env = await environment({
      'app/models.py': `${modelsHead(8)}
        class Assoc(Base):
            __tablename__ = "assoc"
            post_id = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
            user_id = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
      `,
      'migrations/versions/a1_init.py': revisionFile('a1', null, `
        op.create_table("assoc", sa.Column("post_id", sa.Integer(), nullable=False), sa.Column("user_id", sa.Integer(), nullable=False))
      `),
    });
    const ops = renderChangeOps({ changes: env.changes, batch: false, dialect: 'postgresql' });
    assert.deepEqual(ops.upgrade.filter((l) => !l.startsWith('#')), ["op.create_primary_key('assoc_pkey', 'assoc', ['post_id', 'user_id'])"]);
    assert.deepEqual(ops.downgrade.filter((l) => !l.startsWith('#')), ["op.drop_constraint('assoc_pkey', 'assoc', type_='primary')"]);
  });

  it("drops an unnamed key by the name PostgreSQL gave it when it was made, also after its table was renamed", async () => {
    const env = await environment({
      'app/models.py': `${modelsHead(8)}
        class Purchase(Base):
            __tablename__ = "purchases"
            id = sa.Column(sa.Integer, primary_key=True)
            code = sa.Column(sa.Integer, primary_key=True)
            user_id = sa.Column(sa.Integer)
      `,
      'migrations/versions/a1_init.py': revisionFile('a1', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))
        op.create_table("orders", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("code", sa.Integer(), nullable=False), sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id")))
        op.rename_table("orders", "purchases")
      `),
    });
    const pg = renderChangeOps({ changes: env.changes, batch: false, dialect: 'postgresql' }).upgrade.filter((l) => l.startsWith('op.drop_constraint'));
    assert.deepEqual(pg, ["op.drop_constraint('orders_pkey', 'purchases', type_='primary')", "op.drop_constraint('orders_user_id_fkey', 'purchases', type_='foreignkey')"]);
    // MySQL's InnoDB named the key orders_ibfk_1, and renamed it with its table.
    const mysql = renderChangeOps({ changes: env.changes, batch: false, dialect: 'mysql' }).upgrade.filter((l) => l.startsWith('op.drop_constraint'));
    assert.ok(mysql.includes("op.drop_constraint('purchases_ibfk_1', 'purchases', type_='foreignkey')"), mysql.join('\n'));
  });

  it("drops an unnamed key by PostgreSQL's name where no dialect is configured but the history has PostgreSQL's own types (onyx)", async () => {
    const files = {
      'app/models.py': `${modelsHead(8)}
        class Purchase(Base):
            __tablename__ = "purchases"
            id = sa.Column(sa.Integer, primary_key=True)
            user_id = sa.Column(sa.Integer)
      `,
      'migrations/versions/a1_init.py': revisionFile('a1', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("prefs", postgresql.JSONB()))
        op.create_table("purchases", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id")))
      `).replace('import sqlalchemy as sa\n', 'import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\n'),
    };
    const drops = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('op.drop_constraint') || l.includes('TODO: drop'));
    const unknown = await environment(files, '[alembic]\nscript_location = migrations\n');
    assert.deepEqual(drops(sync(unknown).text), ["op.drop_constraint('purchases_user_id_fkey', 'purchases', type_='foreignkey')"]);
    // Without such types, the database may be MySQL or SQLite, which name it otherwise (or not at all).
    files['migrations/versions/a1_init.py'] = files['migrations/versions/a1_init.py'].replace('postgresql.JSONB()', 'sa.JSON()');
    assert.deepEqual(drops(sync(await environment(files, '[alembic]\nscript_location = migrations\n')).text), ['# TODO: drop the unnamed foreign key (user_id) -> users(id) of "purchases"; it has no name Alembic could use.']);
  });

  it('names the schema of tables outside the default one', async () => {
    const env = await environment({
      'app/models.py': `${modelsHead(8)}
        class User(Base):
            __tablename__ = "users"
            __table_args__ = {"schema": "auth"}
            id = sa.Column(sa.Integer, primary_key=True)
            login = sa.Column(sa.String(40))
      `,
      'migrations/versions/a1_init.py': revisionFile('a1', null, `
        op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.Column("code", sa.String(length=8)), sa.PrimaryKeyConstraint("id"), sa.UniqueConstraint("code", name="uq_users_code"), schema="auth")
      `),
    });
    const { upgrade } = renderChangeOps({ changes: env.changes, batch: false });
    assert.deepEqual(upgrade, [
      "op.add_column('users', sa.Column('login', sa.String(length=40), nullable=True), schema='auth')",
      "op.drop_constraint('uq_users_code', 'users', schema='auth', type_='unique')",
      "op.drop_column('users', 'code', schema='auth')",
    ]);
    const batch = renderChangeOps({ changes: env.changes, batch: true });
    assert.equal(batch.upgrade[0], "with op.batch_alter_table('users', schema='auth') as batch_op:");
    assert.equal(batch.upgrade[2], "    batch_op.drop_constraint('uq_users_code', type_='unique')");
  });

  it("writes a Literal[...] column as SQLAlchemy maps it: a non-native Enum, which PostgreSQL needs no type name for", async () => {
    const env = await environment({
      'app/models.py': `
        from typing import Literal
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        class Base(DeclarativeBase):
            pass
        class Task(Base):
            __tablename__ = "tasks"
            id: Mapped[int] = mapped_column(primary_key=True)
            state: Mapped[Literal["new", "done"]]
      `,
      'migrations/versions/a1_init.py': revisionFile('a1', null, 'op.create_table("tasks", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))'),
    });
    const { upgrade } = renderChangeOps({ changes: env.changes, batch: false, dialect: 'postgresql' });
    assert.deepEqual(upgrade, ["op.add_column('tasks', sa.Column('state', sa.Enum('new', 'done', native_enum=False), nullable=False))"]);
  });

  it("keeps an index's dialect options (partial, GIN, operator classes), both ways; one it cannot write is a TODO", async () => {
    const env = await environment({
      'app/models.py': `${modelsHead(8)}
        from sqlalchemy import Index, text
        class Account(Base):
            __tablename__ = "accounts"
            id = sa.Column(sa.Integer, primary_key=True)
            created_at = sa.Column(sa.DateTime)
            deleted_at = sa.Column(sa.DateTime)
            settings = sa.Column(sa.JSON)
            __table_args__ = (
                Index("ix_accounts_live", "created_at", postgresql_where=text("deleted_at IS NULL")),
                Index("ix_accounts_settings", "settings", postgresql_using="gin", postgresql_ops={"settings": "jsonb_path_ops"}),
                Index("ix_accounts_gone", "deleted_at", postgresql_where=deleted_at.isnot(None)),
            )
      `,
      'migrations/versions/a1_init.py': revisionFile('a1', null, `
        op.create_table("accounts", sa.Column("id", sa.Integer(), nullable=False), sa.Column("created_at", sa.DateTime(), nullable=True), sa.Column("deleted_at", sa.DateTime(), nullable=True), sa.Column("settings", sa.JSON(), nullable=True), sa.PrimaryKeyConstraint("id"))
        op.create_index("ix_accounts_old", "accounts", ["created_at", "id"], postgresql_where=sa.text("id > 10"), postgresql_concurrently=True)
      `),
    });
    const { upgrade, downgrade } = renderChangeOps({ changes: env.changes, batch: false, dialect: 'postgresql' });
    assert.ok(upgrade.includes("op.create_index('ix_accounts_live', 'accounts', ['created_at'], unique=False, postgresql_where=sa.text('deleted_at IS NULL'))"), upgrade.join('\n'));
    assert.ok(upgrade.includes("op.create_index('ix_accounts_settings', 'accounts', ['settings'], unique=False, postgresql_using='gin', postgresql_ops={'settings': 'jsonb_path_ops'})"), upgrade.join('\n'));
    const gone = upgrade.findIndex((l) => l.startsWith("op.create_index('ix_accounts_gone'"));
    assert.equal(upgrade[gone], "op.create_index('ix_accounts_gone', 'accounts', ['deleted_at'], unique=False)");
    assert.match(upgrade[gone - 1], /^# TODO: postgresql_where=deleted_at\.isnot\(None\) of the index ix_accounts_gone could not be written here; add it by hand\.$/);
    assert.ok(downgrade.includes("op.create_index('ix_accounts_old', 'accounts', ['created_at', 'id'], unique=False, postgresql_where=sa.text('id > 10'), postgresql_concurrently=True)"), downgrade.join('\n'));
  });

  it('keeps an Identity() of a new column, as autogenerate writes it', async () => {
    const env = await environment({
      'app/models.py': `${modelsHead(8)}
        class Ticket(Base):
            __tablename__ = "tickets"
            id = sa.Column(sa.BigInteger, sa.Identity(always=True, start=10), primary_key=True)
            seq = sa.Column(sa.Integer, sa.Identity(start=START), nullable=False)
        START = 5
      `,
      'migrations/versions/a1_init.py': revisionFile('a1', null, 'pass'),
    });
    const { upgrade } = renderChangeOps({ changes: env.changes, batch: false, dialect: 'postgresql' });
    const text = upgrade.join('\n');
    assert.match(text, /sa\.Column\('id', sa\.BigInteger\(\), sa\.Identity\(always=True, start=10\), nullable=False\)/);
    assert.match(text, /sa\.Column\('seq', sa\.Integer\(\), sa\.Identity\(start=5\), nullable=False\)/);
  });

  it('leaves notes (tables assumed made outside the history) out of the revision and says so', async () => {
    const env = await environment({
      'app/models.py': `${modelsHead(8)}
        class User(Base):
            __tablename__ = "users"
            id = sa.Column(sa.Integer, primary_key=True)
            email = sa.Column(sa.String(255))

        class Audit(Base):
            __tablename__ = "audit"
            id = sa.Column(sa.Integer, primary_key=True)
      `,
      'migrations/versions/a1_init.py': revisionFile('a1', null, 'op.add_column("users", sa.Column("email", sa.String(length=255), nullable=True))'),
    });
    const revision = sync(env);
    assert.equal(revision.written.length, 0);
    assert.ok(revision.skipped.some((c) => c.kind === 'add-table'));
    assert.ok(revision.text.includes('    # ### commands auto generated by Alembic - please adjust! ###\n    pass\n'));
  });
});

describe('revision rendering: tables a model of unknown table name may describe', () => {
  it('notes the tables no model names, without dropping them, when a table name cannot be evaluated', async () => {
    const env = await environment({
      'app/models.py': `${modelsHead(8)}
        from sqlalchemy.orm import declared_attr
        class Named:
            @declared_attr
            def __tablename__(cls):
                if "__table__" in cls.__dict__:
                    return None
                return cls.__name__.lower()
        class Employee(Named, Base):
            id = sa.Column(sa.Integer, primary_key=True)
      `,
      'migrations/versions/a1_init.py': revisionFile('a1', null, 'op.create_table("employee", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))'),
    });
    const extra = env.changes.find((c) => c.finding.code === 'extra-table')!;
    assert.equal(extra.finding.severity, 'information');
    assert.match(extra.finding.message, /no model names it, but the table name of model Employee cannot be evaluated statically/);
    assert.deepEqual(extra.finding.related?.map((r) => r.file), ['app/models.py']);
    const revision = sync(env);
    assert.ok(!revision.text.includes('drop_table'), revision.text);
    assert.ok(revision.skipped.includes(extra));
  });

  it('does not drop such a table when the settings raise extra-table to an error either', async () => {
    const settings = defaultSettings();
    settings.severity['extra-table'] = 'error';
    const env = await environment(
      {
        'app/models.py': `${modelsHead(10)}
          from sqlalchemy.orm import declared_attr
          class Named:
              @declared_attr
              def __tablename__(cls):
                  return cls.__qualname__.lower()
          class Employee(Named, Base):
              id = sa.Column(sa.Integer, primary_key=True)
        `,
        'migrations/versions/a1_init.py': revisionFile('a1', null, 'op.create_table("employee", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))'),
      },
      PG_INI,
      settings,
    );
    const extra = env.changes.find((c) => c.finding.code === 'extra-table')!;
    assert.equal(extra.finding.severity, 'error');
    const revision = sync(env);
    assert.ok(!revision.text.includes('drop_table'), revision.text);
    assert.deepEqual(revision.written, []);
  });
});

describe('revision rendering: the new revision in its environment', () => {
  const files = {
    'app/models.py': `${modelsHead(6)}
      class User(Base):
          __tablename__ = "users"
          id = sa.Column(sa.Integer, primary_key=True)
    `,
    'migrations/versions/a1_init.py': revisionFile('a1', null, 'op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))'),
    'migrations/versions/b1_one.py': revisionFile('b1', 'a1', 'pass'),
    'migrations/versions/b2_two.py': revisionFile('b2', 'a1', 'pass'),
  };

  it('merges several heads, in a fresh id that no revision or file uses', async () => {
    const env = await environment(files);
    const ids = ['b1', 'cafe', 'c0ffee'];
    const revision = newRevision({ environment: env, message: 'merge', existingFiles: ['migrations/versions/cafe_old.py'], now: new Date(2024, 0, 2), newId: () => ids.shift()! });
    assert.equal(revision.revisionId, 'c0ffee');
    assert.deepEqual(revision.downRevision, ['b1', 'b2']);
    assert.equal(revision.file, 'migrations/versions/c0ffee_merge.py');
    assert.match(revision.text, /^down_revision: Union\[str, Sequence\[str\], None\] = \('b1', 'b2'\)$/m);
    assert.match(revision.text, /^Revises: b1, b2$/m);
  });

  it('keeps heads on separately labelled branches apart: refuses to merge them, and follows the one --head names (glance)', async () => {
    const labelled = (id: string, label: string): string => revisionFile(id, 'a1', 'pass').replace(/^down_revision = .*$/m, (m) => `${m}\nbranch_labels = ("${label}",)`);
    const env = await environment({ ...files, 'migrations/versions/b1_one.py': labelled('b1', 'expand'), 'migrations/versions/b2_two.py': labelled('b2', 'contract') });
    const base = { environment: env, message: 'next', existingFiles: [], now: new Date(2024, 0, 2), newId: () => 'c0ffee' };
    assert.throws(() => newRevision(base), /the heads b1 \(expand\), b2 \(contract\) are on separately labelled branches.*--head expand@head/);
    assert.equal(newRevision({ ...base, head: 'contract@head' }).downRevision, 'b2');
    assert.equal(newRevision({ ...base, head: 'b1' }).downRevision, 'b1');
    assert.throws(() => newRevision({ ...base, head: 'other@head' }), /--head other@head names no head \(the heads are b1 \(expand\), b2 \(contract\)\)/);
    // Heads without labels of their own, or sharing them all, are merged as before.
    const shared = await environment({ ...files, 'migrations/versions/a1_init.py': files['migrations/versions/a1_init.py'].replace(/^down_revision = .*$/m, (m) => `${m}\nbranch_labels = ("main",)`) });
    assert.deepEqual(newRevision({ ...base, environment: shared }).downRevision, ['b1', 'b2']);
  });

  it('refuses a name that exists, a taken revision id, and a broken revision graph', async () => {
    const env = await environment(files);
    const base = { environment: env, message: 'merge', now: new Date(2024, 0, 2), newId: () => 'c0ffee' };
    assert.throws(() => newRevision({ ...base, existingFiles: ['migrations/versions/c0ffee_merge.py'], revisionId: 'c0ffee' }), (e: unknown) => e instanceof RevisionError && /already exists/.test(e.message));
    assert.throws(() => newRevision({ ...base, existingFiles: [], revisionId: 'b2' }), /already used by migrations\/versions\/b2_two\.py/);
    const broken = await environment({ ...files, 'migrations/versions/b3_three.py': revisionFile('b3', 'nope', 'pass') });
    assert.throws(() => newRevision({ ...base, environment: broken, existingFiles: [] }), /revision graph must be fixed first/);
  });

  it("refuses where the history goes on in folders the project's own tooling adds (neutron's expand branch)", async () => {
    const expand = (id: string, down: string, upgrade: string, label = ''): string => revisionFile(id, down, upgrade).replace(/^down_revision = .*$/m, (m) => `${m}\nbranch_labels = ${label || 'None'}`);
    const env = await environment({
      'app/models.py': `${modelsHead(8)}
        class User(Base):
            __tablename__ = "users"
            id = sa.Column(sa.Integer, primary_key=True)
            name = sa.Column(sa.String(20))
      `,
      'migrations/versions/start.py': revisionFile('start', null, 'pass'),
      'migrations/versions/liberty/expand/e1_users.py': expand('e1', 'start', 'op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))', '("expand",)'),
    });
    assert.deepEqual(env.changes.map((c) => c.finding.code), ['missing-column'], 'the expand branch is replayed after the head');
    const base = { environment: env, message: 'add name', existingFiles: [], now: new Date(2024, 0, 2), newId: () => 'c0ffee' };
    assert.throws(() => newRevision(base), /"users" is changed by revisions outside its version folders \(migrations\/versions\/liberty\/expand\).*neutron-db-manage revision --expand/);
    // Drift in tables those revisions never touch is written (CTFd's plugins keep their own histories there).
    const other = await environment({
      'app/models.py': `${modelsHead(8)}
        class User(Base):
            __tablename__ = "users"
            id = sa.Column(sa.Integer, primary_key=True)
        class Account(Base):
            __tablename__ = "accounts"
            id = sa.Column(sa.Integer, primary_key=True)
      `,
      'migrations/versions/start.py': revisionFile('start', null, 'pass'),
      'migrations/versions/liberty/expand/e1_users.py': expand('e1', 'start', 'op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))', '("expand",)'),
    });
    assert.match(newRevision({ ...base, environment: other }).text, /op\.create_table\('accounts'/);
    // A table the comparison matched by name, the model naming the default schema and the migrations none.
    const bySchema = await environment({
      'app/models.py': `${modelsHead(8)}
        class User(Base):
            __tablename__ = "users"
            __table_args__ = {"schema": "public"}
            id = sa.Column(sa.Integer, primary_key=True)
            name = sa.Column(sa.String(20))
      `,
      'migrations/versions/start.py': revisionFile('start', null, 'pass'),
      'migrations/versions/liberty/expand/e1_users.py': expand('e1', 'start', 'op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))', '("expand",)'),
    });
    assert.deepEqual(bySchema.changes.map((c) => c.finding.code), ['missing-column']);
    assert.throws(() => newRevision({ ...base, environment: bySchema }), /"users" is changed by revisions outside its version folders/);
  });

  it('writes into sub-folders a file_template names where Alembic reads them, never out of the version folder or without a name', async () => {
    const env = await environment(files);
    const base = { message: 'merge', existingFiles: [], now: new Date(2024, 0, 2), newId: () => 'c0ffee' };
    const withTemplate = (fileTemplate: string, recursive = true): EnvironmentAnalysis => ({ ...env, env: { ...env.env, fileTemplate, recursive } });
    assert.equal(newRevision({ ...base, environment: withTemplate('%(year)d/%(rev)s_%(slug)s') }).file, 'migrations/versions/2024/c0ffee_merge.py');
    assert.throws(() => newRevision({ ...base, environment: withTemplate('%(year)d/%(rev)s_%(slug)s', false) }), /puts the new revision in migrations\/versions\/2024, a sub-folder Alembic reads only with recursive_version_locations = true/);
    assert.throws(() => newRevision({ ...base, environment: withTemplate('../../../%(rev)s') }), /file_template gives the file name "\.\.\/\.\.\/\.\.\/c0ffee\.py", which does not name a file in the version folder/);
    assert.throws(() => newRevision({ ...base, environment: withTemplate('') }), /file_template gives the file name "\.py"/);
  });

  it("uses the project's template and says which part of it cannot be rendered", async () => {
    const env = await environment(files);
    const base = { environment: env, message: 'merge', existingFiles: [], now: new Date(2024, 0, 2), newId: () => 'c0ffee' };
    assert.equal(newRevision({ ...base, template: '${up_revision} <- ${down_revision | comma,n}\n' }).text, 'c0ffee <- b1, b2\n');
    assert.throws(() => newRevision({ ...base, template: '% for x in y:\n' }), /migrations\/script\.py\.mako: control line/);
  });
});
