import type { RenderedFile } from "../../components/render";
import { Settings } from "../../config/settings";
import { manifestFiles } from "./files";
import { recordKubernetesObjects } from "./record";

export { MANIFESTS_DIR } from "./files";
export type { KubernetesObject } from "./record";
export { recordKubernetesObjects } from "./record";

/** The Kubernetes objects a Kubernetes stack's program applies, as render's files. */
export async function kubernetesManifests(settings: Settings): Promise<RenderedFile[]> {
  return manifestFiles(await recordKubernetesObjects(settings));
}
