import * as pulumi from "@pulumi/pulumi";
import { ServiceArgs, ServiceComponent } from "../service";
import { kubeStateMetricsSpec } from "./spec";

export class KubeStateMetrics extends ServiceComponent {
  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("KubeStateMetrics", name, kubeStateMetricsSpec, args, opts);
  }
}
