/** The in-memory bus (one process, or several pretend ones on one hub) keeps the bus contract. */
import { clusterBusContract } from './cluster-bus.contract.ts';
import { MemoryClusterBus, MemoryClusterHub } from './memory-cluster-bus.ts';

clusterBusContract('in memory', async (count, report) => {
  const hub = new MemoryClusterHub();
  return Array.from({ length: count }, () => new MemoryClusterBus({ hub, report }));
});
