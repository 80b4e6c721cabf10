import { counter, gauge, histogram } from "../types";

/** Alertmanager's own metrics (job `alertmanager`), as of 0.31. */

export const alertmanagerNotificationsTotal = counter(
  "alertmanager_notifications_total",
  "Notifications attempted, by integration (slack, pagerduty, webhook, ...).",
  ["integration"] as const,
);

/** `reason` says what failed: clientError, serverError, other. */
export const alertmanagerNotificationsFailedTotal = counter(
  "alertmanager_notifications_failed_total",
  "Notifications that failed, by integration and reason.",
  ["integration", "reason"] as const,
);

export const alertmanagerNotificationRequestsTotal = counter(
  "alertmanager_notification_requests_total",
  "Requests to integrations, retries included.",
  ["integration"] as const,
);

export const alertmanagerNotificationRequestsFailedTotal = counter(
  "alertmanager_notification_requests_failed_total",
  "Requests to integrations that failed, retries included.",
  ["integration"] as const,
);

export const alertmanagerNotificationLatencySeconds = histogram(
  "alertmanager_notification_latency_seconds",
  "Time to deliver a notification.",
  ["integration"] as const,
  [1, 5, 10, 15, 20],
);

export const alertmanagerConfigLastReloadSuccessful = gauge(
  "alertmanager_config_last_reload_successful",
  "1 when the last configuration reload succeeded.",
  [] as const,
);
