import { describe, expect, it } from 'vitest';
import { getModelKind, MODEL_KINDS } from './index.js';

describe('model kinds', () => {
  it('finds gbdt and names the known kinds for an unknown one', () => {
    expect(getModelKind('gbdt').name).toBe('gbdt');
    expect(Object.keys(MODEL_KINDS)).toContain('gbdt');
    expect(() => getModelKind('forest')).toThrow(/unknown model kind 'forest' \(known: gbdt/);
  });
});
