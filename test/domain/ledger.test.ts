import { describe, expect, it } from 'vitest';
import { ledgerAmount } from '../../shared/domain/ledger.js';

const amount = (text: string, decimal: 'point' | 'comma' = 'point') => {
  const r = ledgerAmount(text, decimal, 'EUR');
  return 'amount' in r ? r.amount : `error: ${r.error}`;
};

describe('ledger amounts', () => {
  it('thousands separators, symbols, the currency code and parentheses', () => {
    expect(amount('9,800.50')).toBe('9800.50');
    expect(amount('(1,200.00)')).toBe('-1200.00');
    expect(amount('€9800')).toBe('9800');
    expect(amount('EUR 1,000')).toBe('1000');
    expect(amount('1 000,25 €', 'comma')).toBe('1000.25');
    expect(amount('-42')).toBe('-42');
    expect(amount('42-')).toBe('-42');
    expect(amount("1'250.5")).toBe('1250.5');
    expect(amount('0')).toBe('0');
  });
  it('a decimal comma with ?decimal=comma', () => {
    expect(amount('9.800,50', 'comma')).toBe('9800.50');
    expect(amount('(9.800,50)', 'comma')).toBe('-9800.50');
    expect(amount('9800,5', 'comma')).toBe('9800.5');
  });
  it('refuses what is not an amount, with the reason', () => {
    expect(amount('9.800,50')).toMatch(/decimal=comma/);
    expect(amount('1,00')).toMatch(/not an amount/);
    expect(amount('USD 100')).toMatch(/in USD; this organization books EUR/);
    expect(amount('abc')).toMatch(/not an amount/);
    expect(amount('')).toMatch(/not an amount/);
    expect(amount('(-5)')).toMatch(/twice/);
  });
});
