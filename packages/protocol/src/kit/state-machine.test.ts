import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.ts';
import { StateMachine, type Transitions } from './state-machine.ts';

type Light = 'off' | 'on' | 'broken';
const TABLE: Transitions<Light> = { off: ['on', 'broken'], on: ['off', 'broken'], broken: [] };

describe('StateMachine', () => {
  it('reports each move as (from, to), and staying put reports nothing', () => {
    const moves: string[] = [];
    const light = new StateMachine<Light>('off', TABLE, (from, to) => moves.push(`${from}->${to}`));
    light.to('on');
    light.to('on');
    light.to('broken');
    expect(moves).toEqual(['off->on', 'on->broken']);
    expect(light.is('broken')).toBe(true);
  });

  it('refuses a move the table does not allow with INVALID_STATE', () => {
    const light = new StateMachine<Light>('broken', TABLE);
    let caught: unknown;
    try {
      light.to('on');
    } catch (error) {
      caught = error;
    }
    expect(isParleyError(caught) && caught.code).toBe('INVALID_STATE');
    expect(light.state).toBe('broken');
  });
});
