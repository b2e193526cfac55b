export const toBase64Url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Decodes base64url, or returns null when the input is not canonical base64url. */
export function fromBase64Url(encoded: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
  const text = Buffer.from(encoded, 'base64url').toString('utf8');
  // Re-encoding must give the input back, or it was not ours (e.g. truncated).
  return toBase64Url(text) === encoded ? text : null;
}
