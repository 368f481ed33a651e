// The dashboard transport's public surface.
export { createDashboardServer, type DashboardOptions, type DashboardServer } from './server';
export { loadOrCreateToken, TOKEN_FILE } from './token';
