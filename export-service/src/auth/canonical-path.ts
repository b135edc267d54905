import type { RequestHandler } from 'express';
import { BadRequestError, NotFoundError } from '../http/errors';

/**
 * Refuses (404) a path with a `.` or `..` segment, an empty one, or an encoded "/" in a segment (and a
 * malformed %-escape with a 400). Grafana
 * checks a plugin-proxy route's reqAction on the path it matched and appends a `*` route's rest unescaped and
 * uncleaned (pkg/api/pluginproxy/pluginproxy.go): `logs/access/..%2Factivity` is checked as a read of access
 * logs and forwarded as `/api/v1/logs/access/../activity`. Express matches that literally and finds nothing,
 * but anything in front of the service that normalises paths (a reverse proxy) would serve activity logs;
 * so the service serves only paths that are what Grafana checked.
 */
export function requireCanonicalPath(): RequestHandler {
  return (req, _res, next) => {
    const path = req.originalUrl.split('?')[0] ?? '';
    const segments = path.split('/').slice(1);
    let malformed = false;
    const bad = segments.some((raw, i) => {
      let segment: string;
      try {
        segment = decodeURIComponent(raw);
      } catch {
        malformed = true;
        return true;
      }
      return (
        segment === '.' ||
        segment === '..' ||
        segment.includes('/') ||
        (raw === '' && i < segments.length - 1)
      );
    });
    if (malformed) {
      next(
        new BadRequestError('the path is not valid percent-encoding', [
          { field: '(path)', message: 'has a malformed %-escape' },
        ])
      );
      return;
    }
    next(bad ? new NotFoundError('no such route') : undefined);
  };
}
