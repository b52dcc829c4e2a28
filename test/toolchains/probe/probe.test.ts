// jest (globals) and vitest (globals: true) both run this file.
import { relu, flip, input, show } from './lib';

declare const test: (name: string, fn: () => void | Promise<void>) => void;
declare const expect: (v: unknown) => { toBe(w: unknown): void };

test('the probe converts its tensor conditions', async () => {
  const x = input();
  expect(`${show(relu(x))} | ${show(flip(x))}`).toBe('(0, 2) | (1, 2)');
  expect(show(await flip.async(x))).toBe('(1, 2)');
});
