export type CardLayout = 'a6' | 'a4';
/** Per ink, 0-100. */
export type Cmyk = [number, number, number, number];

export interface CardFace {
  /** entrepreneur: the youngster is KvK-registered (own business); the text speaks to that. */
  variant: 'regular' | 'entrepreneur';
  language: 'nl' | 'en';
  /** The youngster's first name: "Hoi Sigfrid". */
  firstName: string;
  coach: { firstName: string; phone: string | null; email: string | null; photo: Uint8Array | null /* JPEG or PNG */ };
  municipality: { name: string; primary: Cmyk; accent: Cmyk; logo: Uint8Array | null /* PNG or JPEG */ };
  /** PUBLIC_URL/k/<token>: what the QR code holds. */
  url: string;
  /** PUBLIC_URL/c/<short code>: typed out under the QR code (printed without https://). */
  shortUrl: string;
  /** e.g. '7K3M-9QXD': a person can type it into the chat. */
  shortCode: string;
  privacyUrl: string;
  /** For the address sheet (window envelope); null = no address page for this card. */
  address: { name: string; lines: string[] } | null;
}

export interface RenderOptions {
  layout: CardLayout;
  addressSheets: boolean;
  /** Called with the number of cards drawn so far (per card on a6, per sheet of four on a4). */
  onProgress?: (done: number) => void;
}

export interface RenderResult {
  pages: number;
  cards: number;
}

/** A rectangle in PDF points, top-left origin (pdfkit's user space). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where one card face is drawn on a page. */
export interface FacePlacement {
  /** The trimmed card. */
  trim: Box;
  /** How far backgrounds run past the trim (bleed), in points; 0 on 4-up sheets. */
  bleed: number;
  /** White frame inside the trim that backgrounds stay out of (4-up sheets), in points. */
  frame: number;
}

export const PT_PER_MM = 72 / 25.4;
export const mm = (value: number) => value * PT_PER_MM;
