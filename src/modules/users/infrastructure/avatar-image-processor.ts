import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { BoundedConcurrency } from '../../../shared/bounded-concurrency';
import {
  AVATAR_MAX_PIXELS,
  AVATAR_SIZE,
  AvatarProcessingBusyError,
  type AvatarSourceType,
  detectImageType,
  InvalidAvatarError,
} from '../domain/avatar-image';

// Decoding takes a libuv thread and up to ~100 MB per image: two at a time keeps the API's
// other work (argon2 shares that pool) moving, and four in line absorb a small burst.
const DECODES_AT_ONCE = 2;
const DECODES_WAITING = 4;

sharp.cache(false);

/**
 * Turns an upload into the stored avatar: recognised by its bytes, decoded, oriented,
 * cover-cropped to a square WebP with no metadata (no EXIF location or camera data kept).
 */
@Injectable()
export class AvatarImageProcessor {
  private readonly decoders = new BoundedConcurrency(DECODES_AT_ONCE, DECODES_WAITING, () => new AvatarProcessingBusyError());

  async normalize(upload: Buffer): Promise<{ image: Buffer; contentType: 'image/webp' }> {
    const type = detectImageType(upload);
    if (!type) throw new InvalidAvatarError();
    return this.decoders.run(() => this.decode(upload, type));
  }

  private async decode(upload: Buffer, type: AvatarSourceType): Promise<{ image: Buffer; contentType: 'image/webp' }> {
    try {
      // the header alone (no pixel limit needed to read it): a decompression bomb is refused by
      // its declared size, with a message saying so, before anything is decoded
      const { format, width = 0, height = 0 } = await sharp(upload, { failOn: 'error', limitInputPixels: false }).metadata();
      // the decoder must agree with the signature (a PNG header on something else is refused)
      if (format !== type) throw new InvalidAvatarError();
      if (width * height > AVATAR_MAX_PIXELS) {
        throw new InvalidAvatarError(`must be at most ${AVATAR_MAX_PIXELS / 1_000_000} megapixels (this one is ${width} × ${height})`);
      }
      const image = await sharp(upload, { failOn: 'error', limitInputPixels: AVATAR_MAX_PIXELS, animated: false })
        .rotate()
        .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover' })
        .webp({ quality: 82 })
        .timeout({ seconds: 10 })
        .toBuffer();
      return { image, contentType: 'image/webp' };
    } catch (error) {
      if (error instanceof InvalidAvatarError) throw error;
      throw new InvalidAvatarError('could not be read as a PNG, JPEG or WebP image');
    }
  }
}
