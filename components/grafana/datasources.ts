/** Datasource uids: dashboards and links refer to datasources by these, never by name. */
export const DATASOURCE_UIDS = {
  prometheus: "prometheus",
  loki: "loki",
  jaeger: "jaeger",
  alertmanager: "alertmanager",
} as const;
export type DatasourceUid = (typeof DATASOURCE_UIDS)[keyof typeof DATASOURCE_UIDS];

/** Log fields that carry the IDs which tie a log line to its trace and its request. */
export { CORRELATION_FIELDS } from "../../telemetry/correlation";
