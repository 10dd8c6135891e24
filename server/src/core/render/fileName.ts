/** Alembic's file name template when alembic.ini sets none. */
export const DEFAULT_FILE_TEMPLATE = '%(rev)s_%(slug)s';

/** What a revision file name is made of. */
export interface FileNameInput {
  /** `file_template` from the config (`%(rev)s_%(slug)s` when undefined). */
  fileTemplate?: string;
  revisionId: string;
  message: string;
  /** The creation time, read in local time as Alembic reads `datetime.now()`. */
  now: Date;
  /** `truncate_slug_length` from the config (40 when undefined). */
  truncateSlugLength?: number;
}

/** A template that Python's `%` formatting would reject. */
export class FileTemplateError extends Error {}

/** The slug of a message as Alembic makes it: its words joined by "_", lower-cased, cut at a word before the limit. */
export function slugOf(message: string, limit = 40): string {
  const slug = (message.match(/[\p{L}\p{N}_]+/gu) ?? []).join('_').toLowerCase();
  if (slug.length <= limit) return slug;
  const cut = slug.slice(0, limit);
  const underscore = cut.lastIndexOf('_');
  return `${underscore < 0 ? cut : cut.slice(0, underscore)}_`;
}

/**
 * The file name (with `.py`) of a new revision, from the config's `file_template` with Alembic's tokens:
 * `%(rev)s`, `%(slug)s`, `%(epoch)s`, `%(year)d`, `%(month).2d`, `%(day).2d`, `%(hour).2d`, `%(minute).2d`, `%(second).2d`.
 */
export function revisionFileName(input: FileNameInput): string {
  const { now } = input;
  const values: Record<string, string | number> = {
    rev: input.revisionId,
    slug: slugOf(input.message, input.truncateSlugLength ?? 40),
    epoch: Math.floor(now.getTime() / 1000),
    year: now.getFullYear(),
    month: now.getMonth() + 1,
    day: now.getDate(),
    hour: now.getHours(),
    minute: now.getMinutes(),
    second: now.getSeconds(),
  };
  return `${formatPercent(input.fileTemplate ?? DEFAULT_FILE_TEMPLATE, values)}.py`;
}

/** Python's `template % mapping` for `%(name)[flags][width][.precision](s|d|i)` and `%%`. */
function formatPercent(template: string, values: Record<string, string | number>): string {
  return template.replace(/%(?:\((\w+)\)([-+ 0#]*)(\d*)(?:\.(\d+))?([sdir])|(%))/g, (_whole, name: string | undefined, flags: string, width: string, precision: string | undefined, conv: string, percent: string | undefined) => {
    if (percent) return '%';
    if (!name || !(name in values)) throw new FileTemplateError(`file_template uses %(${name})s, which Alembic does not define`);
    const value = values[name];
    let text: string;
    if (conv === 's' || conv === 'r') text = conv === 'r' && typeof value === 'string' ? `'${value}'` : String(value);
    else {
      if (typeof value !== 'number') throw new FileTemplateError(`file_template formats %(${name})s as a number`);
      const digits = String(Math.abs(Math.trunc(value))).padStart(precision ? Number(precision) : 0, '0');
      text = `${value < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : ''}${digits}`;
    }
    const w = Number(width || 0);
    if (text.length >= w) return text;
    if (flags.includes('-')) return text.padEnd(w);
    return flags.includes('0') && conv !== 's' ? (text.startsWith('-') ? `-${text.slice(1).padStart(w - 1, '0')}` : text.padStart(w, '0')) : text.padStart(w);
  });
}
