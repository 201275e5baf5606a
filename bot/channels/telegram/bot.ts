import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';

export interface TelegramConfig {
  token: string;
  username: string;
  apiRoot: string;
}

/**
 * A grammY Bot that needs no getMe call at start: its identity follows from
 * the token (the id before the colon) and the configured username. apiRoot lets
 * a municipality use a self-hosted Bot API server - and tests a fake one.
 */
export function createTelegramBot(cfg: TelegramConfig): Bot {
  const botInfo = {
    id: Number(cfg.token.split(':')[0]),
    is_bot: true,
    first_name: cfg.username,
    username: cfg.username,
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  } as UserFromGetMe;
  return new Bot(cfg.token, { botInfo, client: { apiRoot: cfg.apiRoot } });
}

export function telegramDeepLink(username: string, token: string): string {
  return `https://t.me/${username}?start=${token}`;
}
