// Process-wide webhook settings the services need (from the configuration, set once at start):
// which hosts may be private, and the key that seals signing secrets at rest.
import type { EndpointPolicy } from '../connectors/webhook-endpoint.connector.js';

export interface WebhookSettings extends EndpointPolicy {
  /** AES-256-GCM key for the stored secrets; absent, they are stored as they are. */
  secretKey?: Buffer;
}

let settings: WebhookSettings = { allowedHosts: [] };

/** Sets the settings (the server does, from WEBHOOK_ALLOWED_HOSTS and WEBHOOK_SECRET_KEY). */
export function configureWebhooks(next: WebhookSettings): void {
  settings = { allowedHosts: [...next.allowedHosts], secretKey: next.secretKey };
}

export const webhookSettings = (): WebhookSettings => settings;

/** Listeners told that webhook work was queued in this process (a ping, a redelivery), so it starts now. */
const wakers = new Set<() => void>();

export function onWebhookWork(listener: () => void): () => void {
  wakers.add(listener);
  return () => wakers.delete(listener);
}

export function notifyWebhookWork(): void {
  for (const wake of wakers) wake();
}

/** How long a rotated-out secret keeps signing beside the new one, unless asked otherwise; a week at most. */
export const DEFAULT_SECRET_OVERLAP_HOURS = 24;
export const MAX_SECRET_OVERLAP_HOURS = 168;
