import { RulePack } from "../types";
import { alertmanagerPack } from "./alertmanager";
import { apiPack } from "./api";
import { billingPack } from "./billing";
import { businessPack } from "./business";
import { containersPack } from "./containers";
import { databasePack } from "./database";
import { dependenciesPack } from "./dependencies";
import { errorTrackingPack } from "./error-tracking";
import { hostPack } from "./host";
import { jaegerPack } from "./jaeger";
import { kubernetesPack } from "./kubernetes";
import { llmPack } from "./llm";
import { lokiPack } from "./loki";
import { otelCollectorPack } from "./otel-collector";
import { prometheusPack } from "./prometheus";
import { securityPack } from "./security";
import { stackPack } from "./stack";
import { supportPack } from "./support";

/** Every rule pack the product ships; stack config enables them by name. */
export const RULE_PACKS: readonly RulePack[] = [
  stackPack,
  apiPack,
  billingPack,
  llmPack,
  securityPack,
  businessPack,
  databasePack,
  dependenciesPack,
  supportPack,
  hostPack,
  containersPack,
  kubernetesPack,
  prometheusPack,
  alertmanagerPack,
  lokiPack,
  otelCollectorPack,
  jaegerPack,
  errorTrackingPack,
];

export const RULE_PACK_NAMES = RULE_PACKS.map((pack) => pack.name);
