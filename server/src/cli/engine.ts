/**
 * The CLI's engine side: analysis, parsing and rendering, bundled apart (dist/engine.js) and loaded on first use by
 * loadEngine.ts, so that a `check` answered from the result cache never loads it.
 */
export { analyzeFolder, folderSettings } from '../node/analyzeFolder';
export { revisionCommand } from './revision';
export { reportCommand } from './report';
