import { RulePack } from "../types";
import { apiPack } from "./api";
import { billingPack } from "./billing";
import { businessPack } from "./business";
import { databasePack } from "./database";
import { dependenciesPack } from "./dependencies";
import { hostPack } from "./host";
import { llmPack } from "./llm";
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
];

export const RULE_PACK_NAMES = RULE_PACKS.map((pack) => pack.name);
