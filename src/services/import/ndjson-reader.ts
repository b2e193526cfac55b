import { createReadStream } from 'node:fs';

export interface LineBatch {
  /** The lines of this batch, without their `\n`. */
  lines: string[];
  /** The 1-based line number of `lines[0]`. */
  firstLine: number;
  /** Bytes of the file read so far (including this batch). */
  bytesRead: number;
}

const NEWLINE = 0x0a;

/**
 * Streams a file as batches of whole lines (one batch per chunk read), decoding UTF-8 only at line
 * boundaries so a multi-byte character split across chunks stays intact. A UTF-8 byte-order mark
 * at the start is dropped; a last line without `\n` is still a line.
 */
export async function* readLineBatches(path: string, chunkSize = 1 << 20): AsyncGenerator<LineBatch> {
  let carry: Buffer | null = null;
  let nextLine = 1;
  let bytesRead = 0;
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: chunkSize }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    let data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    if (first) {
      first = false;
      if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
    }
    const end = data.lastIndexOf(NEWLINE);
    if (end < 0) {
      carry = data;
      continue;
    }
    carry = end + 1 < data.length ? Buffer.from(data.subarray(end + 1)) : null;
    const lines = data.toString('utf8', 0, end).split('\n');
    yield { lines, firstLine: nextLine, bytesRead };
    nextLine += lines.length;
  }
  if (carry && carry.length > 0) yield { lines: [carry.toString('utf8')], firstLine: nextLine, bytesRead };
}
