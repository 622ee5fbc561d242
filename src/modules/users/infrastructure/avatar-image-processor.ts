import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { AVATAR_SIZE, detectImageType, InvalidAvatarError } from '../domain/avatar-image';

// a 1 MiB upload has no business decoding to more than this (decompression bombs)
const MAX_INPUT_PIXELS = 40_000_000;

sharp.cache(false);

/**
 * Turns an upload into the stored avatar: recognised by its bytes, decoded, oriented,
 * cover-cropped to a square WebP with no metadata (no EXIF location or camera data kept).
 */
@Injectable()
export class AvatarImageProcessor {
  async normalize(upload: Buffer): Promise<{ image: Buffer; contentType: 'image/webp' }> {
    const type = detectImageType(upload);
    if (!type) throw new InvalidAvatarError();
    try {
      const source = sharp(upload, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, animated: false });
      const { format } = await source.metadata();
      // the decoder must agree with the signature (a PNG header on something else is refused)
      if (format !== type) throw new InvalidAvatarError();
      const image = await source
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
