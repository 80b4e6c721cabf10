import { Settings } from "../../config/settings";
import { baseSpec, ServiceSpec } from "../spec";

const HOST_ROOT = "/host";

export function nodeExporterSpec(settings: Settings): ServiceSpec {
  return baseSpec(settings, "nodeExporter", {
    args: [
      // --web.listen-address: the platform adds it (spec.hostNetwork), with the host's address.
      `--path.rootfs=${HOST_ROOT}`,
      "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/docker/.+)($|/)",
    ],
    hostMounts: [{ name: "host-root", hostPath: "/", mountPath: HOST_ROOT }],
  });
}
