#!/usr/bin/env node
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { LspServer } from './lsp/lspServer';

// The process entry: stdio, IPC or a socket, as the client asks (`--stdio`, `--node-ipc`, `--socket=N`).
const connection = createConnection(ProposedFeatures.all);
// Once the first index is done, the heap may grow only 20% past what the last full collection kept alive (V8 lets it
// grow up to fourfold by default): each analysis leaves a few MB of garbage, and in a long editing session V8's
// default let the server's memory climb by 100 MB or more between collections. Set after the index, which the
// default serves better (fewer collections while the facts of the whole project are built). Node and Electron (VS
// Code's host) keep V8's flags writable after start; an unknown flag is only a line on stderr.
const frugalHeap = (): void => {
  try {
    v8.setFlagsFromString('--heap-growing-percent=20');
  } catch {
    // Memory then follows V8's default; nothing else changes.
  }
};
new LspServer(connection, { wasmDir: __dirname, docsDir: path.join(__dirname, '..', 'docs', 'rules'), afterFirstIndex: frugalHeap }).listen();
