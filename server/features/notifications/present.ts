// Webhooks and their deliveries on the wire (shared/api/answers.ts). A webhook's secret is never
// answered: it is given once, by whoever registers the receiver.
import type { DeliveryAnswer, WebhookAnswer } from '../../../shared/api/answers.js';
import type { NotificationEvent } from '../../../shared/domain/notifications.js';
import type { DeliveryRow, WebhookRow } from './store.js';

export const presentWebhook = (h: WebhookRow): WebhookAnswer => ({
  id: h.id,
  node: h.node,
  url: h.url,
  events: JSON.parse(h.events) as NotificationEvent[],
  createdBy: h.created_by,
  createdAt: h.created_at,
});

export const presentDelivery = (d: DeliveryRow): DeliveryAnswer => ({
  id: d.id,
  webhook: d.webhook_id,
  event: d.event as NotificationEvent,
  status: d.status as DeliveryAnswer['status'],
  attempts: d.attempts,
  createdAt: d.created_at,
  nextAttemptAt: d.status === 'pending' ? d.next_at : null,
  lastAttemptAt: d.last_attempt_at,
  lastStatus: d.last_status,
  lastError: d.last_error,
  deliveredAt: d.delivered_at,
});
