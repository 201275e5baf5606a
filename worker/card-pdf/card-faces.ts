import { BACK_MM, CARD_FONTS, CARD_MM, FRONT_MM, PALETTE, SAFE_MM, TYPE_PT, cardText } from '../../templates/cards/index.js';
import { ink, textOn, tint } from './colours.js';
import { ImageCache, asImageSrc } from './images.js';
import { drawQr } from './qr-vector.js';
import { TextFitter, cleanText, type FittedText } from './text-fit.js';
import { mm, type Box, type CardFace, type Cmyk, type FacePlacement } from './types.js';

const BOLD = CARD_FONTS.bold;
const REGULAR = CARD_FONTS.regular;
/** Width of the text column: the card minus the safe margin on both sides. */
const COLUMN_MM = CARD_MM.width - 2 * SAFE_MM;

/** The colours and words every face of one card needs, worked out once. */
interface FaceContext {
  face: CardFace;
  primary: Cmyk;
  accent: Cmyk;
  onPrimary: Cmyk;
  /** Headings in the municipality's colour when it is dark enough to read on white. */
  heading: Cmyk;
  vars: Record<string, string>;
  /** No coach's name on the card: it speaks for the team of jongerencoaches. */
  team: boolean;
  /** Where backgrounds go: the trim plus bleed on a6 pages, the trim minus the white frame on 4-up sheets. */
  paint: Box;
  x: (fromLeftMm: number) => number;
  y: (fromTopMm: number) => number;
}

/** Draws card fronts and backs into one document; holds its image cache and text fitter. */
export class CardPainter {
  readonly fitter: TextFitter;
  private readonly images: ImageCache;

  constructor(private readonly doc: PDFKit.PDFDocument) {
    this.fitter = new TextFitter(doc);
    this.images = new ImageCache(doc);
  }

  front(face: CardFace, at: FacePlacement): void {
    const c = context(face, at);
    const { doc, fitter } = this;
    const lang = face.language;
    const column = mm(COLUMN_MM);

    // The municipality's band, with the logo on a white chip: logos are made for white paper.
    const bandBottom = c.y(FRONT_MM.bandHeight);
    doc.rect(c.paint.x, c.paint.y, c.paint.width, bandBottom - c.paint.y).fill(c.primary);
    doc.rect(c.paint.x, bandBottom, c.paint.width, mm(FRONT_MM.accentStripe)).fill(c.accent);
    const bandTop = Math.max(at.trim.y, c.paint.y);
    const bandMiddle = (bandTop + bandBottom) / 2;
    let nameRight = c.x(CARD_MM.width - SAFE_MM);
    if (face.municipality.logo) {
      const img = this.images.get(face.municipality.logo, 'logo');
      const box = FRONT_MM.logoBox;
      const scale = Math.min(mm(box.width - 2 * box.padding) / img.width, mm(box.height - 2 * box.padding) / img.height);
      const [w, h] = [img.width * scale, img.height * scale];
      const chip = { w: w + mm(2 * box.padding), h: h + mm(2 * box.padding) };
      const chipX = nameRight - chip.w;
      const chipY = bandMiddle - chip.h / 2;
      doc.roundedRect(chipX, chipY, chip.w, chip.h, mm(box.radius)).fill(ink(PALETTE.white));
      doc.image(asImageSrc(img), chipX + mm(box.padding), chipY + mm(box.padding), { width: w, height: h });
      nameRight = chipX - mm(4);
    }
    const muniWidth = nameRight - c.x(SAFE_MM);
    const muni = fitter.fitOneLineFirst(
      cardText(lang, 'front.municipality', c.vars),
      { font: BOLD, ...TYPE_PT.municipality, width: muniWidth, maxHeight: bandBottom - bandTop - mm(8), maxLines: 2 },
      10,
    );
    fitter.draw(muni, c.x(SAFE_MM), bandMiddle - muni.height / 2, muniWidth, { color: c.onPrimary });

    // "Hoi Sigfrid," the coach's message and where to go next, centred between band and panel:
    // a short name leaves air above and below instead of one gap at the bottom.
    const name = cleanText(face.firstName);
    const greeting = name ? cardText(lang, 'front.greeting', { name }) : cardText(lang, 'front.greetingNoName');
    const g = fitter.fit(greeting, { font: BOLD, ...TYPE_PT.greeting, width: column, maxHeight: mm(FRONT_MM.greetingMaxHeight), maxLines: 3 });
    const turnOver = fitter.fit(cardText(lang, 'front.turnOver'), { font: BOLD, max: TYPE_PT.turnOver, min: 6, width: column, maxHeight: 40, maxLines: 1 });
    const panelTop = c.y(FRONT_MM.panel.top);
    const top = bandBottom + mm(FRONT_MM.accentStripe + FRONT_MM.gapBelowBand);
    const bottom = panelTop - mm(FRONT_MM.gapAbovePanel);
    const gaps = mm(FRONT_MM.gapAfterGreeting + FRONT_MM.gapBeforeTurnOver);
    const message = fitter.fit(cardText(lang, c.team ? `front.message.${face.variant}.team` : `front.message.${face.variant}`, c.vars), {
      font: REGULAR,
      ...TYPE_PT.body,
      width: column,
      maxHeight: bottom - top - g.height - turnOver.height - gaps,
    });
    const total = g.height + message.height + turnOver.height + gaps;
    let y = top + Math.max(0, (bottom - top - total) / 2);
    y = fitter.draw(g, c.x(SAFE_MM), y, column, { color: c.heading }) + mm(FRONT_MM.gapAfterGreeting);
    y = fitter.draw(message, c.x(SAFE_MM), y, column, { color: ink(PALETTE.text) }) + mm(FRONT_MM.gapBeforeTurnOver);
    fitter.draw(turnOver, c.x(SAFE_MM), y, column, { color: c.heading });

    this.coachPanel(c, panelTop);
  }

