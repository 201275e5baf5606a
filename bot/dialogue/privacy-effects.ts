import type { ChannelName, InboundEvent } from '../../core/channel.js';
import { hashesToCheck, suppressionValue, type SuppressionKeys } from '../../core/suppression.js';
import type { Tx } from '../../db/client.js';
import { recordEvent } from '../../db/queries/events.js';
import { withdrawConsentInChat } from '../../db/queries/held-data.js';
import { anyStored, forgetSuppression } from '../../db/queries/suppression.js';
import { CHOICE } from './choices.js';
import { matchKeyword } from './keywords.js';
import type { DialogueOutcome } from './types.js';

/**
 * What the privacy dialogue (privacy-dialogue.ts) changes in the database, in
 * the inbound turn's transaction (service.ts): the suppression of a messenger
 * account, a consent withdrawn in the chat - and whether a turn needs to know
 * what is held at all (only when asked; not on the hot path).
 */

const identityHashes = (keys: SuppressionKeys, channel: ChannelName, ids: readonly string[]) =>
  ids.flatMap((id) => hashesToCheck(keys, 'channel', suppressionValue.channel(channel, id)));

/** A messenger account that opted out before (its contact erased since): asked whether to start again. */
export function optedOutBefore(tx: Tx, keys: SuppressionKeys, channel: ChannelName, ids: readonly string[]): Promise<boolean> {
  return anyStored(tx, identityHashes(keys, channel, ids));
}

/** The privacy questions need what is held (by category); nothing else reads it. */
export function asksAboutData(state: string, event: InboundEvent): boolean {
  if (state === 'privacy' || state === 'consent_withdraw') return true;
  if (event.type === 'choice') return event.choice === CHOICE.privacy || event.choice === CHOICE.consentWithdraw || event.choice.startsWith(CHOICE.withdrawPrefix);
  return event.type === 'text' && matchKeyword(event.text) === 'privacy';
}

/** Does this outcome change anything here (so the turn's COMMIT must wait for it)? */
export const hasPrivacyEffects = (o: DialogueOutcome) => o.restart || o.withdrawConsentId !== null;

export async function applyPrivacyEffects(
  tx: Tx,
  keys: SuppressionKeys,
  o: DialogueOutcome,
  at: {
    channel: ChannelName;
    ids: readonly string[];
    youngsterId: string | null;
    municipalityId: string | null;
    monitoringKey: string | null;
    conversationId: string;
    now: Date;
  },
): Promise<void> {
  // A fresh start: this account is no longer "asked for no contact" (the old contact is long erased).
  if (o.restart) await forgetSuppression(tx, identityHashes(keys, at.channel, at.ids));
  if (o.withdrawConsentId && at.youngsterId) {
    const w = await withdrawConsentInChat(tx, at.youngsterId, o.withdrawConsentId, at.now);
    if (w) {
      await recordEvent(tx, {
        type: 'consent.withdrawn',
        municipalityId: at.municipalityId,
        subject: at.monitoringKey,
        conversationId: at.conversationId,
        data: { kind: w.kind, category: w.category, via: 'chat' },
      });
    }
  }
}
