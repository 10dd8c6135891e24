import * as assert from 'node:assert/strict';
import { Project } from '../../server/src/core/project';
import { hoverAt } from '../../server/src/lsp/navigation';
import { testParser, py } from './helpers';

describe('navigation: hover on models', () => {
  it("shows the table on a model's class name, also where a library's base class gives it columns (fastapi-users)", async () => {
    const project = new Project(await testParser());
    project.setFile('alembic.ini', '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://localhost/app\n');
    project.setFile('app/models.py', py(`
      import sqlalchemy as sa
      from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
      from fastapi_users_db_sqlalchemy import SQLAlchemyBaseUserTable
      class Base(DeclarativeBase):
          pass
      class User(SQLAlchemyBaseUserTable[int], Base):
          id: Mapped[int] = mapped_column(primary_key=True)
    `));
    project.setFile('migrations/versions/a1.py', py(`
      from alembic import op
      import sqlalchemy as sa
      revision = "a1"
      down_revision = None
      def upgrade():
          op.create_table("user", sa.Column("id", sa.Integer(), nullable=False), sa.Column("email", sa.String(length=320), nullable=False), sa.PrimaryKeyConstraint("id"))
    `));
    const analysis = project.analyze();
    const hover = (line: number, character: number): string | undefined => {
      const h = hoverAt(analysis, '/work/app', 'app/models.py', { line, character });
      return h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : undefined;
    };
    assert.match(hover(5, 7) ?? '', /^\*\*user\*\* at head `a1`: 2 columns/);
    assert.match(hover(6, 5) ?? '', /^\*\*user\.id\*\* at head `a1`: sa\.Integer\(\), NOT NULL, primary key/);
  });
});