  /** The coach: photo (or initial), name, phone and e-mail on a light tint of the accent colour. */
  private coachPanel(c: FaceContext, top: number): void {
    const { doc, fitter } = this;
    const { coach } = c.face;
    const p = FRONT_MM.panel;
    const x = c.x(SAFE_MM);
    const width = mm(COLUMN_MM);
    const height = mm(p.bottom - p.top);
    doc.roundedRect(x, top, width, height, mm(p.radius)).fill(tint(c.accent, PALETTE.panelTint));

    const d = mm(FRONT_MM.photoDiameter);
    const cx = x + mm(p.padding) + d / 2;
    const cy = top + height / 2;
    const coachName = c.vars.coach!;
    if (coach.photo) {
      const img = this.images.get(coach.photo, 'photo');
      doc.save();
      doc.circle(cx, cy, d / 2).clip();
      doc.image(asImageSrc(img), cx - d / 2, cy - d / 2, { cover: [d, d], align: 'center', valign: 'center' });
      doc.restore();
    } else {
      // No photo: the initial on a disc, so the panel looks finished, not like a missing picture (a smile for the team).
      doc.circle(cx, cy, d / 2).fill(c.accent);
      const initial = c.team ? '☺' : (Array.from(new Intl.Segmenter('nl').segment(coachName))[0]?.segment ?? '');
      const letter = fitter.fit(initial.toLocaleUpperCase('nl'), { font: BOLD, max: TYPE_PT.initial, min: 10, width: d * 0.8, maxHeight: d, maxLines: 1 });
      fitter.draw(letter, cx - d / 2, cy - letter.height / 2, d, { color: textOn(c.accent), align: 'center' });
    }

    const left = cx + d / 2 + mm(4);
    const column = x + width - mm(p.padding) - left;
    const lang = c.face.language;
    const blocks: { fit: FittedText; color: Cmyk; gapBefore: number; icon?: string }[] = [];
    blocks.push({
      fit: fitter.fit(c.team ? cardText(lang, 'front.teamName') : coachName, { font: BOLD, ...TYPE_PT.coachName, width: column, maxHeight: mm(12), maxLines: 2 }),
      color: c.heading,
      gapBefore: 0,
    });
    blocks.push({
      fit: fitter.fit(cardText(lang, c.team ? 'front.municipality' : 'front.coachRole', c.vars), {
        font: REGULAR,
        max: TYPE_PT.coachRole,
        min: 6,
        width: column,
        maxHeight: 20,
        maxLines: 1,
      }),
      color: ink(PALETTE.muted),
      gapBefore: 0,
    });
    const iconWidth = mm(4.5);
    const contact = (icon: string, value: string | null, maxLines: number) => {
      const text = value ? cleanText(value) : '';
      if (!text) return;
      const fit = fitter.fit(text, { font: REGULAR, ...TYPE_PT.contact, width: column - iconWidth, maxHeight: mm(9), maxLines });
      blocks.push({ fit, color: ink(PALETTE.text), gapBefore: blocks.length === 2 ? mm(2.5) : mm(0.8), icon });
    };
    contact('☎', coach.phone, 1);
    contact('✉', coach.email, 2);

    const total = blocks.reduce((sum, b) => sum + b.gapBefore + b.fit.height, 0);
    let y = Math.max(top + mm(p.padding), cy - total / 2);
    for (const b of blocks) {
      y += b.gapBefore;
      if (b.icon) {
        const icon = fitter.fit(b.icon, { font: REGULAR, max: b.fit.size, min: b.fit.size, width: iconWidth, maxHeight: 100, maxLines: 1 });
        fitter.draw({ ...icon, lineHeight: b.fit.lineHeight, height: b.fit.lineHeight }, left, y, iconWidth - mm(1), { color: c.heading, align: 'center' });
        fitter.draw(b.fit, left + iconWidth, y, column - iconWidth, { color: b.color });
      } else {
        fitter.draw(b.fit, left, y, column, { color: b.color });
      }
      y += b.fit.height;
    }
  }

