/**
 * The server's logger. Request lines carry the path without its query string:
 * a query may hold a credential (a media element cannot send headers), and
 * credentials never go to logs.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

interface RequestLike {
  method?: string;
  url?: string;
  socket?: { remoteAddress?: string };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'parley' },
    serializers: {
      req: (req: RequestLike) => ({
        method: req.method,
        url: req.url?.split('?')[0],
        remoteAddress: req.socket?.remoteAddress,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
