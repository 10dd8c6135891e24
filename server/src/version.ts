/** The tool's version (also keys the parse cache, so an upgrade never reads an older version's entries). */
export const VERSION = '0.1.0';
