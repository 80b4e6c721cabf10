import { Settings } from "../../config/settings";
import { CATALOG } from "../catalog";
import { baseSpec, ServiceSpec } from "../spec";

export function cadvisorSpec(settings: Settings): ServiceSpec {
  return baseSpec(settings, "cadvisor", {
    args: [
      `--port=${CATALOG.cadvisor.ports.http.port}`,
      "--housekeeping_interval=15s",
      "--docker_only=false",
      "--store_container_labels=false",
      // Per-process and per-disk detail multiplies series without serving any alert or panel.
      // The list replaces cAdvisor's default one, so it repeats the kinds that one disables.
      "--disable_metrics=percpu,process,sched,tcp,udp,advtcp,diskIO,hugetlb,referenced_memory,resctrl,cpu_topology,cpuset,memory_numa,perf_event",
    ],
    hostMounts: [
      { name: "rootfs", hostPath: "/", mountPath: "/rootfs" },
      { name: "var-run", hostPath: "/var/run", mountPath: "/var/run" },
      { name: "sys", hostPath: "/sys", mountPath: "/sys" },
      { name: "docker", hostPath: "/var/lib/docker", mountPath: "/var/lib/docker" },
    ],
  });
}
