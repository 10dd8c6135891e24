// What a file system error means, in words a user can act on, for the messages of the CLI and the server.

const MEANINGS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  ENAMETOOLONG: 'the name is too long',
  EILSEQ: 'the name is not valid in this file system',
};

/** The reason a file operation failed, as words ("permission denied"), or the error's own message for others. */
export function describeFileError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code && MEANINGS[code]) return MEANINGS[code];
  return code ?? (e instanceof Error ? e.message : String(e));
}
