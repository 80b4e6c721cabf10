import * as pulumi from "@pulumi/pulumi";
import { ServiceArgs, ServiceComponent } from "../service";
import { nodeExporterSpec } from "./spec";

export class NodeExporter extends ServiceComponent {
  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("NodeExporter", name, nodeExporterSpec, args, opts);
  }
}
