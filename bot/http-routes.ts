/**
 * What the web app mounts of bot/: the youngster-facing HTTP routes (card
 * landing page and web chat, the Telegram webhook) and how a youngster's
 * request is answered when it fails. The import rules let web/ import this
 * file of bot/ and nothing else (test/unit/import-rules.test.ts).
 */
export { webchatRoutes, type WebchatDeps } from './webchat/routes.js';
export { isYoungsterPath, sendYoungsterError } from './webchat/error-page.js';
export { telegramWebhookRoutes, type TelegramWebhook } from './channels/telegram/webhook-route.js';
