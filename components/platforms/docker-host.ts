/**
 * How the containers of a Docker stack reach a component on the host's network
 * (ComponentDefinition.hostNetwork, node-exporter): by this name, which the Docker
 * platform maps (`--add-host`) to the gateway of the stack's network, the host's address on
 * it. The gateway, not `host-gateway`: that is the default bridge's address (or the engine's
 * `--host-gateway-ip`), which an engine started with `--bridge=none` does not have, and it
 * would be reached across networks. Plain data, so the Prometheus config can name it.
 */
export const DOCKER_HOST_ALIAS = "host.docker.internal";
