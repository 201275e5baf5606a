export { renderCardsPdf } from './render-cards-pdf.js';
export { CardImageError } from './images.js';
export type { CardFace, CardLayout, Cmyk, RenderOptions, RenderResult } from './types.js';
