import type { Express } from 'express';
import { badRequest, ipAddress } from '@account-security/shared';
import { GeoDatabase, resolveGeo } from '../domain/resolve-geo';

/**
 * `GET /v1/ip/{ip}` → the `geo` object. Open to anyone: it says where an address is, nothing
 * about any player.
 */
export function ipRoutes(geoip: GeoDatabase) {
  return (app: Express) => {
    app.get('/v1/ip/:ip', (req, res) => {
      // The same rule as the events' `ip`, so the API accepts exactly what the consumer would.
      const parsed = ipAddress.safeParse(req.params.ip);
      if (!parsed.success) throw badRequest('params.ip', parsed.error.issues[0]?.message ?? 'invalid');
      res.json(resolveGeo(parsed.data, geoip));
    });
  };
}
