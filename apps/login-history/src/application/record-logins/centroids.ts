import countries from 'world-countries';
import type { Place } from '../../domain/features';

/**
 * Each country's centroid (latlng of the `world-countries` package, ODbL-1.0), loaded once: the
 * place of a login whose geo has no city-database coordinates.
 */
const CENTROIDS: ReadonlyMap<string, Place> = new Map(
  countries
    .filter((c) => Array.isArray(c.latlng) && c.latlng.length === 2)
    .map((c) => [c.cca2, { latitude: c.latlng[0], longitude: c.latlng[1], source: 'country' as const }]),
);

export const centroidOf = (country: string | null): Place | null =>
  (country !== null && CENTROIDS.get(country)) || null;
