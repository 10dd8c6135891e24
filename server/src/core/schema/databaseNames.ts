// How PostgreSQL names a constraint that DDL left unnamed. It chooses the name once, when it makes the constraint, and
// keeps it through later renames of the table or its columns: a revision written years later drops
// `forward_email_gen_email_id_fkey` from a table since renamed `contact`, on a column since renamed `alias_id`.

/** PostgreSQL's identifier limit in bytes (NAMEDATALEN - 1). */
const NAME_BYTES = 63;

/** The suffix PostgreSQL gives each kind of constraint it names. */
export type ConstraintLabel = 'pkey' | 'key' | 'fkey' | 'check';

/**
 * The name PostgreSQL gives an unnamed constraint of `table` (`users_pkey`, `users_email_key`, `orders_user_id_fkey`,
 * `rsvp_status_check`): the table, the columns joined by `_` and the label, the longer of the first two cut until the
 * whole fits in 63 bytes, and the label numbered (`fkey1`, `fkey2`) past the names `taken` says are in use.
 */
export function postgresConstraintName(table: string, columns: readonly string[], label: ConstraintLabel, taken: (name: string) => boolean): string {
  const addition = columns.length > 0 ? columns.join('_') : undefined;
  for (let pass = 0; ; pass++) {
    const name = objectName(table, addition, pass === 0 ? label : `${label}${pass}`);
    if (!taken(name) || pass >= 1000) return name;
  }
}

/** PostgreSQL's makeObjectName: `name1_name2_label`, the longer of name1 and name2 cut a byte at a time until it fits. */
function objectName(name1: string, name2: string | undefined, label: string): string {
  const first = Buffer.from(name1, 'utf8');
  const second = name2 === undefined ? undefined : Buffer.from(name2, 'utf8');
  const available = NAME_BYTES - (label.length + 1) - (second ? 1 : 0);
  let firstBytes = first.length;
  let secondBytes = second?.length ?? 0;
  while (firstBytes + secondBytes > available) {
    if (firstBytes > secondBytes) firstBytes--;
    else secondBytes--;
  }
  const parts = [clip(first, firstBytes)];
  if (second) parts.push(clip(second, secondBytes));
  parts.push(label);
  return parts.join('_');
}

/** The longest whole-character prefix of `bytes` no longer than `length` bytes, as PostgreSQL's pg_mbcliplen cuts it. */
function clip(bytes: Buffer, length: number): string {
  let end = length;
  // A UTF-8 continuation byte (10xxxxxx) at the cut means the cut falls inside a character: step back to its start.
  while (end > 0 && end < bytes.length && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
