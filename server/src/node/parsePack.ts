import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MIN_ENTRY_BYTES, parsedTextByteLength, writeParsedText } from '../core/python/parsedTextBytes';
import type { ParsedText } from '../core/python/parser';
import { removeStaleTemporaryFiles } from './cacheDir';

/*
 * A parse pack is one file of parsed texts (core/python/parsedTextBytes) by the SHA-1 of their text: MAGIC (which
 * names the byte order the arrays are in), then for each entry its key's 20 bytes, its length (32-bit little-endian)
 * and its bytes, and last the SHA-1 of everything before it. A pack that does not match its digest is not read.
 */

/** 16 bytes, so that what follows starts at a 4-byte boundary. */
const MAGIC = Buffer.from(`alembic-drift ${os.endianness()}`, 'latin1');
const KEY_BYTES = 20;
const ENTRY_HEAD_BYTES = KEY_BYTES + 4;
const DIGEST_BYTES = 20;
/** Entries are gathered into writes of this size. */
const CHUNK_BYTES = 1 << 20;

/**
 * The entries of a pack by key (hex SHA-1), each its bytes, at a 4-byte boundary of one buffer; empty when the file is
 * missing, damaged or of another byte order.
 */
export function readPack(file: string): Map<string, Uint8Array> {
  const entries = new Map<string, Uint8Array>();
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch {
    return entries;
  }
  if (raw.length < MAGIC.length + DIGEST_BYTES || !raw.subarray(0, MAGIC.length).equals(MAGIC)) return entries;
  const end = raw.length - DIGEST_BYTES;
  if (!createHash('sha1').update(raw.subarray(0, end)).digest().equals(raw.subarray(end))) return entries;
  let bytes = raw;
  if (raw.byteOffset % 4 !== 0) {
    bytes = Buffer.allocUnsafeSlow(raw.length);
    raw.copy(bytes);
  }
  let pos = MAGIC.length;
  while (pos + ENTRY_HEAD_BYTES <= end) {
    const start = pos + ENTRY_HEAD_BYTES;
    const length = bytes.readUInt32LE(pos + KEY_BYTES);
    if (length % 4 !== 0 || length < MIN_ENTRY_BYTES || start + length > end) return new Map();
    entries.set(bytes.toString('hex', pos, pos + KEY_BYTES), bytes.subarray(start, start + length));
    pos = start + length;
  }
  return pos === end ? entries : new Map();
}

/** Writes a new pack beside `file` and puts it in its place at `finish()`; a pack left unfinished is removed. */
export class PackWriter {
  private chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private used = 0;
  private readonly digest = createHash('sha1');

  private constructor(
    private readonly file: string,
    private readonly temp: string,
    private readonly fd: number,
  ) {
    this.put(MAGIC);
  }

  /** A writer of a new pack for `file` (throws when the folder cannot be written). */
  static open(file: string): PackWriter {
    const temp = `${file}.${process.pid}.tmp`;
    return new PackWriter(file, temp, fs.openSync(temp, 'w'));
  }

  /** Adds an entry: a parsed text, or the bytes of an entry read from a pack. */
  add(key: string, entry: ParsedText | Uint8Array): void {
    const length = entry instanceof Uint8Array ? entry.length : parsedTextByteLength(entry);
    this.reserve(ENTRY_HEAD_BYTES + length);
    this.chunk.write(key, this.used, KEY_BYTES, 'hex');
    this.chunk.writeUInt32LE(length, this.used + KEY_BYTES);
    this.used += ENTRY_HEAD_BYTES;
    if (entry instanceof Uint8Array) this.chunk.set(entry, this.used);
    else writeParsedText(entry, this.chunk, this.used);
    this.used += length;
  }

  /** Writes the digest and puts the pack in place of the old one. */
  finish(): void {
    this.writeChunk();
    const digest = this.digest.digest();
    fs.writeSync(this.fd, digest);
    fs.closeSync(this.fd);
    fs.renameSync(this.temp, this.file);
    removeStaleTemporaryFiles(path.dirname(this.file), path.basename(this.file));
  }

  /** Removes the unfinished pack (the old one stays). */
  abandon(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed.
    }
    try {
      fs.rmSync(this.temp, { force: true });
    } catch {
      // A temporary file that cannot be removed (held by another program) only takes room.
    }
  }

  private put(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.chunk.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Makes room for `bytes` in the chunk, writing out what it holds when that is needed. */
  private reserve(bytes: number): void {
    if (this.used + bytes <= this.chunk.length) return;
    this.writeChunk();
    if (bytes > this.chunk.length) this.chunk = Buffer.allocUnsafeSlow(bytes);
  }

  private writeChunk(): void {
    const data = this.chunk.subarray(0, this.used);
    this.digest.update(data);
    for (let done = 0; done < data.length; ) done += fs.writeSync(this.fd, data, done, data.length - done);
    this.used = 0;
  }
}
