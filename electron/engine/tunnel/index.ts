// The tunnel's public surface.
export { createTunnel, planTunnel, type TunnelOptions } from './service';
export type { NgrokLike, Connector } from './ngrokAdapter';
