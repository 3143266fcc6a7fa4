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

  const stop = async (signal: string) => {
    console.log(`\n${signal}: stopping`);
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
