// Starts `protocol lsp` (the ProtocolEngine language server) for .protocol files. Everything the editor shows comes from
// the server: diagnostics, completion, hover, definition, references, rename, formatting and semantic tokens.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration('protocolEngine');
  const command = settings.get('serverPath') || 'protocol';
  const serverOptions = { command, args: ['lsp'], transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'protocol' }],
    initializationOptions: { studyData: settings.get('studyData') || '', studyEncoding: settings.get('studyEncoding') || '' },
    synchronize: { configurationSection: 'protocolEngine' },
  };
  client = new LanguageClient('protocolEngine', 'ProtocolEngine', serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
