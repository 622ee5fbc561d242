import { DomainError, InvalidInputError } from '../../../shared/domain-error';

/** The largest avatar upload accepted, before decoding. */
export const AVATAR_MAX_BYTES = 1024 * 1024;
/**
 * The most pixels an upload may decode to: a photo from any phone fits, while a small file
 * declaring huge dimensions (a decompression bomb) is refused before it is decoded.
 */
export const AVATAR_MAX_PIXELS = 25_000_000;
/** Stored avatars are this many pixels square. */
export const AVATAR_SIZE = 256;
export const AVATAR_CONTENT_TYPE = 'image/webp';

export type AvatarSourceType = 'png' | 'jpeg' | 'webp';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, signature: number[], at = 0): boolean {
  return bytes.length >= at + signature.length && signature.every((byte, index) => bytes[at + index] === byte);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

/**
 * What an upload is, by its leading bytes only: a client's Content-Type or file name says
 * nothing about what the bytes are.
 */
export function detectImageType(bytes: Uint8Array): AvatarSourceType | null {
  if (startsWith(bytes, PNG)) return 'png';
  if (startsWith(bytes, JPEG)) return 'jpeg';
  // RIFF <4-byte size> WEBP
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  return null;
}

export class InvalidAvatarError extends InvalidInputError {
  constructor(message = 'must be a PNG, JPEG or WebP image') {
    super('USERS.INVALID_AVATAR', 'avatar', message);
  }
}

/** Every decoding slot and every place in line is taken: the client should come back shortly. */
export class AvatarProcessingBusyError extends DomainError {
  constructor(retryAfterSeconds = 2) {
    super('USERS.AVATAR_BUSY', 'unavailable', 'Too many pictures are being processed at the moment; try again shortly', [], retryAfterSeconds);
  }
}