  back(face: CardFace, at: FacePlacement): void {
    const c = context(face, at);
    const { fitter } = this;
    const doc = this.doc;
    const lang = face.language;
    const column = mm(COLUMN_MM);
    const left = c.x(SAFE_MM);
    const centre = (fit: FittedText, y: number, color: Cmyk) => fitter.draw(fit, left, y, column, { color, align: 'center' });

    const bandTop = c.y(CARD_MM.height - BACK_MM.bandHeight);
    const paintBottom = c.paint.y + c.paint.height;
    doc.rect(c.paint.x, bandTop, c.paint.width, paintBottom - bandTop).fill(c.primary);
    doc.rect(c.paint.x, bandTop - mm(BACK_MM.accentStripe), c.paint.width, mm(BACK_MM.accentStripe)).fill(c.accent);
    const bandText = fitter.fit(cardText(lang, 'back.band', c.vars), { font: BOLD, ...TYPE_PT.bandText, width: column, maxHeight: 40, maxLines: 1 });
    const bandBottom = Math.min(paintBottom, at.trim.y + at.trim.height);
    centre(bandText, (bandTop + bandBottom) / 2 - bandText.height / 2, c.onPrimary);

    const title = fitter.fit(cardText(lang, c.team ? 'back.titleTeam' : 'back.title', c.vars), { font: BOLD, ...TYPE_PT.backTitle, width: column, maxHeight: mm(14), maxLines: 2 });
    let y = centre(title, c.y(BACK_MM.titleTop), c.heading);
    const scan = fitter.fit(cardText(lang, 'back.scan'), { font: REGULAR, max: TYPE_PT.backBody, min: 7, width: column, maxHeight: mm(9), maxLines: 2 });
    y = centre(scan, y + mm(0.5), ink(PALETTE.text));

    const side = mm(BACK_MM.qrSize);
    const qrTop = Math.max(c.y(BACK_MM.qrTop), y + mm(1));
    drawQr(doc, face.url, at.trim.x + (at.trim.width - side) / 2, qrTop, side);
    y = qrTop + side;

    const small = { font: REGULAR, max: 8.5, min: 6.5, width: column, maxHeight: mm(8), maxLines: 1 };
    y = centre(fitter.fit(cardText(lang, 'back.noCamera'), small), y, ink(PALETTE.muted));
    const link = fitter.fit(printedUrl(face.shortUrl), { font: BOLD, ...TYPE_PT.shortUrl, width: column, maxHeight: mm(10), maxLines: 2 });
    y = centre(link, y, c.heading);
    y = centre(fitter.fit(cardText(lang, 'back.codeIntro'), { ...small, max: TYPE_PT.backBody }), y + mm(2.5), ink(PALETTE.text));
    const code = fitter.fit(face.shortCode, { font: BOLD, ...TYPE_PT.shortCode, width: column, maxHeight: mm(10), maxLines: 1 });
    y = centre(code, y, c.heading);

    // From the band upwards: saying no is fine, and where to read about your data.
    const privacy = fitter.fit(cardText(lang, 'back.privacy', { privacyUrl: printedUrl(face.privacyUrl) }), {
      font: REGULAR,
      ...TYPE_PT.small,
      width: column,
      maxHeight: mm(9),
      maxLines: 3,
    });
    const privacyTop = bandTop - mm(BACK_MM.accentStripe + 3.5) - privacy.height;
    // Whatever room the code above left: with every text at its longest the stop line shrinks rather than overlaps.
    const stopRoom = Math.min(mm(10), privacyTop - mm(1.5) - (y + mm(1)));
    const stop = fitter.fit(cardText(lang, 'back.stop'), { font: BOLD, ...TYPE_PT.stop, width: column, maxHeight: stopRoom, maxLines: 2 });
    centre(stop, privacyTop - mm(1.5) - stop.height, ink(PALETTE.text));
    centre(privacy, privacyTop, ink(PALETTE.muted));
  }
}

function context(face: CardFace, at: FacePlacement): FaceContext {
  const primary = ink(face.municipality.primary);
  const onPrimary = textOn(primary);
  const grow = at.bleed - at.frame;
  const municipality = cleanText(face.municipality.name).replace(/^gemeente\s+/i, '');
  const coach = cleanText(face.coach.firstName);
  return {
    face,
    primary,
    accent: ink(face.municipality.accent),
    onPrimary,
    heading: onPrimary.every((v) => v === 0) ? primary : ink(PALETTE.text),
    vars: { coach, municipality },
    team: coach === '',
    paint: { x: at.trim.x - grow, y: at.trim.y - grow, width: at.trim.width + 2 * grow, height: at.trim.height + 2 * grow },
    x: (v) => at.trim.x + mm(v),
    y: (v) => at.trim.y + mm(v),
  };
}

/** Links are typed by hand from the card: no scheme, no trailing slash. */
export function printedUrl(url: string): string {
  return cleanText(url).replace(/^https?:\/\//i, '').replace(/\/$/, '');
}
