import type { TokenVerifier } from '@account-security/shared';
import type { Express } from 'express';
import type { AppContext } from '../../application/context';
import { registerAccountRoutes } from './account-routes';
import { registerUnlockRoutes } from './unlock-routes';

export function registerRoutes(app: Express, ctx: AppContext, verify: TokenVerifier): void {
  registerAccountRoutes(app, ctx, verify);
  registerUnlockRoutes(app, ctx);
}
