import * as assert from 'node:assert/strict';
import { Project } from '../../server/src/core/project';
import { Resolver } from '../../server/src/core/python/resolve';
import { planModelEdit, type TextEdit } from '../../server/src/core/models/modelEdits';
import { testParser, py } from './helpers';

const INI = '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/app\n';
const MODELS = 'app/models.py';

/** Applies LSP-positioned edits to a text, last first. */
function applyEdits(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const at = (line: number, ch: number): number => (starts[line] ?? text.length) + ch;
  const sorted = [...edits].sort((a, b) => at(b.span[0], b.span[1]) - at(a.span[0], a.span[1]));
  for (const e of sorted) text = text.slice(0, at(e.span[0], e.span[1])) + e.newText + text.slice(at(e.span[2], e.span[3]));
  return text;
}

/**
 * Runs "Update the model to match the migrations" on every mismatch of a one-model-file project until none is left
 * that it can fix: the model text it ends with, and the findings (code table.column) it left, each fix re-analysed.
 */
async function updateModel(models: string, upgrade: string): Promise<{ text: string; left: string[]; fixed: number }> {
  const project = new Project(await testParser());
  project.setFile('alembic.ini', INI);
  project.setFile(MODELS, py(models));
  const body = py(upgrade).split('\n').map((l) => `    ${l}`).join('\n');
  project.setFile('migrations/versions/a1_init.py', `from alembic import op\nimport sqlalchemy as sa\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n${body}\n`);
  let fixed = 0;
  for (let round = 0; round < 10; round++) {
    const analysis = project.analyze();
    const resolver = new Resolver({ files: () => project.paths().filter((f) => f.endsWith('.py')), syntax: (f) => project.syntax(f) });
    const env = analysis.environments[0];
    let applied = false;
    for (const change of env.changes) {
      const edits = planModelEdit({ change, text: project.getText(change.finding.file)!, resolver, dialect: env.env.dialect });
      if (!edits) continue;
      project.setFile(change.finding.file, applyEdits(project.getText(change.finding.file)!, edits));
      fixed++;
      applied = true;
      break;
    }
    if (!applied) {
      const left = analysis.findings.filter((f) => f.severity === 'warning' || f.severity === 'error').map((f) => `${f.code} ${f.table}.${f.column}`);
      return { text: project.getText(MODELS)!, left, fixed };
    }
  }
  throw new Error('the fixes do not converge');
}

const CLASSIC = `
  import sqlalchemy as sa
  from sqlalchemy.orm import declarative_base
  Base = declarative_base()
  class User(Base):
      __tablename__ = "users"
      id = sa.Column(sa.Integer, primary_key=True)
`;
/** A 2.0 model file: its imports, then the columns of `users` after its primary key. */
const MODERN = (imports: string, columns: string): string =>
  `${py(imports)}\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\nclass Base(DeclarativeBase):\n    pass\nclass User(Base):\n    __tablename__ = "users"\n    id: Mapped[int] = mapped_column(primary_key=True)\n${py(columns).replace(/^(?=.)/gm, '    ')}`;
const CREATE = (columns: string): string => `op.create_table("users", sa.Column("id", sa.Integer(), nullable=False), ${columns}, sa.PrimaryKeyConstraint("id"))`;

