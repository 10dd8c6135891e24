import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspTestClient } from './lspClient';
import { addWeightColumn, CATALOG, copyExample, useExampleServer } from './exampleServer';
const codes = (p: { diagnostics: Array<{ code?: unknown; range: { start: { line: number } } }> }): string[] => p.diagnostics.map((d) => `${d.range.start.line}:${String(d.code)}`).sort();

describe('language server over stdio', function () {
  const ctx = useExampleServer();

  it('publishes the drift of the workspace after the first index, with code, source, rule link and key', async () => {
    const { client } = ctx;
    const p = await client.diagnostics(CATALOG);
    assert.deepEqual(codes(p), ['18:missing-column']);
    const d = p.diagnostics[0];
    assert.equal(d.source, 'alembic-drift');
    assert.match(d.codeDescription!.href, /docs\/rules\/missing-column\.md$/);
    assert.equal((d.data as { key: string }).key.startsWith('missing-column|shop/models/catalog.py|products|sku|'), true);
    assert.ok(d.relatedInformation && d.relatedInformation[0].location.uri.endsWith('1a2b3c4d5e6f_create_catalog.py'));
  });

  it('flags a column typed into an unsaved buffer, and drops it when the line is removed', async () => {
    const { client, root } = ctx;
    const text = fs.readFileSync(path.join(root, CATALOG), 'utf8');
    await client.open(CATALOG, text, 1);
    const edited = addWeightColumn(text);
    await client.change(CATALOG, edited, 2);
    const p = await client.diagnostics(CATALOG, (x) => x.version === 2);
    assert.deepEqual(codes(p), ['18:missing-column', '21:missing-column']);
    await client.change(CATALOG, text, 3);
    const back = await client.diagnostics(CATALOG, (x) => x.version === 3);
    assert.deepEqual(codes(back), ['18:missing-column']);
  });

  it('sees a revision written on disk, and publishes [] for the file it fixes', async () => {
    const { client, root } = ctx;
    await client.diagnostics(CATALOG);
    const revision = 'migrations/versions/9f8e7d6c5b4a_add_sku.py';
    fs.writeFileSync(path.join(root, revision), [
      'from alembic import op',
      'import sqlalchemy as sa',
      'revision = "9f8e7d6c5b4a"',
      'down_revision = "7c8d9e0f1a2b"',
      'def upgrade():',
      '    op.add_column("products", sa.Column("sku", sa.String(length=32), nullable=False))',
      '    op.create_index(op.f("ix_products_sku"), "products", ["sku"], unique=False)',
      '',
    ].join('\n'));
    await client.changedOnDisk([{ file: revision, type: 1 }]);
    const p = await client.diagnostics(CATALOG, (x) => x.diagnostics.length === 0);
    assert.deepEqual(p.diagnostics, []);
  });

  it('keeps the findings of a buffer while it is broken mid-edit, so squiggles do not flicker', async () => {
    const { client, root } = ctx;
    const text = fs.readFileSync(path.join(root, CATALOG), 'utf8');
    await client.open(CATALOG, text, 1);
    const withWeight = addWeightColumn(text);
    await client.change(CATALOG, withWeight, 2);
    await client.diagnostics(CATALOG, (x) => x.version === 2);
    // The user deletes the closing parenthesis of the line above the new column: the class no longer parses.
    await client.change(CATALOG, withWeight.replace('description = sa.Column(sa.Text)', 'description = sa.Column(sa.Text'), 3);
    const broken = await client.diagnostics(CATALOG, (x) => x.version === 3);
    assert.deepEqual(codes(broken).filter((c) => c.endsWith('missing-column')), ['18:missing-column', '21:missing-column']);
    assert.ok(broken.diagnostics.some((d) => d.code === 'parse-error'));
  });

  it('keeps serving when a model file is broken mid-edit', async () => {
    const { client, root } = ctx;
    const text = fs.readFileSync(path.join(root, CATALOG), 'utf8');
    await client.open(CATALOG, text, 1);
    await client.change(CATALOG, `${text}\nclass Broken(Base:\n    x = sa.Column(\n`, 2);
    const p = await client.diagnostics(CATALOG, (x) => x.version === 2);
    assert.ok(p.diagnostics.some((d) => d.code === 'parse-error'));
    await client.change(CATALOG, text, 3);
    const back = await client.diagnostics(CATALOG, (x) => x.version === 3);
    assert.deepEqual(codes(back), ['18:missing-column']);
  });

  it('offers source actions for all drift and for the drift of the current file', async () => {
    const { client } = ctx;
    await client.diagnostics(CATALOG);
    const ask = async (kind: string): Promise<Array<{ title: string; edit: { documentChanges: Array<{ edits?: Array<{ newText: string }> }> } }>> =>
      (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: client.uri(CATALOG) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: [kind] } })) as never;
    const all = await ask('source.alembicDrift.generateMigration');
    // Asking for a kind includes its sub-kinds, as LSP code action kinds are hierarchical.
    assert.deepEqual(all.map((a) => a.title), ['Generate migration for all drift (3 changes)', 'Generate migration for the drift in this file (1 change)']);
    const file = await ask('source.alembicDrift.generateMigration.file');
    assert.deepEqual(file.map((a) => a.title), ['Generate migration for the drift in this file (1 change)']);
    const text = file[0].edit.documentChanges[1].edits![0].newText;
    assert.match(text, /add_column\(sa\.Column\('sku'/);
    assert.doesNotMatch(text, /coupon_code|full_name/);
  });

  it('answers hover and go-to-definition on a model column with what the migrations made of it', async () => {
    const { client } = ctx;
    await client.diagnostics(CATALOG);
    const uri = client.uri(CATALOG);
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 17, character: 6 } })) as { contents: { value: string } };
    assert.match(hover.contents.value, /\*\*products\.name\*\* at head `7c8d9e0f1a2b`: sa\.String\(length=120\), NOT NULL/);
    assert.match(hover.contents.value, /`create_table` in revision \[`1a2b3c4d5e6f`\]/);
    const def = (await client.connection.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line: 17, character: 6 } })) as { uri: string; range: { start: { line: number } } };
    assert.ok(def.uri.endsWith('migrations/versions/1a2b3c4d5e6f_create_catalog.py'));
    assert.equal(def.range.start.line, 34);
  });

  it('offers a quick fix that writes the revision; applied, the finding goes and the next fix chains to it', async () => {
    const { client, root } = ctx;
    const p = await client.diagnostics(CATALOG);
    const uri = client.uri(CATALOG);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: p.diagnostics[0].range, context: { diagnostics: p.diagnostics, only: ['quickfix'] } })) as Array<{ title: string; edit: { documentChanges: Array<{ kind?: string; uri?: string; edits?: Array<{ newText: string }> }> } }>;
    assert.deepEqual(actions.map((a) => a.title), ['Add migration: add column products.sku']);
    const [create, write] = actions[0].edit.documentChanges;
    assert.equal(create.kind, 'create');
    const text = write.edits![0].newText;
    assert.match(text, /down_revision: Union\[str, Sequence\[str\], None\] = '7c8d9e0f1a2b'/);
    assert.match(text, /batch_op\.add_column\(sa\.Column\('sku', sa\.String\(length=32\), nullable=False\)\)/);
    // Apply the edit as the editor would: the file appears on disk.
    const file = decodeURIComponent(new URL(create.uri!).pathname);
    fs.writeFileSync(file, text, { flag: 'wx' });
    await client.changedOnDisk([{ file: path.relative(root, file), type: 1 }]);
    await client.diagnostics(CATALOG, (x) => x.diagnostics.length === 0);
    const newId = /^revision: str = '([0-9a-f]{12})'/m.exec(text)![1];
    const orders = await client.diagnostics('shop/models/orders.py');
    const next = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: client.uri('shop/models/orders.py') }, range: orders.diagnostics[0].range, context: { diagnostics: orders.diagnostics } })) as Array<{ title: string; edit: { documentChanges: Array<{ edits?: Array<{ newText: string }> }> } }>;
    const alter = next.find((a) => a.title === 'Add migration: alter column customers.full_name')!;
    assert.match(alter.edit.documentChanges[1].edits![0].newText, new RegExp(`down_revision: Union\\[str, Sequence\\[str\\], None\\] = '${newId}'`));
  });
});

