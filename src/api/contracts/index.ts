import type { RouteContract } from '../contract.ts';
import { authContracts } from './auth.ts';

/**
 * Every schema-first route's contract, for the OpenAPI document (openapi.ts). Routes not listed
 * here are still described by hand in openapi*.ts.
 */
export const ALL_CONTRACTS: readonly RouteContract[] = [...authContracts];
