import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Resolver } from '../../server/src/core/python/resolve';
import type { ModuleSyntax } from '../../server/src/core/python/syntax';
import { extractModels, type ModelSchema } from '../../server/src/core/models/extractModels';
import { ModelGroups } from '../../server/src/core/models/modelGroups';
import { FileMemo, FileReads } from '../../server/src/core/memo';
import { tableKey } from '../../server/src/core/schema/schema';
import { readProjectFiles } from '../../server/src/node/readProject';
import { testParser, py } from './helpers';

const ROOT = path.join(__dirname, '..', '..', '..');

/** The tables of a reading, in a stable order, as JSON (maps as entry lists). */
function canonical(schema: ModelSchema): string {
  const tables = [...schema.tables].sort((a, b) => tableKey(a.name, a.schema).localeCompare(tableKey(b.name, b.schema)));
  return JSON.stringify({ tables, findings: schema.findings.map((f) => `${f.file}:${f.span.join(',')}:${f.code}`).sort() }, (_k, v: unknown) => (v instanceof Map ? [...v.entries()] : v));
}

async function bothReadings(files: Map<string, string>): Promise<{ grouped: ModelSchema; whole: ModelSchema; groups: ModelGroups }> {
  const parser = await testParser();
  const parsed = new Map<string, ModuleSyntax>();
  for (const [f, text] of files) if (f.endsWith('.py')) parsed.set(f, parser.parseModule(text));
  const resolver = new Resolver({ files: () => parsed.keys(), syntax: (f) => parsed.get(f) });
  const modelFiles = [...parsed.keys()].filter((f) => !files.get(f)!.includes('down_revision')).sort();
  const groups = new ModelGroups();
  const grouped = groups.read({ resolver, files: modelFiles, memo: new FileMemo(new FileReads()) });
  return { grouped, whole: extractModels({ resolver, files: modelFiles }), groups };
}

describe('model files read in groups', () => {
  it('gives, on every fixture project, the tables and findings that reading all model files at once gives', async () => {
    const dirs = ['test/fixtures', 'test/fixtures-report'].flatMap((d) => fs.readdirSync(path.join(ROOT, d)).map((n) => path.join(ROOT, d, n)));
    for (const dir of [...dirs, path.join(ROOT, 'examples', 'shop')]) {
      const { grouped, whole } = await bothReadings(readProjectFiles(dir).files);
      assert.equal(canonical(grouped), canonical(whole), dir);
    }
  });

  it('reads a subclass mapped onto its parent table in another file together with the parent', async () => {
    const files = new Map([
      ['app/base.py', py(`
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
      `)],
      ['app/people.py', py(`
        import sqlalchemy as sa
        from app.base import Base
        class Person(Base):
            __tablename__ = "people"
            id = sa.Column(sa.Integer, primary_key=True)
            kind = sa.Column(sa.String(20))
            __mapper_args__ = {"polymorphic_on": kind}
      `)],
      ['app/staff.py', py(`
        import sqlalchemy as sa
        from app.people import Person
        class Engineer(Person):
            __mapper_args__ = {"polymorphic_identity": "engineer"}
            language = sa.Column(sa.String(30))
      `)],
      ['app/owners.py', py(`
        import sqlalchemy as sa
        from app.base import Base
        class Owner(Base):
            __tablename__ = "owners"
            id = sa.Column(sa.Integer, primary_key=True)
            person_id = sa.Column(sa.ForeignKey("people.id"))
      `)],
    ]);
    const { grouped, whole } = await bothReadings(files);
    assert.equal(canonical(grouped), canonical(whole));
    const people = grouped.tables.filter((t) => t.name === 'people');
    assert.equal(people.length, 1);
    assert.deepEqual([...people[0].columns.keys()].sort(), ['id', 'kind', 'language']);
    // The foreign key's column takes its type from the table of another group.
    assert.equal(grouped.tables.find((t) => t.name === 'owners')!.columns.get('person_id')!.type?.family, 'INTEGER');
  });
});
