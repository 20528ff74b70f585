/** Reading the bot's commands and Discord's 2000-character limit. */
import { describe, expect, it } from 'vitest';
import { parseCommand, splitMessage, stripMention } from '../../../src/main/core/discord-bot';
import { parseApiUrl, parseApprovers } from '../../../src/main/cli/commands/bot';

describe('commands', () => {
  it('reads the four commands with or without a slash, in any case, and the approve request', () => {
    expect(parseCommand('status')).toEqual({ name: 'status', args: '' });
    expect(parseCommand('/Audit')).toEqual({ name: 'audit', args: '' });
    expect(parseCommand('approve   deploy to staging ')).toEqual({ name: 'approve', args: 'deploy to staging' });
    expect(parseCommand('METRICS please')).toEqual({ name: 'metrics', args: 'please' });
  });

  it('does not take anything else for a command', () => {
    for (const t of ['', 'hello', 'statuses', 'approved deploy', '!status', 'drop table users']) expect(parseCommand(t)).toBeNull();
  });

  it('answers only messages that start by mentioning the bot', () => {
    expect(stripMention('<@42424242> status', '42424242')).toBe('status');
    expect(stripMention('<@!42424242>approve deploy', '42424242')).toBe('approve deploy');
    expect(stripMention('hey <@42424242> status', '42424242')).toBeNull();
    expect(stripMention('<@11111111> status', '42424242')).toBeNull();
  });
});

describe('splitMessage', () => {
  it('keeps a short message whole', () => {
    expect(splitMessage('🤖 R.O.M.A.N. System Status\n\nok')).toEqual(['🤖 R.O.M.A.N. System Status\n\nok']);
  });

  it('splits at line ends into chunks of at most 2000 characters that join back to the text', () => {
    const text = Array.from({ length: 300 }, (_, i) => `${i}. Table 'documents_${i}' missing index on created_at`).join('\n');
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
    expect(parts.join('\n')).toBe(text);
  });

  it('cuts a single line longer than the limit without splitting a surrogate pair', () => {
    const text = '🔥'.repeat(1500);
    const parts = splitMessage(text);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(2000);
      expect(p).not.toMatch(/[\uD800-\uDBFF]$/);
    }
    expect(parts.join('')).toBe(text);
  });
});

describe('roman bot configuration', () => {
  it('reads approvers as comma-separated Discord ids and refuses anything else', () => {
    expect(parseApprovers(' 111111111111111111, 222222222222222222 ,111111111111111111')).toEqual(['111111111111111111', '222222222222222222']);
    expect(parseApprovers(undefined)).toEqual([]);
    expect(() => parseApprovers('111111111111111111,@alice')).toThrow(/"@alice" is not a Discord user or role id/);
  });

  it('takes a REST base URL with or without the version, https or loopback http only', () => {
    expect(parseApiUrl('http://127.0.0.1:5555/api/v10/')).toBe('http://127.0.0.1:5555/api');
    expect(parseApiUrl('https://discord.example/api')).toBe('https://discord.example/api');
    expect(() => parseApiUrl('http://discord.example/api')).toThrow(/https/);
    expect(() => parseApiUrl('not a url')).toThrow(/not a valid URL/);
  });
});
