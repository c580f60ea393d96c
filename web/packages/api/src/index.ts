// The typed clients of the three public APIs, behind the one origin the apps are served from.
import { type ClientOptions, createClient } from './client.ts';
import type { paths as CatalogPaths } from './generated/catalog.ts';
import type { paths as ManagePaths } from './generated/manage.ts';
import type { paths as SalesPaths } from './generated/sales.ts';

export type { Client, ClientOptions, HttpMethod, RequestOptions, SuccessBody } from './client.ts';
export { createClient, expandPath, queryString } from './client.ts';
export { ApiError, type ErrorDetail, errorDetailOf } from './error.ts';
export type * as Catalog from './generated/catalog.ts';
export type * as Manage from './generated/manage.ts';
export type * as Sales from './generated/sales.ts';
export * from './sse.ts';
export type { CatalogPaths, ManagePaths, SalesPaths };

export interface BoxofficeApi {
  /** command-service, /api/manage: organisations, venues, events, sessions (signed in). */
  manage: ReturnType<typeof createClient<ManagePaths>>;
  /** query-service, /api/catalog: the public catalogue and seat maps. */
  catalog: ReturnType<typeof createClient<CatalogPaths>>;
  /** order-service, /api/sales and /api/check-in: holds, orders, tickets, scans. */
  sales: ReturnType<typeof createClient<SalesPaths>>;
}

export function createBoxofficeApi(options: ClientOptions = {}): BoxofficeApi {
  return {
    manage: createClient<ManagePaths>(options),
    catalog: createClient<CatalogPaths>(options),
    sales: createClient<SalesPaths>(options),
  };
}