describe('language server audit report', () => {
  it('renders the audit of a folder from its latest analysis, with links that open the files', async () => {
    const root = copyExample();
    const client = new LspTestClient(root);
    try {
      await client.start();
      const text = (await client.connection.sendRequest('workspace/executeCommand', { command: 'alembicDrift.server.renderAuditReport', arguments: [client.uri('')] })) as string;
      assert.match(text, /^# Schema drift audit: /);
      assert.match(text, /\| Missing column \| `sku` \|/);
      const link = /\]\((file:[^)#]+)#L19\)/.exec(text);
      assert.ok(link && fs.existsSync(decodeURIComponent(new URL(link[1]).pathname)), 'a link to catalog.py line 19 that exists');
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('language server settings', () => {
  it("applies the editor's alembicDrift settings over the defaults", async () => {
    const root = copyExample();
    const client = new LspTestClient(root, { severity: { 'missing-column': 'off', 'nullable-mismatch': 'error' } });
    try {
      await client.start();
      const orders = await client.diagnostics('shop/models/orders.py');
      assert.deepEqual(orders.diagnostics.map((d) => [d.code, d.severity]), [['nullable-mismatch', 1]]);
      // The first index publishes before it says it is done: catalog.py's only finding is switched off.
      assert.equal(client.published(CATALOG), undefined);
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("keeps pyproject.toml's settings where the editor's are left unset, as VS Code sends them", async () => {
    const root = copyExample();
    fs.writeFileSync(path.join(root, 'pyproject.toml'), '[tool.alembic-drift]\nexclude = ["shop/models/catalog.py"]\n');
    // What VS Code answers for alembicDrift when nothing is set: every contributed default.
    const unset = { severity: {}, exclude: [], models: [], versionLocations: [], dialect: null, debounceMs: 25, trace: { server: 'off' } };
    const client = new LspTestClient(root, unset);
    try {
      await client.start();
      const orders = await client.diagnostics('shop/models/orders.py');
      assert.deepEqual(orders.diagnostics.map((d) => d.code), ['nullable-mismatch']);
      assert.equal(client.published(CATALOG), undefined, 'catalog.py is left out, as pyproject.toml says');
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
    const set = new LspTestClient(copyExample(), { exclude: ['shop/models/orders.py'] });
    try {
      await set.start();
      assert.equal(set.published('shop/models/orders.py'), undefined, 'an exclude set in the editor applies');
      assert.deepEqual((await set.diagnostics(CATALOG)).diagnostics.map((d) => d.code), ['missing-column']);
    } finally {
      await set.stop();
      fs.rmSync(set.root, { recursive: true, force: true });
    }
  });

  it('writes the quick fix for the dialect the settings name when alembic.ini has a placeholder URL, as the CLI does', async () => {
    const root = copyExample();
    const ini = path.join(root, 'alembic.ini');
    fs.writeFileSync(ini, fs.readFileSync(ini, 'utf8').replace(/^sqlalchemy\.url = .*$/m, 'sqlalchemy.url = driver://user:pass@localhost/dbname'));
    fs.writeFileSync(path.join(root, 'pyproject.toml'), '[tool.alembic-drift]\ndialect = "sqlite"\n');
    const envPy = path.join(root, 'migrations', 'env.py');
    fs.writeFileSync(envPy, fs.readFileSync(envPy, 'utf8').replace(', render_as_batch=True', ''));
    const client = new LspTestClient(root);
    try {
      await client.start();
      const p = await client.diagnostics(CATALOG);
      const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: client.uri(CATALOG) }, range: p.diagnostics[0].range, context: { diagnostics: p.diagnostics, only: ['quickfix'] } })) as Array<{ edit: { documentChanges: Array<{ edits?: Array<{ newText: string }> }> } }>;
      assert.match(actions[0].edit.documentChanges[1].edits![0].newText, /batch_op\.add_column\(sa\.Column\('sku'/, 'SQLite needs batch mode');
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('shows the settings of pyproject.toml it cannot use on their [tool.alembic-drift] line, and applies the rest', async () => {
    const root = copyExample();
    fs.writeFileSync(path.join(root, 'pyproject.toml'), '[project]\nname = "shop"\n\n[tool.alembic-drift]\nexclude = "shop/models/catalog.py"\nversion_locations = ["db/more"]\nignore = { codes = ["nullable-mismatch"] }\n');
    const client = new LspTestClient(root);
    try {
      await client.start();
      const settings = await client.diagnostics('pyproject.toml');
      assert.deepEqual(settings.diagnostics.map((d) => [d.range.start.line, d.code, d.severity]), [[3, 'invalid-setting', 2], [3, 'invalid-setting', 2]]);
      assert.deepEqual(settings.diagnostics.map((d) => d.message).sort(), [
        'Unknown setting "version_locations" in [tool.alembic-drift] (the settings are severity, exclude, models, version-locations, dialect, baseline, ignore)',
        'exclude must be a list of strings, such as exclude = ["..."]',
      ]);
      assert.equal(client.published('shop/models/orders.py'), undefined, 'ignore.codes still applies');
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('shows a script_location that names no folder on its line of alembic.ini, and still compares the migrations it finds', async () => {
    const root = copyExample();
    const ini = path.join(root, 'alembic.ini');
    fs.writeFileSync(ini, fs.readFileSync(ini, 'utf8').replace(/^script_location = .*$/m, 'script_location = migraitons'));
    const client = new LspTestClient(root);
    try {
      await client.start();
      const config = await client.diagnostics('alembic.ini');
      assert.deepEqual(config.diagnostics.map((d) => [d.range.start.line, d.code, d.severity]), [[1, 'missing-script-location', 2]]);
      assert.match(String(config.diagnostics[0].message), /script_location "migraitons" .*Path doesn't exist/);
      assert.deepEqual((await client.diagnostics('shop/models/orders.py')).diagnostics.map((d) => d.code), ['nullable-mismatch']);
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
  it('says why a fix cannot be written to a client that shows disabled actions, and offers none to one that cannot', async () => {
    const root = copyExample();
    const ini = path.join(root, 'alembic.ini');
    fs.writeFileSync(ini, fs.readFileSync(ini, 'utf8').replace('[alembic]\n', '[alembic]\nfile_template = %%(year)d/%%(rev)s_%%(slug)s\n'));
    for (const disabledActions of [true, false]) {
      const client = new LspTestClient(root);
      try {
        await client.start({ disabledActions });
        const p = await client.diagnostics(CATALOG);
        const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: client.uri(CATALOG) }, range: p.diagnostics[0].range, context: { diagnostics: p.diagnostics } })) as Array<{ title: string; disabled?: { reason: string } }>;
        const revisions = actions.filter((a) => a.title.startsWith('Add migration') || a.title.startsWith('Generate migration'));
        if (disabledActions) {
          assert.ok(revisions.length > 0 && revisions.every((a) => /sub-folder Alembic reads only with recursive_version_locations = true/.test(a.disabled?.reason ?? '')), JSON.stringify(revisions));
        } else assert.deepEqual(revisions, []);
      } finally {
        await client.stop();
      }
    }
    fs.rmSync(root, { recursive: true, force: true });
  });
  it('names the environment in each action when the workspace has several', async () => {
    const root = copyExample();
    fs.appendFileSync(path.join(root, 'alembic.ini'), '\n[reports]\nscript_location = reports_db\n');
    fs.mkdirSync(path.join(root, 'reports_db', 'versions'), { recursive: true });
    fs.writeFileSync(path.join(root, 'reports_db', 'env.py'), 'from alembic import context\n');
    fs.writeFileSync(path.join(root, 'reports_db', 'versions', 'r1_reports.py'), 'from alembic import op\nimport sqlalchemy as sa\nrevision = "r1"\ndown_revision = None\n\ndef upgrade():\n    op.create_table("report", sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint("id"))\n');
    const client = new LspTestClient(root);
    try {
      await client.start({ disabledActions: true });
      await client.diagnostics(CATALOG);
      const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: client.uri(CATALOG) }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.alembicDrift.generateMigration'] } })) as Array<{ title: string }>;
      const titles = actions.map((a) => a.title);
      assert.ok(titles.length >= 2 && titles.every((t) => / in alembic\.ini( \[reports\])?$/.test(t)), JSON.stringify(titles));
      assert.equal(new Set(titles).size, titles.length, 'no two actions share a title');
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
