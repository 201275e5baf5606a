export interface CannedReply {
  /** Stable id, the same in every language. */
  id: string;
  /** What the coach sees in the list (staff UI is Dutch; English labels help the coach recognise the English text). */
  label: string;
  /** The text, with {voornaam}, {coach} and {datum}. */
  text: string;
}
