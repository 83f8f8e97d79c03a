import { describe, expect, it } from 'vitest';
import { PassMemo } from './pass-memo.js';

describe('PassMemo', () => {
  it('computes a slot again only when its key changes', () => {
    const memo = new PassMemo<string>();
    let computed = 0;
    const upper = (text: string) => memo.get('a', text, () => (computed++, text.toUpperCase()));
    expect(upper('x')).toBe('X');
    memo.nextPass();
    expect(upper('x')).toBe('X');
    expect(computed).toBe(1);
    expect(upper('y')).toBe('Y');
    expect(computed).toBe(2);
  });

  it('remembers an undefined result as a result', () => {
    const memo = new PassMemo<string | undefined>();
    let computed = 0;
    memo.get('a', 'k', () => (computed++, undefined));
    memo.nextPass();
    expect(memo.get('a', 'k', () => (computed++, 'other'))).toBeUndefined();
    expect(computed).toBe(1);
  });

  it('forgets slots a whole pass did not ask for', () => {
    const memo = new PassMemo<number>();
    memo.get('kept', 'k', () => 1);
    memo.get('dropped', 'k', () => 2);
    memo.nextPass();
    memo.get('kept', 'k', () => 3);
    memo.nextPass();
    expect(memo.size).toBe(0);
    let computed = 0;
    expect(memo.get('kept', 'k', () => (computed++, 4))).toBe(1);
    expect(memo.get('dropped', 'k', () => (computed++, 5))).toBe(5);
    expect(computed).toBe(1);
  });
});
