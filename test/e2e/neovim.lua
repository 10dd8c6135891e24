-- Neovim 0.7 (Debian) as a second real LSP client: start the bundled server, open the file given in
-- ALEMBIC_DRIFT_FILE, print each diagnostic it publishes for that file as "line:code", then quit.
local root = os.getenv('ALEMBIC_DRIFT_ROOT')
local server = os.getenv('ALEMBIC_DRIFT_SERVER')
local out = io.open(os.getenv('ALEMBIC_DRIFT_OUT'), 'w')

vim.lsp.handlers['textDocument/publishDiagnostics'] = function(_, result)
  if not result or not result.uri:match('catalog%.py$') or #result.diagnostics == 0 then return end
  for _, d in ipairs(result.diagnostics) do
    out:write(string.format('%d:%s\n', d.range.start.line, d.code))
  end
  out:close()
  vim.schedule(function() vim.cmd('qa!') end)
end

local client = vim.lsp.start_client({
  cmd = { 'node', server, '--stdio' },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = 'ws' } },
})
vim.lsp.buf_attach_client(0, client)
vim.defer_fn(function() vim.cmd('cquit 1') end, 30000)
