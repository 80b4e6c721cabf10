import { Settings } from "../../config/settings";
import { CATALOG } from "../catalog";
import { baseSpec, ServiceSpec } from "../spec";

const HOST_ROOT = "/host";

export function nodeExporterSpec(settings: Settings): ServiceSpec {
  return baseSpec(settings, "nodeExporter", {
    args: [
      `--path.rootfs=${HOST_ROOT}`,
      `--web.listen-address=:${CATALOG.nodeExporter.ports.http.port}`,
      "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/docker/.+)($|/)",
    ],
    hostMounts: [{ name: "host-root", hostPath: "/", mountPath: HOST_ROOT }],
  });
}
