/** 004 "Request Flow Analysis": where requests go, how fast, how many fail. */
import { Settings } from "../../config/settings";
import { httpRequestsTotal } from "../../metrics/application";
import { environmentVariable, serviceVariable } from "../common";
import { buildDashboard } from "../layout";
import {
  errorRatioByService,
  errorsByType,
  latencyP95ByService,
  latencyPercentiles,
  requestRateByService,
  responsesByStatus,
  serviceReadiness,
  slowestRoutes,
  topRoutes,
} from "../panels/http";

export const REQUEST_FLOW_UID = "request-flow";

export function requestFlowDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: REQUEST_FLOW_UID,
    title: "Request Flow Analysis",
    folder: "Services",
    tags: ["services", "http"],
    description: "Request rates, response time percentiles, errors and top routes per service.",
    variables: [environmentVariable(settings), serviceVariable(httpRequestsTotal)],
    rows: [
      { panels: [serviceReadiness()] },
      { title: "Traffic", panels: [requestRateByService(), responsesByStatus()] },
      {
        title: "Response time",
        panels: [latencyPercentiles(), latencyP95ByService(settings)],
      },
      { title: "Errors", panels: [errorRatioByService(settings), errorsByType()] },
      { title: "Routes", panels: [topRoutes(), slowestRoutes()] },
    ],
  });
}
