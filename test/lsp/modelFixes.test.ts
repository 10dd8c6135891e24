import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, TextEdit } from 'vscode-languageserver/node';
import { useExampleServer } from './exampleServer';

const ORDERS = 'shop/models/orders.py';

/** Applies LSP text edits to a text, last first. */
function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const at = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  for (const e of [...edits].sort((a, b) => at(b.range.start) - at(a.range.start))) text = text.slice(0, at(e.range.start)) + e.newText + text.slice(at(e.range.end));
  return text;
}

describe('language server: the reverse quick fix and the Generate migration command', function () {
  const ctx = useExampleServer();

  it('offers "Update the model to match the migrations"; its edit, typed into the buffer, clears the finding', async () => {
    const { client, root } = ctx;
    const text = fs.readFileSync(path.join(root, ORDERS), 'utf8');
    await client.open(ORDERS, text, 1);
    const p = await client.diagnostics(ORDERS, (x) => x.version === 1);
    const nullable = p.diagnostics.filter((d) => d.code === 'nullable-mismatch');
    assert.equal(nullable.length, 1);
    const uri = client.uri(ORDERS);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: nullable[0].range, context: { diagnostics: nullable, only: ['quickfix'] } })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ['Add migration: alter column customers.full_name', 'Update the model to match the migrations']);
    const update = actions[1];
    assert.equal(update.kind, 'quickfix');
    const edits = update.edit!.changes![uri];
    assert.deepEqual(edits.map((e) => [e.range.start.line, e.newText]), [[18, 'True']]);
    const fixed = applyEdits(text, edits);
    assert.match(fixed, /^ {4}full_name = sa\.Column\(sa\.String\(120\), nullable=True\)$/m);
    await client.change(ORDERS, fixed, 2);
    const after = await client.diagnostics(ORDERS, (x) => x.version === 2);
    assert.deepEqual(after.diagnostics, []);
  });

  it('answers the Generate migration command for a folder, and for one file of it, with no editor open', async () => {
    const { client, root } = ctx;
    await client.diagnostics('shop/models/catalog.py');
    const folder = pathToFileURL(root).toString();
    type Revision = { title: string; uri: string; edit: { documentChanges: Array<{ kind?: string; uri?: string; edits?: Array<{ newText: string }> }> } };
    const all = (await client.connection.sendRequest('workspace/executeCommand', { command: 'alembicDrift.server.generateMigration', arguments: [folder] })) as Revision[];
    assert.deepEqual(all.map((r) => r.title), ['Generate migration for all drift (3 changes)']);
    assert.match(all[0].uri, /\/migrations\/versions\/[0-9a-f]{12}_sync_models\.py$/);
    assert.equal(all[0].edit.documentChanges[0].uri, all[0].uri);
    const text = all[0].edit.documentChanges[1].edits![0].newText;
    assert.match(text, /add_column\(sa\.Column\('sku'/);
    assert.match(text, /drop_column\('coupon_code'\)/);
    const one = (await client.connection.sendRequest('workspace/executeCommand', { command: 'alembicDrift.server.generateMigration', arguments: [folder, client.uri('shop/models/orders.py')] })) as Revision[];
    assert.deepEqual(one.map((r) => r.title), ['Generate migration for the drift in this file (1 change)']);
    assert.match(one[0].uri, /_sync_orders\.py$/);
    const none = (await client.connection.sendRequest('workspace/executeCommand', { command: 'alembicDrift.server.generateMigration', arguments: [folder, client.uri('shop/models/base.py')] })) as Revision[];
    assert.deepEqual(none, []);
  });
});
