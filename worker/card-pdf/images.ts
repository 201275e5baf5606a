import { createHash } from 'node:crypto';

/** What pdfkit's openImage returns; drawing it again only adds a reference to the one embedded XObject. */
export interface OpenedImage {
  width: number;
  height: number;
}

export class CardImageError extends Error {
  constructor(
    readonly what: 'logo' | 'photo',
    cause: unknown,
  ) {
    super(`card ${what} is not a readable PNG or JPEG: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'CardImageError';
  }
}

/**
 * pdfkit embeds an image anew every time it is given bytes, so a logo on
 * 5,000 cards would be in the file 5,000 times. One image object per distinct
 * picture: the same Uint8Array is found by identity; equal bytes in another
 * array (one read per database row) by a hash. A picture pdfkit cannot read
 * stops the run with CardImageError: a print run with a silently missing logo
 * costs more than a failed job whose message says which picture to replace.
 */
export class ImageCache {
  private readonly byArray = new WeakMap<Uint8Array, OpenedImage>();
  private readonly byHash = new Map<string, OpenedImage>();

  constructor(private readonly doc: PDFKit.PDFDocument) {}

  get(bytes: Uint8Array, what: 'logo' | 'photo'): OpenedImage {
    const known = this.byArray.get(bytes);
    if (known) return known;
    const hash = createHash('sha1').update(bytes).digest('base64');
    let image = this.byHash.get(hash);
    if (!image) {
      try {
        image = (this.doc as unknown as { openImage(src: Uint8Array): OpenedImage }).openImage(bytes);
      } catch (err) {
        throw new CardImageError(what, err);
      }
      this.byHash.set(hash, image);
    }
    this.byArray.set(bytes, image);
    return image;
  }
}

/** pdfkit's image() takes an opened image at runtime; its types only know bytes and paths. */
export const asImageSrc = (image: OpenedImage) => image as unknown as Buffer;
