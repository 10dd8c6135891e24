import * as assert from 'node:assert/strict';
import { Project } from '../../server/src/core/project';
import { testParser, py } from './helpers';

const CONVENTION = 'metadata=sa.MetaData(naming_convention={"ck": "ck_%(table_name)s_%(constraint_name)s"})';
const PLUGIN_ON = 'context.configure(target_metadata=None, autogenerate_plugins=["alembic.autogenerate.*", "alembic.ext.checkconstraint_byname"])';

/** Findings (severity code message-start) of a project with one model file, one revision, and the given env.py line. */
async function checkFindings(models: string, upgrade: string, { env = PLUGIN_ON, base = '' } = {}): Promise<string[]> {
  const project = new Project(await testParser());
  project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/app\n');
  project.setFile('migrations/env.py', `from alembic import context\n${env}\n`);
  project.setFile('app/models.py', `import sqlalchemy as sa\nfrom sqlalchemy.orm import declarative_base\nBase = declarative_base(${base})\n${py(models)}`);
  const body = py(upgrade).split('\n').map((l) => `    ${l}`).join('\n');
  project.setFile('migrations/versions/a1_init.py', `from alembic import op\nimport sqlalchemy as sa\nrevision = "a1"\ndown_revision = None\n\ndef upgrade():\n${body}\n`);
  return project
    .analyze()
    .findings.filter((f) => f.code.endsWith('-check'))
    .map((f) => `${f.severity} ${f.code} ${f.message.replace(/ of "products" (is not in the migrations \(head a1\)|exists at head a1 but the model does not declare it)\./, '').trim()}`);
}

const PRODUCT = (args: string, quantity = 'sa.Column(sa.Integer)'): string => `
  class Product(Base):
      __tablename__ = "products"
      __table_args__ = (${args})
      id = sa.Column(sa.Integer, primary_key=True)
      price = sa.Column(sa.Integer)
      quantity = ${quantity}
`;

const TABLE = (...constraints: string[]): string => `
  op.create_table("products", sa.Column("id", sa.Integer(), nullable=False), sa.Column("price", sa.Integer()),
      sa.Column("quantity", sa.Integer()), ${constraints.map((c) => `${c}, `).join('')}sa.PrimaryKeyConstraint("id"))
`;

describe('analysis: named CHECK constraints, compared by name as Alembic does', () => {
  it("lowers to a note a check the migrations make where a model type makes checks of its own as its column joins a table (indico's PyIntEnum)", async () => {
    const type = `
      from sqlalchemy.event import listens_for
      class IntChoice(sa.types.TypeDecorator, sa.types.SchemaType):
          impl = sa.SmallInteger
      @listens_for(IntChoice, "before_parent_attach")
      def _attach(type_, col):
          @listens_for(col, "after_parent_attach")
          def _made(col, table):
              table.append_constraint(sa.CheckConstraint(col.in_([1, 2]), name="valid_enum_" + col.name))
    `;
    const quantity = 'sa.Column(IntChoice())';
    const found = await checkFindings(`${py(type)}\n${PRODUCT('', quantity)}`, TABLE('sa.CheckConstraint("quantity IN (1, 2)", name="valid_enum_quantity")'));
    assert.deepEqual(found, ['information extra-check CHECK constraint "valid_enum_quantity" (quantity IN (1, 2)) The model\'s IntChoice makes CHECK constraints of its own at run time (an event listener), which are not read: this may be one of them.']);
    // A type without such a listener declares none: the check is extra.
    const plain = await checkFindings(`${py(type.replace('"before_parent_attach"', '"other_event"'))}\n${PRODUCT('', quantity)}`, TABLE('sa.CheckConstraint("quantity IN (1, 2)", name="valid_enum_quantity")'));
    assert.deepEqual(plain.map((f) => f.split(' ').slice(0, 2).join(' ')), ['warning extra-check']);
  });

  it('reports a named check no migration makes, and one the migrations make that no model has; not their SQL, not unnamed ones', async () => {
    const found = await checkFindings(
      PRODUCT('sa.CheckConstraint("price > 0", name="positive_price"), sa.CheckConstraint("quantity < 100"), sa.CheckConstraint("price < 10", name="cap"),'),
      TABLE('sa.CheckConstraint("price < 99", name="cap")', 'sa.CheckConstraint("quantity >= 0", name="old_rule")', 'sa.CheckConstraint("price <> 3")'),
    );
    assert.deepEqual(found.sort(), ['warning extra-check CHECK constraint "old_rule" (quantity >= 0)', 'warning missing-check CHECK constraint "positive_price" (price > 0)']);
  });

  it('takes a check name given second, positionally, as SQLAlchemy does (Indico writes CheckConstraint("x != \'\'", "x_not_empty"))', async () => {
    const found = await checkFindings(PRODUCT('sa.CheckConstraint("price > 0", "positive_price"),'), TABLE('sa.CheckConstraint("price > 0", name="positive_price")'));
    assert.deepEqual(found, []);
  });

  it("names a model's check by the naming convention; a migration may give that name (op.f) or the one written in the model", async () => {
    const models = PRODUCT('sa.CheckConstraint("price > 0", name="positive_price"),', 'sa.Column(sa.Integer, sa.CheckConstraint("quantity >= 0", name="stock"))');
    assert.deepEqual(await checkFindings(models, TABLE('sa.CheckConstraint("price > 0", name=op.f("ck_products_positive_price"))', 'sa.CheckConstraint("quantity >= 0", name="stock")'), { base: CONVENTION }), []);
    assert.deepEqual(await checkFindings(models, TABLE('sa.CheckConstraint("price > 0", name="positive_price")'), { base: CONVENTION }), ['warning missing-check CHECK constraint "ck_products_stock" (quantity >= 0)']);
  });

  it('reads checks among a column\'s arguments on both sides, and lets a dropped column take its checks with it', async () => {
    const models = PRODUCT('', 'sa.Column(sa.Integer, sa.CheckConstraint("quantity >= 0", name="stock"))');
    const upgrade = `
      op.create_table("products", sa.Column("id", sa.Integer(), nullable=False), sa.Column("price", sa.Integer()),
          sa.Column("quantity", sa.Integer(), sa.CheckConstraint("quantity >= 0", name="stock")), sa.Column("old", sa.Integer()),
          sa.CheckConstraint("old > 0", name="old_positive"), sa.PrimaryKeyConstraint("id"))
      op.drop_column("products", "old")
    `;
    assert.deepEqual(await checkFindings(models, upgrade), []);
  });

  it('keeps them as notes unless env.py names the checkconstraint_byname plugin (opt-in since Alembic 1.19.2)', async () => {
    const models = PRODUCT('sa.CheckConstraint("price > 0", name="positive_price"),');
    const plain = await checkFindings(models, TABLE(), { env: 'context.configure(target_metadata=None, compare_type=True)' });
    assert.deepEqual(plain.map((f) => f.split(' ').slice(0, 2).join(' ')), ['information missing-check']);
    assert.match(plain[0], /autogenerate_plugins do not name alembic\.ext\.checkconstraint_byname/);
    const excluded = await checkFindings(models, TABLE(), { env: 'context.configure(autogenerate_plugins=["alembic.ext.*", "~alembic.ext.checkconstraint_byname"])' });
    assert.deepEqual(excluded.map((f) => f.split(' ')[0]), ['information']);
  });
});
