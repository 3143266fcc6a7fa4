/**
 * Reads how many TURN allocations a coturn holds, through its telnet CLI
 * (Debian's coturn 4.6 is built without the Prometheus exporter). The CLI
 * listens on loopback only, behind a random password (coturn-config.ts). Its
 * `ps` command ends with `Total sessions: N`: one session per client 5-tuple
 * that holds a relay, so N is the number of live allocations.
 */
import { connect } from 'node:net';

export interface CoturnCliAddress {
  host: string;
  port: number;
  password: string;
}

const TOTAL = /Total sessions: (\d+)/;

/** Logs in, runs `ps`, and resolves with its total; rejects after timeoutMs or if the CLI says something else. */
export function countCoturnAllocations(cli: CoturnCliAddress, timeoutMs = 1_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(cli.port, cli.host);
    let text = '';
    let step: 'password' | 'prompt' | 'ps' | 'done' = 'password';
    const finish = (error: Error | undefined, total?: number) => {
      step = 'done';
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(total as number);
    };
    const timer = setTimeout(() => finish(new Error(`coturn CLI: no answer to ps within ${timeoutMs} ms: ${JSON.stringify(text.slice(-200))}`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('error', (error) => finish(new Error(`coturn CLI: ${error.message}`, { cause: error })));
    socket.on('data', (chunk: string) => {
      text += chunk;
      // One line at a time: coturn reads whatever arrives with the password as part of it.
      if (step === 'password' && text.includes('Enter password:')) {
        step = 'prompt';
        text = '';
        socket.write(`${cli.password}\r\n`);
      } else if (step === 'prompt' && text.includes('> ')) {
        step = 'ps';
        text = '';
        socket.write('ps\r\n');
      } else if (step === 'prompt' && /password/i.test(text)) {
        finish(new Error('coturn CLI: password refused'));
      } else if (step === 'ps') {
        const total = TOTAL.exec(text);
        if (total) finish(undefined, Number(total[1]));
      }
    });
    socket.on('close', () => {
      if (step !== 'done') finish(new Error(`coturn CLI closed the connection: ${JSON.stringify(text.slice(-200))}`));
    });
  });
}
