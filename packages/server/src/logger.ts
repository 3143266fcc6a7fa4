/**
 * The server's logger. Request lines carry the path without its query string:
 * a query may hold a credential (a media element cannot send headers), and
 * credentials never go to logs.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

/** LOG_FORMAT: JSON lines for machines, or readable lines (pino-pretty, in this process: no worker thread). */
export type LogFormat = 'json' | 'pretty';

interface RequestLike {
  method?: string;
  url?: string;
  socket?: { remoteAddress?: string };
}

export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
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
  const out = destination ?? (format === 'pretty' ? pinoPretty({ colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }) : undefined);
  return out ? pino(options, out) : pino(options);
}
