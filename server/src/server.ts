#!/usr/bin/env node
import * as path from 'node:path';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { LspServer } from './lsp/lspServer';
import { frugalHeap } from './node/v8Flags';

// The process entry: stdio, IPC or a socket, as the client asks (`--stdio`, `--node-ipc`, `--socket=N`).
const connection = createConnection(ProposedFeatures.all);
new LspServer(connection, { wasmDir: __dirname, docsDir: path.join(__dirname, '..', 'docs', 'rules'), afterFirstIndex: frugalHeap }).listen();
