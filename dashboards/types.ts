/** A dashboard as provisioned: its Grafana folder and its JSON model. */
export interface DashboardFile {
  uid: string;
  folder: string;
  json: object;
}
