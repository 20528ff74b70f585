/** The Discord message built for alert notifications: the manual's wording, colours, timestamps, limits, secrecy. */
import { describe, expect, it } from 'vitest';
import {
  DISCORD_COLOURS,
  DISCORD_LIMITS,
  buildDiscordPayload,
  redactWebhookUrl,
  retryAfterMs,
  truncate,
  validateWebhookUrl,
} from '../../../src/main/core/notify/discord';
import type { AlertNotification } from '../../../src/main/core/alerts/engine';
import type { AlertInstance } from '../../../src/shared/alerts';

const base: AlertInstance = {
  fingerprint: '0123456789abcdef',
  rule: 'system_down',
  title: 'System Down',
  severity: 'critical',
  state: 'firing',
  labels: {},
  value: 12,
  summary: '12 errors in the last minute (threshold 10)',
  trigger: '10+ errors in 1 minute',
  action: 'Send Discord alert, page on-call engineer',
  activeAt: '2026-03-10T12:00:00.000Z',
  startsAt: '2026-03-10T12:00:00.000Z',
  endsAt: null,
  lastActiveAt: '2026-03-10T12:00:00.000Z',
  acknowledged: null,
  silencedBy: [],
  inhibitedBy: [],
};
const note = (firing: AlertInstance[], resolved: AlertInstance[] = []): AlertNotification => ({
  groupKey: 'rule=x',
  status: firing.length ? 'firing' : 'resolved',
  firing,
  resolved,
  repeat: false,
  at: '2026-03-10T12:00:00.000Z',
});

describe('Discord alert message', () => {
  it('uses the manual wording, a red embed and Discord timestamps for a critical alert', () => {
    const p = buildDiscordPayload(note([base]));
    expect(p.content).toContain('🚨 System Down');
    expect(p.content).toContain('Action: Send Discord alert, page on-call engineer');
    const e = p.embeds[0]!;
    expect(e.title).toBe('🚨 System Down');
    expect(e.color).toBe(DISCORD_COLOURS.critical);
    expect(e.fields).toContainEqual({ name: 'Action', value: 'Send Discord alert, page on-call engineer' });
    const unix = Date.parse(base.startsAt!) / 1000;
    expect(e.fields.find((f) => f.name === 'Started')!.value).toContain(`<t:${unix}:F>`);
    expect(p.allowed_mentions).toEqual({ parse: [] });
  });

  it('is amber for warnings and green for resolutions', () => {
    const warn = { ...base, rule: 'error_rate_spike', title: 'Error Rate Spike', severity: 'warning' as const };
    const resolved = { ...base, state: 'resolved' as const, endsAt: '2026-03-10T12:05:00.000Z' };
    const p = buildDiscordPayload(note([warn], [resolved]));
    expect(p.embeds.map((e) => [e.title, e.color])).toEqual([
      ['⚠️ Error Rate Spike', DISCORD_COLOURS.warning],
      ['✅ Resolved: System Down', DISCORD_COLOURS.resolved],
    ]);
    expect(p.embeds[1]!.fields.find((f) => f.name === 'Resolved')!.value).toBe(`<t:${Date.parse(resolved.endsAt) / 1000}:F>`);
  });

  it('mentions on-call only for critical alerts and only the configured mention', () => {
    const p = buildDiscordPayload(note([base]), { mention: '<@&42>' });
    expect(p.content.startsWith('<@&42>')).toBe(true);
    expect(p.allowed_mentions).toEqual({ parse: [], roles: ['42'] });
    const warn = buildDiscordPayload(note([{ ...base, severity: 'warning' }]), { mention: '<@&42>' });
    expect(warn.content).not.toContain('<@&42>');
  });

  it('stays within every Discord limit whatever the alert data', () => {
    const huge = 'x'.repeat(10_000);
    const many = Array.from({ length: 40 }, (_, i) => ({
      ...base,
      fingerprint: i.toString(16).padStart(16, '0'),
      title: `T${i} ${huge}`,
      summary: huge,
      trigger: huge,
      action: huge,
      labels: { ip: huge },
    }));
    const p = buildDiscordPayload(note(many));
    expect(p.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(p.embeds.length).toBeGreaterThan(0);
    expect(p.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
    let total = 0;
    for (const e of p.embeds) {
      expect(e.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
      expect(e.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
      expect(e.fields.length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
      for (const f of e.fields) {
        expect(f.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
        expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
        total += f.name.length + f.value.length;
      }
      expect(e.footer!.text.length).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
      total += e.title.length + e.description!.length + e.footer!.text.length;
    }
    expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    expect(p.content).toMatch(/more alerts? not shown/);
  });

  it('never splits an emoji when truncating', () => {
    const t = truncate('ab🚨🚨🚨', 4);
    expect(t.length).toBeLessThanOrEqual(4);
    expect(t).toBe('ab…');
  });
});

describe('webhook URL secrecy and validation', () => {
  it('redacts the token part of a webhook URL', () => {
    const url = 'https://discord.com/api/webhooks/123456/SECRET-token_value?wait=true';
    const r = redactWebhookUrl(url);
    expect(r).toBe('https://discord.com/api/webhooks/123456/***');
    expect(r).not.toContain('SECRET');
  });

  it('refuses plain http except on loopback, without echoing the token', () => {
    expect(() => validateWebhookUrl('http://discord.com/api/webhooks/1/SECRET')).toThrow(/https/);
    try {
      validateWebhookUrl('http://discord.com/api/webhooks/1/SECRET');
    } catch (err) {
      expect((err as Error).message).not.toContain('SECRET');
    }
    expect(() => validateWebhookUrl('http://127.0.0.1:9/api/webhooks/1/t')).not.toThrow();
    expect(() => validateWebhookUrl('not a url')).toThrow(/not a valid URL/);
  });
});

describe('429 retry delay', () => {
  it('prefers JSON retry_after (fractional seconds), then Retry-After, then a default', () => {
    expect(retryAfterMs({ retry_after: 0.35 }, new Headers({ 'retry-after': '9' }))).toBe(350);
    expect(retryAfterMs(null, new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs({ retry_after: null }, new Headers())).toBe(1000);
  });
});