describe('model edits: update the model to match the migrations', () => {
  it('rewrites the type and nullable= of a classic column in the module alias the file uses', async () => {
    const r = await updateModel(`${CLASSIC}      name = sa.Column(sa.String(50), nullable=False)\n      price = sa.Column(sa.Numeric(8, 2))\n      seen = sa.Column(sa.DateTime)\n`,
      CREATE('sa.Column("name", sa.String(length=100), nullable=True), sa.Column("price", sa.Numeric(precision=10, scale=2)), sa.Column("seen", sa.DateTime(timezone=True))'));
    assert.deepEqual(r.left, []);
    assert.equal(r.fixed, 4);
    assert.match(r.text, /^ {4}name = sa\.Column\(sa\.String\(100\), nullable=True\)$/m);
    assert.match(r.text, /^ {4}price = sa\.Column\(sa\.Numeric\(10, 2\)\)$/m);
    assert.match(r.text, /^ {4}seen = sa\.Column\(sa\.DateTime\(timezone=True\)\)$/m);
  });

  it('adds nullable= where the column relies on the default, and writes a type the file imports by bare name', async () => {
    const r = await updateModel(`
      from sqlalchemy import Column, Integer, String
      from sqlalchemy.orm import declarative_base
      Base = declarative_base()
      class User(Base):
          __tablename__ = "users"
          id = Column(Integer, primary_key=True)
          bio = Column(String(200))
          code = Column(
              String(5),
              index=False,
          )
    `, CREATE('sa.Column("bio", sa.Text(), nullable=False), sa.Column("code", sa.String(length=5), nullable=False)'));
    assert.deepEqual(r.left, []);
    assert.match(r.text, /^from sqlalchemy import Column, Integer, String, Text$/m);
    assert.match(r.text, /^ {4}bio = Column\(Text, nullable=False\)$/m);
    assert.match(r.text, /^ {4}code = Column\(\n {8}String\(5\),\n {8}index=False,\n {8}nullable=False,\n {4}\)$/m);
  });

  it('writes db.X in a Flask-SQLAlchemy model, and a dialect type with its import', async () => {
    const r = await updateModel(`
      from flask_sqlalchemy import SQLAlchemy
      db = SQLAlchemy()
      class User(db.Model):
          __tablename__ = "users"
          id = db.Column(db.Integer, primary_key=True)
          name = db.Column(db.String(50))
          data = db.Column(db.JSON)
    `, CREATE('sa.Column("name", sa.String(length=80)), sa.Column("data", sa.dialects.postgresql.JSONB(astext_type=sa.Text()))'));
    assert.deepEqual(r.left, []);
    assert.match(r.text, /^ {4}name = db\.Column\(db\.String\(80\)\)$/m);
    assert.match(r.text, /^from sqlalchemy\.dialects\.postgresql import JSONB$/m);
    assert.match(r.text, /^ {4}data = db\.Column\(JSONB\)$/m);
  });

  it('changes, adds and removes server_default=', async () => {
    const r = await updateModel(`${CLASSIC}      currency = sa.Column(sa.String(3), server_default="EUR")\n      flag = sa.Column(sa.Boolean)\n      note = sa.Column(server_default="x", type_=sa.Text)\n      created = sa.Column(sa.DateTime)\n`,
      CREATE('sa.Column("currency", sa.String(3), server_default="USD"), sa.Column("flag", sa.Boolean(), server_default=sa.text("false")), sa.Column("note", sa.Text()), sa.Column("created", sa.DateTime(), server_default=sa.func.now())'));
    assert.deepEqual(r.left, []);
    assert.match(r.text, /^ {4}currency = sa\.Column\(sa\.String\(3\), server_default='USD'\)$/m);
    assert.match(r.text, /^ {4}flag = sa\.Column\(sa\.Boolean, server_default=sa\.text\('false'\)\)$/m);
    assert.match(r.text, /^ {4}note = sa\.Column\(type_=sa\.Text\)$/m);
    assert.match(r.text, /^ {4}created = sa\.Column\(sa\.DateTime, server_default=sa\.text\('now\(\)'\)\)$/m);
  });

  it('edits the Optional[...] of a 2.0 annotation, or gives mapped_column the argument', async () => {
    const r = await updateModel(MODERN('from typing import Optional\nfrom sqlalchemy import String', `
      name: Mapped[str] = mapped_column(String(50))
      bio: Mapped[Optional[str]]
      nick: Mapped[str | None] = mapped_column(String(20))
      title: Mapped[str]
      age: Mapped[int] = mapped_column("years")
    `), CREATE('sa.Column("name", sa.String(length=50), nullable=True), sa.Column("bio", sa.String(), nullable=False), sa.Column("nick", sa.String(length=20), nullable=False), sa.Column("title", sa.Text(), nullable=False), sa.Column("years", sa.BigInteger(), nullable=False)'));
    assert.deepEqual(r.left, []);
    assert.match(r.text, /^ {4}name: Mapped\[Optional\[str\]\] = mapped_column\(String\(50\)\)$/m);
    assert.match(r.text, /^ {4}bio: Mapped\[str\]$/m);
    assert.match(r.text, /^ {4}nick: Mapped\[str\] = mapped_column\(String\(20\)\)$/m);
    assert.match(r.text, /^from sqlalchemy import String, Text, BigInteger$/m);
    assert.match(r.text, /^ {4}title: Mapped\[str\] = mapped_column\(Text\)$/m);
    assert.match(r.text, /^ {4}age: Mapped\[int\] = mapped_column\("years", BigInteger\)$/m);
  });

  it('prefers nullable= in mapped_column when the file has no Optional to write', async () => {
    const r = await updateModel(MODERN('import sqlalchemy as sa', 'name: Mapped[str] = mapped_column(sa.String(50))'), CREATE('sa.Column("name", sa.String(length=50), nullable=True)'));
    assert.deepEqual(r.left, []);
    assert.match(r.text, /^ {4}name: Mapped\[str\] = mapped_column\(sa\.String\(50\), nullable=True\)$/m);
  });

  it('edits a Core Table column and a SQLModel field', async () => {
    const r = await updateModel(`
      from typing import Optional
      from sqlalchemy import Column, Integer, MetaData, String, Table
      from sqlmodel import Field, SQLModel
      metadata = MetaData()
      users = Table("users", metadata, Column("id", Integer, primary_key=True), Column("name", String(50)))
      class Hero(SQLModel, table=True):
          id: Optional[int] = Field(default=None, primary_key=True)
          name: str = Field(max_length=50)
          alias: Optional[str] = Field(default=None, nullable=True)
    `, `${CREATE('sa.Column("name", sa.String(length=60))')}\nop.create_table("hero", sa.Column("id", sa.Integer(), nullable=False), sa.Column("name", sa.String(length=50), nullable=True), sa.Column("alias", sa.String(), nullable=False), sa.PrimaryKeyConstraint("id"))`);
    assert.deepEqual(r.left, []);
    assert.match(r.text, /Column\("name", String\(60\)\)\)$/m);
    assert.match(r.text, /^ {4}name: Optional\[str\] = Field\(max_length=50\)$/m);
    assert.match(r.text, /^ {4}alias: Optional\[str\] = Field\(default=None, nullable=False\)$/m);
  });

  it('offers nothing where the declaration is not written in place: a helper, a partial, an Annotated alias, a mixin', async () => {
    const r = await updateModel(`
      import functools
      from typing import Annotated
      import sqlalchemy as sa
      from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
      str50 = Annotated[str, mapped_column(sa.String(50), nullable=False)]
      NotNull = functools.partial(sa.Column, nullable=False)
      def money():
          return sa.Column(sa.Numeric(8, 2))
      class Base(DeclarativeBase):
          pass
      class Stamped:
          stamp = sa.Column(sa.String(10))
      class User(Stamped, Base):
          __tablename__ = "users"
          id: Mapped[int] = mapped_column(primary_key=True)
          label: Mapped[str50]
          code = NotNull(sa.String(5))
          price = money()
    `, CREATE('sa.Column("label", sa.String(length=80), nullable=True), sa.Column("code", sa.String(length=9), nullable=True), sa.Column("price", sa.Numeric(precision=10, scale=2)), sa.Column("stamp", sa.String(length=20))'));
    assert.equal(r.fixed, 0);
    assert.deepEqual(r.left.sort(), ['nullable-mismatch users.code', 'nullable-mismatch users.label', 'type-mismatch users.code', 'type-mismatch users.label', 'type-mismatch users.price', 'type-mismatch users.stamp']);
  });

  it('offers nothing for a type it cannot write (an enum) nor for the nullability of a primary key', async () => {
    const r = await updateModel(`${CLASSIC}      kind = sa.Column(sa.String(10))\n`,
      `op.create_table("users", sa.Column("id", sa.Integer(), nullable=True), sa.Column("kind", sa.Enum("a", "b", name="kind")))`);
    assert.equal(r.fixed, 0);
    assert.deepEqual(r.left.sort(), ['nullable-mismatch users.id', 'primary-key-mismatch users.undefined', 'type-mismatch users.kind']);
  });
});
