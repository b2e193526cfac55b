import { createHash, randomBytes } from 'node:crypto';

/** Every klynge API token starts with this, so secret scanners and people can recognise one. */
export const TOKEN_MARKER = 'klynge_';
const TOKEN_PATTERN = /^klynge_[A-Za-z0-9_-]{43}$/;

/** A new token: the marker and 32 random bytes, base64url. Shown once; only its hash is kept. */
export const generateToken = (): string => `${TOKEN_MARKER}${randomBytes(32).toString('base64url')}`;

/** Hex SHA-256 of a token, the form it is stored and looked up in. */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** The first 8 characters after the marker: enough to tell tokens apart in a listing, useless for guessing. */
export const tokenPrefix = (token: string): string => token.slice(TOKEN_MARKER.length, TOKEN_MARKER.length + 8);

/** Whether a string has the shape of a klynge token (checked before any database lookup). */
export const isWellFormedToken = (token: string): boolean => TOKEN_PATTERN.test(token);
