/** WhatsApp channel adapter (Baileys 7). Wiring is described in bot/channels/whatsapp/README.md. */
export { usePostgresAuthState, type PostgresAuthState } from './auth-state.js';
export { extractCardToken } from './card-token.js';
export {
  createWhatsAppConnection,
  type WhatsAppConnection,
  type WhatsAppConnectionDeps,
  type WhatsAppStatus,
} from './connection.js';
export { disconnectCode } from './errors.js';
export { MEDIA_MARKER, VOICE_MARKER, toInboundEnvelope } from './inbound-message.js';
export { acquireSessionLock, type SessionLock, type SessionLockOptions } from './lock.js';
export {
  DEFAULT_MENU_INSTRUCTION,
  createWhatsAppSender,
  renderNumberedMenu,
  type WhatsAppSenderDeps,
} from './sender.js';
export { baileysSocketFactory, type MakeSocket, type MakeSocketOptions, type SocketLike } from './socket.js';
