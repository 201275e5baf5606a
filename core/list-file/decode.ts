import iconv from 'iconv-lite';
import { ListFileRefused } from './codes.js';

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
/** The same limit under the name callers that check a file's size before reading it use. */
export const MAX_LIST_BYTES = DEFAULT_MAX_BYTES;

export interface DecodedText {
  text: string;
  encoding: 'utf-8' | 'windows-1252';
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

// Zip (.xlsx, .ods, .docx) local-file and empty-archive signatures.
const ZIP_SIGNATURES = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
] as const;

/**
 * Text files never hold NUL, and only a stray few other C0 controls; above
 * this share the upload is some binary format (old .xls, PDF, an image).
 */
const MAX_CONTROL_SHARE = 0.01;

function refuseUnreadable(why: string): never {
  throw new ListFileRefused('file_unreadable', {}, `List file is not a CSV text file (${why})`);
}

function checkLooksLikeText(bytes: Uint8Array): void {
  if (ZIP_SIGNATURES.some((sig) => startsWith(bytes, sig))) refuseUnreadable('zip archive, e.g. .xlsx');
  let controls = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0) refuseUnreadable('NUL byte');
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) controls++;
  }
  if (controls > bytes.length * MAX_CONTROL_SHARE) refuseUnreadable('control bytes');
}

/**
 * Turns the uploaded bytes into text. A BOM or strictly valid UTF-8 means
 * UTF-8; anything else is what Excel on Dutch Windows writes ("CSV
 * (gescheiden door lijstscheidingsteken)"): Windows-1252. Latin-1 is not a
 * separate case: it differs from Windows-1252 only in C1 controls no list
 * contains.
 */
export function decodeListBytes(bytes: Uint8Array, maxBytes = DEFAULT_MAX_BYTES): DecodedText {
  // Before decoding: the limit protects memory, so it must not need the text.
  if (bytes.length > maxBytes) {
    const max = Math.round((maxBytes / (1024 * 1024)) * 10) / 10; // in MB, as the text says it
    throw new ListFileRefused('file_too_large', { max }, `List file is ${bytes.length} bytes, over the limit of ${maxBytes}`);
  }
  checkLooksLikeText(bytes);
  const hasBom = startsWith(bytes, [0xef, 0xbb, 0xbf]);
  const body = hasBom ? bytes.subarray(3) : bytes;
  if (hasBom) return { text: new TextDecoder('utf-8').decode(body), encoding: 'utf-8' };
  try {
    return { text: strictUtf8.decode(body), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), 'windows-1252'), encoding: 'windows-1252' };
  }
}
