import type { RouteDef } from '../http/route.js';
import { customerRoutes } from './v1/customers/routes.js';

/** Every API route, v1 and v2. Each resource module exports its own table. */
export function allRoutes(): RouteDef[] {
  return [...customerRoutes];
}
