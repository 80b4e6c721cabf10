import { RulePack } from "../types";
import { apiPack } from "./api";
import { stackPack } from "./stack";

/** Every rule pack the product ships; stack config enables them by name. */
export const RULE_PACKS: readonly RulePack[] = [stackPack, apiPack];

export const RULE_PACK_NAMES = RULE_PACKS.map((pack) => pack.name);
