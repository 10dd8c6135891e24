import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspTestClient } from './lspClient';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** A fresh copy of examples/shop in a temporary folder. */
export function copyExample(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-drift-lsp-'));
  fs.cpSync(path.join(REPO, 'examples', 'shop'), dir, { recursive: true });
  return dir;
}

/** The example's catalog model file (relative path). */
export const CATALOG = 'shop/models/catalog.py';

/** The catalog model's text with a `weight` column added after `description`: one new missing-column (line 22). */
export function addWeightColumn(catalog: string): string {
  return catalog.replace('    description = sa.Column(sa.Text)\n', '    description = sa.Column(sa.Text)\n    weight = sa.Column(sa.Integer)\n');
}

/**
 * Mocha hooks that give each test of the calling suite its own copy of examples/shop and a started server on it;
 * read them from the returned object inside the tests.
 */
export function useExampleServer(): { client: LspTestClient; root: string } {
  const current = {} as { client: LspTestClient; root: string };
  beforeEach(async () => {
    current.root = copyExample();
    current.client = new LspTestClient(current.root);
    await current.client.start();
  });
  afterEach(async () => {
    await current.client.stop();
    fs.rmSync(current.root, { recursive: true, force: true });
  });
  return current;
}
