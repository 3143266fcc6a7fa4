/**
 * The small machinery both the server and the SDK run on: no schemas, no I/O,
 * no dependencies, so it costs the browser bundle only what it uses.
 */
export { SerialQueue } from './serial-queue.ts';
export { StateMachine, type Transitions } from './state-machine.ts';
export { type ArgsOf, type EventMap, type ListenerErrorReporter, TypedEmitter } from './typed-emitter.ts';
