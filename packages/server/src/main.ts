/** `npm start`: the server with embedded defaults. */
import { ConfigError, loadConfig } from './config.ts';
import { startServer } from './server.ts';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const server = await startServer(config);
  const { secrets } = server.services;
  for (const file of secrets.generatedFiles) console.log(`Generated a development secret: ${file} (mode 0600)`);
  if (!config.apiKey) console.log(`API key: in ${config.dataDir}/api-key`);
  console.log(`\nParley is running: open ${server.url.replace('127.0.0.1', 'localhost')}`);
  console.log(`TURN: ${server.turn}\n`);

  // SIGTERM drains: calls go on for up to PARLEY_DRAIN_SECONDS. SIGINT, or a second signal, stops at once — still cleanly.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: stopping now`);
      void server.drain({ now: true });
      return;
    }
    stopping = true;
    if (signal === 'SIGTERM') {
      console.log(`\nSIGTERM: draining for up to ${config.drainSeconds} s (send it again to stop now)`);
      await server.drain();
    } else {
      await server.drain({ now: true });
    }
    console.log(`${signal}: stopping; calls still in progress carry on after the next start`);
    await server.close({ handOver: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
